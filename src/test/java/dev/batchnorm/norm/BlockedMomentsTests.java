package dev.batchnorm.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/**
 * Batches large enough for {@link BlockedMoments} to read them in several blocks give the moments of
 * the exact arithmetic: the float32 mean and variance are the exact values rounded once (computed
 * here with {@link BigDecimal}, which shares nothing with the kernel), also for data whose blocks
 * have very different means and for data whose spread is tiny next to its offset.
 */
class BlockedMomentsTests {

    private static final MathContext EXACT = new MathContext(60);

    @Test
    void blockRows_BlocksOnlyLargeBatchesWhoseRowsAllFeedTheSameStatistics() {
        // 256 float32 rows of 64 channels are one 64 KiB block: the batch is not blocked at all
        assertThat(BlockedMoments.blockRows(ReductionPlan.of(new int[] {256, 64}, null), Float.BYTES)).isZero();
        assertThat(BlockedMoments.blockRows(ReductionPlan.of(new int[] {257, 64}, null), Float.BYTES)).isEqualTo(256);
        assertThat(BlockedMoments.blockRows(ReductionPlan.of(new int[] {257, 64}, null), Double.BYTES)).isEqualTo(128);
        // [N, H, W, C] over N, H and W is [N * H * W, C]
        assertThat(BlockedMoments.blockRows(ReductionPlan.of(new int[] {8, 16, 16, 32}, null), Float.BYTES)).isEqualTo(512);
        // rows wider than a block still go eight at a time
        assertThat(BlockedMoments.blockRows(ReductionPlan.of(new int[] {100, 50_000}, null), Float.BYTES))
                .isEqualTo(BlockedMoments.MIN_BLOCK_ROWS);
        // channels-first: every row feeds one statistic; [A, B, C] over B: rows feed statistics by A
        assertThat(BlockedMoments.blockRows(ReductionPlan.of(new int[] {64, 8, 1024}, new int[] {0, 2}), Float.BYTES)).isZero();
        assertThat(BlockedMoments.blockRows(ReductionPlan.of(new int[] {4, 4096, 8}, new int[] {1}), Float.BYTES)).isZero();
    }

    @Test
    void float32_ManyBlocksGiveTheExactMomentsRoundedOnce() {
        Random random = new Random(8);
        // [rows, channels]: 17, 4 and 15 blocks, the last one partial in each; 4097 rows end in a
        // block of one row, the only kind whose merge weight n_a * n_b / n is below 1
        int[][] shapes = {{4097, 64}, {20_570, 3}, {6000, 40}};
        for (int[] shape : shapes) {
            check(shape, "gaussian", random::nextGaussian);
            // far from zero with a small spread: two passes keep the variance's digits, sums of squares would not
            check(shape, "offset 1e4", () -> 10_000 + random.nextGaussian() * 0.01);
            // values over 40 binades of both signs
            check(shape, "wide range", () -> random.nextGaussian() * Math.pow(2, random.nextInt(40) - 20));
            // a trend along the batch: every block has its own mean, so the merge's delta term carries most of the variance
            int[] row = {0};
            int channels = shape[1];
            check(shape, "trend", () -> (row[0]++ / channels) * 0.001 + random.nextGaussian() * 1e-3);
            // the same far from zero: block means large and close together, the case the pivot is for
            int[] row2 = {0};
            check(shape, "offset 1e4 with a trend", () -> 10_000 + (row2[0]++ / channels) * 1e-4 + random.nextGaussian() * 1e-3);
        }
    }

    @Test
    void float32_BlocksAFewUlpsApartGiveTheExactMomentsRoundedOnce() {
        // each block of each channel sits on its own step of 0 to 3 float ulps of 10^4 (2^-10), its
        // values one ulp apart at most, so much of the variance comes from the merge's delta terms:
        // without the pivot, a delta between two double means near 10^4 is off by about 10^-9 of
        // itself, which is enough to round one of these 64 variances the other way (checked)
        Random random = new Random(99);
        int[] shape = {9000, 64};
        int blockRows = BlockedMoments.blockRows(ReductionPlan.of(shape, null), Float.BYTES);
        int channels = shape[1];
        int[] steps = new int[channels];
        int[] element = {0};
        check(shape, "blocks a few ulps apart", () -> {
            int row = element[0] / channels;
            int c = element[0]++ % channels;
            if (row % blockRows == 0) {
                steps[c] = random.nextInt(4);
            }
            return 10_000 + (steps[c] + random.nextInt(2)) * 0x1p-10;
        });
    }

