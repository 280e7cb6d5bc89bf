package dev.batchnorm.norm;

import java.util.Arrays;
import java.util.Random;

/**
 * Run in a child JVM by {@link Float32VectorLoopsTests}: prints whether the Vector API is on and a
 * digest of a float32 training forward, so that runs with and without it can be compared.
 */
final class FallbackProbe {

    private FallbackProbe() {
    }

    public static void main(String[] args) {
        System.out.println("vector=" + Vectorization.enabled() + " " + digest());
    }

    /**
     * The bits of the moments and outputs of a [203, 70] forward, of a [1500, 70] one (its moments in
     * seven blocks), of a [5, 6, 33] one reduced over axis 1 and of a channels-first [4, 3, 50] one.
     */
    static String digest() {
        return forward(new int[] {203, 70}, null) + " " + forward(new int[] {1500, 70}, null) + " "
                + forward(new int[] {5, 6, 33}, new int[] {1}) + " " + forward(new int[] {4, 3, 50}, new int[] {0, 2});
    }

    private static String forward(int[] shape, int[] axes) {
        Random random = new Random(11);
        ReductionPlan plan = ReductionPlan.of(shape, axes);
        double[] data = new double[plan.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * Math.pow(2, random.nextInt(30) - 15));
        }
        Tensor x = Tensor.of(DType.FLOAT32, shape, data);
        Moments m = BatchNormKernel.moments(x, plan);
        Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), null, null, 1e-3);
        return Integer.toHexString(Arrays.hashCode(m.mean())) + "/" + Integer.toHexString(Arrays.hashCode(m.variance()))
                + "/" + Integer.toHexString(Arrays.hashCode(((Tensor.F32) y).data()));
    }
}
