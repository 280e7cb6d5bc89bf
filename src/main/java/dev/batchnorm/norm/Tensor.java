package dev.batchnorm.norm;

import java.util.Arrays;

/**
 * A dense row-major tensor backed by one primitive array. The hot path works on these directly;
 * nothing here boxes.
 */
public sealed interface Tensor permits Tensor.F32, Tensor.F64 {

    /** The dimensions, outermost first. Callers must not modify the returned array. */
    int[] shape();

    DType dtype();

    /** Number of elements (the product of the shape; 1 for a rank-0 tensor). */
    int size();

    /** Element {@code i} of the row-major data, widened to double. Not for hot loops. */
    double get(int i);

    /** A copy of the data widened to double (exact). */
    default double[] toDoubles() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = get(i);
        }
        return out;
    }

    /** Element count of a shape; throws {@link ArithmeticException} when it exceeds an int. */
    static int sizeOf(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** A float32 tensor. */
    record F32(int[] shape, float[] data) implements Tensor {
        public F32 {
            if (sizeOf(shape) != data.length) {
                throw new IllegalArgumentException("data length " + data.length + " does not match shape " + Arrays.toString(shape));
            }
        }

        @Override
        public DType dtype() {
            return DType.FLOAT32;
        }

        @Override
        public int size() {
            return data.length;
        }

        @Override
        public double get(int i) {
            return data[i];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof F32 t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "F32" + Arrays.toString(shape);
        }
    }

    /** A float64 tensor. */
    record F64(int[] shape, double[] data) implements Tensor {
        public F64 {
            if (sizeOf(shape) != data.length) {
                throw new IllegalArgumentException("data length " + data.length + " does not match shape " + Arrays.toString(shape));
            }
        }

        @Override
        public DType dtype() {
            return DType.FLOAT64;
        }

        @Override
        public int size() {
            return data.length;
        }

        @Override
        public double get(int i) {
            return data[i];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof F64 t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "F64" + Arrays.toString(shape);
        }
    }

    /** A tensor of the given dtype holding {@code values} (rounded to the dtype). */
    static Tensor of(DType dtype, int[] shape, double[] values) {
        if (dtype == DType.FLOAT64) {
            return new F64(shape.clone(), values.clone());
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new F32(shape.clone(), f);
    }
}