    @Test
    void float64_ManyBlocksGiveTheExactMomentsToWithinAFewUlps() {
        Random random = new Random(64);
        int[] shape = {3000, 40};
        int[] row = {0};
        double[] data = new double[shape[0] * shape[1]];
        for (int i = 0; i < data.length; i++) {
            data[i] = 1e6 + (row[0]++ / shape[1]) * 0.5 + random.nextGaussian();
        }
        ReductionPlan plan = ReductionPlan.of(shape, null);
        assertThat(BlockedMoments.blockRows(plan, Double.BYTES)).isEqualTo(204);
        Moments m = BatchNormKernel.moments(Tensor.of(DType.FLOAT64, shape, data), plan);
        for (int c = 0; c < shape[1]; c++) {
            BigDecimal[] exact = exactMoments(data, shape, c);
            assertThat(m.mean()[c]).as("mean %d", c).isCloseTo(exact[0].doubleValue(), Percentage.withPercentage(1e-12));
            assertThat(m.variance()[c]).as("variance %d", c).isCloseTo(exact[1].doubleValue(), Percentage.withPercentage(1e-11));
        }
    }

    @Test
    void float64_ValuesNearTheLargestDoubleHaveAFiniteMeanUnlessTheirSpreadOverflows() {
        int[] shape = {1000, 16};
        ReductionPlan plan = ReductionPlan.of(shape, null);
        assertThat(BlockedMoments.blockRows(plan, Double.BYTES)).isPositive();
        // the sums are taken around the first row, so they do not overflow where the values do not
        double[] large = new double[shape[0] * shape[1]];
        Arrays.fill(large, 1.7e308);
        Moments m = BatchNormKernel.moments(Tensor.of(DType.FLOAT64, shape, large), plan);
        assertThat(m.mean()).containsOnly(1.7e308);
        assertThat(m.variance()).containsOnly(0.0);
        // a spread of 2e308 overflows: its variance (about 10^616) does not fit a double either
        double[] spread = new double[large.length];
        for (int i = 0; i < spread.length; i++) {
            // rows alternate between the two values in every channel
            spread[i] = i / shape[1] % 2 == 0 ? -1e308 : 1e308;
        }
        assertThatExceptionOfType(NonFiniteResultException.class)
                .isThrownBy(() -> BatchNormKernel.moments(Tensor.of(DType.FLOAT64, shape, spread), plan))
                .withMessageContaining("overflows float64");
    }

    private static void check(int[] shape, String what, DoubleSupplier values) {
        double[] data = new double[shape[0] * shape[1]];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) values.getAsDouble();
        }
        ReductionPlan plan = ReductionPlan.of(shape, null);
        assertThat(BlockedMoments.blockRows(plan, Float.BYTES)).as("blocked").isPositive().isLessThan(shape[0]);
        Moments m = BatchNormKernel.moments(Tensor.of(DType.FLOAT32, shape, data), plan);
        for (int c = 0; c < shape[1]; c++) {
            BigDecimal[] exact = exactMoments(data, shape, c);
            // the decimal string of the exact value, 60 digits, is rounded once by parseFloat
            String at = what + " " + Arrays.toString(shape) + " channel " + c;
            assertThat((float) m.mean()[c]).as("mean, %s", at).isEqualTo(Float.parseFloat(exact[0].toString()));
            assertThat((float) m.variance()[c]).as("variance, %s", at).isEqualTo(Float.parseFloat(exact[1].toString()));
        }
    }

    /** The exact mean and biased variance of channel c (to 60 digits). */
    private static BigDecimal[] exactMoments(double[] data, int[] shape, int c) {
        int rows = shape[0];
        int channels = shape[1];
        BigDecimal n = BigDecimal.valueOf(rows);
        BigDecimal sum = BigDecimal.ZERO;
        for (int r = 0; r < rows; r++) {
            sum = sum.add(new BigDecimal(data[r * channels + c]));
        }
        BigDecimal mean = sum.divide(n, EXACT);
        BigDecimal squares = BigDecimal.ZERO;
        for (int r = 0; r < rows; r++) {
            BigDecimal d = new BigDecimal(data[r * channels + c]).subtract(mean);
            squares = squares.add(d.multiply(d, EXACT), EXACT);
        }
        return new BigDecimal[] {mean, squares.divide(n, EXACT)};
    }
}
