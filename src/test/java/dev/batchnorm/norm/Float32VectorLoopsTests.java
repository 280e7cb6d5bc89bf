package dev.batchnorm.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Vector API loops give the plain loops' results to the bit, on rows wider than a vector
 * (unlike the small random shapes of {@link BatchNormKernelTests}), with and without row tails, for
 * plans whose rows all feed the same statistics and for plans that walk a cursor. Sums are also
 * checked against per-statistic sums written out here in row order, so both paths are held to the
 * documented order, not just to each other.
 */
class Float32VectorLoopsTests {

    private static final int[] WIDTHS = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65, 100, 129};

    @Test
    void tests_RunWithTheVectorApi() {
        // the build starts test JVMs with --add-modules jdk.incubator.vector; without it this suite would test nothing new
        assertThat(Vectorization.enabled()).as(Vectorization.describe()).isTrue();
    }

    @Test
    void nc_SumsAndDeviationsEqualRowOrderSumsBitForBit() {
        Random random = new Random(77);
        for (int width : WIDTHS) {
            // 4k + 3 rows: the four-row steps and the single-row remainder both run
            int rows = 4 * (1 + random.nextInt(20)) + 3;
            int[] shape = {rows, width};
            float[] x = wideRangeFloats(random, rows * width);
            ReductionPlan plan = ReductionPlan.of(shape, null);

            double[] sums = new double[width];
            Float32Loops.sum(x, plan, sums);
            double[] mean = new double[width];
            for (int c = 0; c < width; c++) {
                mean[c] = sums[c] / rows;
            }
            double[] deviations = new double[width];
            Float32Loops.sumSquaredDeviations(x, plan, mean, deviations);

            double[] expectedSums = new double[width];
            double[] expectedDeviations = new double[width];
            for (int c = 0; c < width; c++) {
                double[] values = new double[rows];
                double[] squares = new double[rows];
                for (int n = 0; n < rows; n++) {
                    values[n] = x[n * width + c];
                    squares[n] = (values[n] - mean[c]) * (values[n] - mean[c]);
                }
                if (width == 1) {
                    // [N, 1] is one row that feeds one statistic: the sixteen partials of the channels-first case
                    expectedSums[c] = sixteenPartials(values);
                    expectedDeviations[c] = sixteenPartials(squares);
                } else {
                    for (int n = 0; n < rows; n++) {
                        expectedSums[c] += values[n];
                        expectedDeviations[c] += squares[n];
                    }
                }
            }
            assertThat(sums).as("sums, width %d", width).containsExactly(expectedSums);
            assertThat(deviations).as("deviations, width %d", width).containsExactly(expectedDeviations);
        }
    }

    @Test
    void channelsFirst_RowSumsOfSixteenPartialsReachTheirStatisticInRowOrder() {
        Random random = new Random(31);
        // [N, C, L] reduced over N and L: row (n, c) feeds statistic c. L = 37 and 1000 have 16-wide
        // bodies and tails, L = 9 only a tail; C = 2 and 5 interleave the statistics' rows
        for (int[] shape : new int[][] {{10, 2, 37}, {7, 5, 9}, {3, 3, 1000}}) {
            int n = shape[0];
            int channels = shape[1];
            int length = shape[2];
            ReductionPlan plan = ReductionPlan.of(shape, new int[] {0, 2});
            float[] x = wideRangeFloats(random, n * channels * length);
            double[] mean = gaussians(random, channels);

            double[] sums = new double[channels];
            double[] deviations = new double[channels];
            double[] plainSums = new double[channels];
            double[] plainDeviations = new double[channels];
            // the vector loops directly: they also run, slower, where 256-bit vectors are not native
            Float32VectorLoops.sum(x, plan, sums);
            Float32VectorLoops.sumSquaredDeviations(x, plan, mean, deviations);
            Float32Loops.sumPlain(x, plan, plainSums);
            Float32Loops.sumSquaredDeviationsPlain(x, plan, mean, plainDeviations);

            double[] expectedSums = new double[channels];
            double[] expectedDeviations = new double[channels];
            for (int row = 0; row < n * channels; row++) {
                int c = row % channels;
                double[] values = new double[length];
                double[] squares = new double[length];
                for (int j = 0; j < length; j++) {
                    values[j] = x[row * length + j];
                    squares[j] = (values[j] - mean[c]) * (values[j] - mean[c]);
                }
                expectedSums[c] += sixteenPartials(values);
                expectedDeviations[c] += sixteenPartials(squares);
            }
            String what = Arrays.toString(shape);
            assertThat(sums).as("sums of %s", what).containsExactly(expectedSums);
            assertThat(plainSums).as("plain sums of %s", what).containsExactly(expectedSums);
            assertThat(deviations).as("deviations of %s", what).containsExactly(expectedDeviations);
            assertThat(plainDeviations).as("plain deviations of %s", what).containsExactly(expectedDeviations);
        }
    }

    /** A row's sum as documented: 16 partials by index, reduced 8, 4, 2 and 1 apart, then the tail in order. */
    private static double sixteenPartials(double[] terms) {
        int body = terms.length / 16 * 16;
        double[] p = new double[16];
        for (int j = 0; j < body; j++) {
            p[j % 16] += terms[j];
        }
        double sum = (((p[0] + p[8]) + (p[4] + p[12])) + ((p[2] + p[10]) + (p[6] + p[14])))
                + (((p[1] + p[9]) + (p[5] + p[13])) + ((p[3] + p[11]) + (p[7] + p[15])));
        for (int j = body; j < terms.length; j++) {
            sum += terms[j];
        }
        return sum;
    }

    @Test
    void rowRanges_EqualThePlainLoopsAndRowOrderSumsBitForBit() {
        // the blocks of BlockedMoments: any [from, to), so four-row steps start anywhere and end in a remainder
        Random random = new Random(515);
        for (int width : WIDTHS) {
            int rows = 40 + random.nextInt(40);
            float[] x = wideRangeFloats(random, rows * width);
            int from = random.nextInt(rows / 2);
            int to = from + 1 + random.nextInt(rows - from);
            double[] center = gaussians(random, width);
            double[] sums = new double[width];
            double[] plainSums = new double[width];
            double[] squares = new double[width];
            double[] plainSquares = new double[width];
            Float32VectorLoops.addFixedRows(x, width, from, to, center, false, sums);
            Float32Loops.addFixedRowsPlain(x, width, from, to, center, false, plainSums);
            Float32VectorLoops.addFixedRows(x, width, from, to, center, true, squares);
            Float32Loops.addFixedRowsPlain(x, width, from, to, center, true, plainSquares);

            double[] expectedSums = new double[width];
            double[] expectedSquares = new double[width];
            for (int c = 0; c < width; c++) {
                for (int n = from; n < to; n++) {
                    double d = x[n * width + c] - center[c];
                    expectedSums[c] += d;
                    expectedSquares[c] += d * d;
                }
            }
            String what = "width " + width + ", rows [" + from + ", " + to + ")";
            assertThat(sums).as("deviations, %s", what).containsExactly(expectedSums);
            assertThat(plainSums).as("plain deviations, %s", what).containsExactly(expectedSums);
            assertThat(squares).as("squared deviations, %s", what).containsExactly(expectedSquares);
            assertThat(plainSquares).as("plain squared deviations, %s", what).containsExactly(expectedSquares);
        }
    }

    @Test
    void randomPlans_EqualThePlainLoopsBitForBit() {
        Random random = new Random(2026);
        for (int t = 0; t < 300; t++) {
            int[] shape = randomShape(random);
            int[] axes = randomAxes(random, shape.length);
            ReductionPlan plan = ReductionPlan.of(shape, axes);
            String what = Arrays.toString(shape) + " axes " + Arrays.toString(axes);
            float[] x = wideRangeFloats(random, plan.size());
            int k = plan.statsSize();
            float[] scale = new float[k];
            float[] shift = new float[k];
            for (int s = 0; s < k; s++) {
                scale[s] = (float) (random.nextGaussian() * 3);
                shift[s] = (float) random.nextGaussian();
            }
            float[] out = new float[x.length];
            float[] plainOut = new float[x.length];
            assertThat(Float32VectorLoops.apply(x, plan, scale, shift, out)).as(what).isTrue();
            assertThat(Float32Loops.applyPlain(x, plan, scale, shift, plainOut)).as(what).isTrue();
            assertThat(out).as("outputs of %s", what).containsExactly(plainOut);
            double[] sums = new double[k];
            double[] plainSums = new double[k];
            Float32VectorLoops.sum(x, plan, sums);
            Float32Loops.sumPlain(x, plan, plainSums);
            assertThat(sums).as("sums of %s", what).containsExactly(plainSums);

            double[] mean = new double[k];
            for (int s = 0; s < k; s++) {
                mean[s] = sums[s] / plan.count();
            }
            double[] deviations = new double[k];
            double[] plainDeviations = new double[k];
            Float32VectorLoops.sumSquaredDeviations(x, plan, mean, deviations);
            Float32Loops.sumSquaredDeviationsPlain(x, plan, mean, plainDeviations);
            assertThat(deviations).as("deviations of %s", what).containsExactly(plainDeviations);
        }
    }

    @Test
    void apply_ReportsAnOverflowInTheVectorPartAndInTheTail() {
        int width = 65;
        ReductionPlan plan = ReductionPlan.of(new int[] {3, width}, null);
        float[] scale = new float[width];
        float[] shift = new float[width];
        Arrays.fill(scale, 1e30f);
        for (int at : new int[] {0, 5, width + 17, 2 * width + 64}) {
            float[] x = new float[3 * width];
            Arrays.fill(x, 1f);
            // 1e10 * 1e30 is beyond float32's 3.4e38
            x[at] = 1e10f;
            assertThat(Float32VectorLoops.apply(x, plan, scale, shift, new float[x.length])).as("overflow at %d", at).isFalse();
            assertThat(Float32Loops.applyPlain(x, plan, scale, shift, new float[x.length])).as("overflow at %d", at).isFalse();
        }
    }

    @Test
    void normalize_IntoAGivenTensorOrInPlaceEqualsANewOne() {
        Random random = new Random(5);
        int[] shape = {37, 70};
        ReductionPlan plan = ReductionPlan.of(shape, null);
        double[] data = new double[37 * 70];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        Tensor x = Tensor.of(DType.FLOAT32, shape, data);
        Moments m = BatchNormKernel.moments(x, plan);
        double[] beta = new double[70];
        Arrays.fill(beta, 0.25);
        float[] fresh = ((Tensor.F32) BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, null, 1e-3)).data();

        Tensor.F32 into = new Tensor.F32(shape, new float[data.length]);
        Tensor given = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, null, 1e-3, into);
        Tensor.F32 inPlace = (Tensor.F32) Tensor.of(DType.FLOAT32, shape, data);
        BatchNormKernel.normalize(inPlace, plan, m.mean(), m.variance(), beta, null, 1e-3, inPlace);

        assertThat(((Tensor.F32) given).data()).isSameAs(into.data()).containsExactly(fresh);
        assertThat(inPlace.data()).containsExactly(fresh);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, null, 1e-3,
                        Tensor.of(DType.FLOAT64, shape, data)))
                .withMessage("output must be float32 of shape [37, 70], got float64 of shape [37, 70]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, null, 1e-3,
                        new Tensor.F32(new int[] {70, 37}, new float[data.length])))
                .withMessage("output must be float32 of shape [37, 70], got float32 of shape [70, 37]");
    }

    @Test
    void normalize_OverflowInAWideRowIsReported() {
        int[] shape = {4, 40};
        ReductionPlan plan = ReductionPlan.of(shape, null);
        double[] data = new double[160];
        data[93] = 3e38;
        Tensor x = Tensor.of(DType.FLOAT32, shape, data);
        double[] zeros = new double[40];
        // 1/sqrt(0 + 1e-3) is about 31.6
        assertThatExceptionOfType(NonFiniteResultException.class)
                .isThrownBy(() -> BatchNormKernel.normalize(x, plan, zeros, zeros, null, null, 1e-3))
                .withMessage("normalized output overflows float32");
    }

    @Test
    void withoutTheModule_TheKernelFallsBackToThePlainLoopsWithTheSameBits() throws Exception {
        // a JVM started without --add-modules jdk.incubator.vector, and one with the switch off
        String withoutModule = runChild(List.of());
        String switchedOff = runChild(List.of("--add-modules", "jdk.incubator.vector", "-D" + Vectorization.PROPERTY + "=false"));

        assertThat(withoutModule).startsWith("vector=false ");
        assertThat(switchedOff).startsWith("vector=false ");
        String here = "vector=true " + FallbackProbe.digest();
        assertThat(withoutModule.substring("vector=false ".length())).isEqualTo(here.substring("vector=true ".length()));
        assertThat(switchedOff.substring("vector=false ".length())).isEqualTo(here.substring("vector=true ".length()));
    }

    private static String runChild(List<String> flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FallbackProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] stdout = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(err).isZero();
        return new String(stdout, StandardCharsets.UTF_8).strip();
    }

    private static double[] gaussians(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextGaussian();
        }
        return values;
    }

    /** Floats over many binades, so that any change in the order of additions would change the sums. */
    private static float[] wideRangeFloats(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * Math.pow(2, random.nextInt(40) - 20));
        }
        return x;
    }

    /** Rank 2..4 with a wide last axis, so rows are longer than a vector more often than not. */
    private static int[] randomShape(Random random) {
        int rank = 2 + random.nextInt(3);
        int[] shape = new int[rank];
        for (int a = 0; a < rank; a++) {
            shape[a] = 1 + random.nextInt(6);
        }
        shape[rank - 1] = WIDTHS[random.nextInt(WIDTHS.length)];
        return shape;
    }

    /** A random non-empty subset of the axes, or null (every axis but the last). */
    private static int[] randomAxes(Random random, int rank) {
        if (random.nextInt(4) == 0) {
            return null;
        }
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < rank; a++) {
            if (random.nextBoolean()) {
                axes.add(a);
            }
        }
        if (axes.isEmpty()) {
            axes.add(random.nextInt(rank));
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }
}
