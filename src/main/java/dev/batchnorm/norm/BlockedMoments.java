package dev.batchnorm.norm;

import java.util.Arrays;

/**
 * The moments of an {@code [N..., C]} plan (every row feeds statistics {@code 0..C-1}) in one pass
 * over memory instead of two. Rows go in blocks small enough to stay in the core's cache; each block
 * is summed, then its squared deviations are summed around its own unrounded mean (the two passes
 * of {@code tf.nn.moments}, the second one reading the cached block), and the blocks are merged in
 * row order by the pairwise update of Chan, Golub and LeVeque (1979):
 *
 * <pre>
 *   delta = blockMean - runningMean
 *   runningMean += delta * (blockCount / count)
 *   squares += blockSquares + delta * delta * (previousCount * blockCount / count)
 * </pre>
 *
 * Every term added to {@code squares} is non-negative, so nothing cancels. The means are kept
 * relative to a pivot, the batch's first row: a mean's rounding error then scales with the spread of
 * the data rather than with its distance from zero, so {@code delta} stays accurate when the block
 * means are large and close together (data at 10^6 with a trend of 10^-3 per row, say). The mean is
 * {@code pivot + sum(x - pivot) / n}. A batch that fits in one block is not blocked at all, so its
 * moments are exactly the two global passes'. Not thread-safe: one instance per call.
 */
final class BlockedMoments {

    /** Input bytes per block: well inside a core's L2 (and about an L1d), so the second read of a block is a cache hit. */
    static final int BLOCK_BYTES = 64 * 1024;
    /** Fewer rows per block would spend more on merging than a second pass costs. */
    static final int MIN_BLOCK_ROWS = 8;

    /** Per statistic: the batch's first value. */
    private final double[] pivot;
    /** Per statistic: the block's sum of {@code x - pivot}, then (in place) its mean relative to the pivot. */
    private final double[] block;
    /** Per statistic: the block's mean, {@code pivot + block}, around which its squares are taken. */
    private final double[] center;
    /** Per statistic: the block's squared deviations around {@link #center}. */
    private final double[] blockSquares;
    /** Per statistic: the mean of the blocks merged so far, relative to the pivot. */
    private final double[] runningMean;
    private long count;

    private BlockedMoments(int statistics) {
        this.pivot = new double[statistics];
        this.block = new double[statistics];
        this.center = new double[statistics];
        this.blockSquares = new double[statistics];
        this.runningMean = new double[statistics];
    }

    /** One of the two passes over a range of rows, on the caller's array and dtype. */
    @FunctionalInterface
    interface RowSums {

        /**
         * Adds rows {@code [from, to)} to {@code sums[0..C)} in row order: {@code x - center}, or
         * {@code (x - center)^2} when squared.
         */
        void add(int from, int to, double[] center, boolean squared, double[] sums);
    }

    /**
     * The moments of a blocked plan: the unrounded mean into {@code mean} and the merged sum of
     * squared deviations into {@code squares}, both of length C and zero on entry.
     *
     * @param blockRows {@link #blockRows}, positive
     */
    static void compute(ReductionPlan plan, int blockRows, RowSums rows, double[] mean, double[] squares) {
        BlockedMoments blocks = new BlockedMoments(plan.rowLength());
        // the pivot is row 0 itself: x - 0 is x, to the bit (the zeros are blockSquares, not yet used)
        rows.add(0, 1, blocks.blockSquares, false, blocks.pivot);
        int rowCount = plan.rowCount();
        for (int from = 0; from < rowCount; from += blockRows) {
            int to = Math.min(rowCount, from + blockRows);
            Arrays.fill(blocks.block, 0);
            Arrays.fill(blocks.blockSquares, 0);
            // pass 1 over the block: its sums around the pivot (they also go to the batch's, in mean)
            rows.add(from, to, blocks.pivot, false, blocks.block);
            blocks.toBlockMean(to - from, mean);
            // pass 2 over the block, now in cache: squared deviations around the block's mean
            rows.add(from, to, blocks.center, true, blocks.blockSquares);
            blocks.merge(to - from, squares);
        }
        double n = plan.count();
        for (int s = 0; s < mean.length; s++) {
            mean[s] = blocks.pivot[s] + mean[s] / n;
        }
    }

    /**
     * Rows per block for a plan, or 0 when the plan is not blocked: its rows do not all feed
     * statistics {@code 0..C-1}, or one block would hold the whole batch.
     */
    static int blockRows(ReductionPlan plan, int elementBytes) {
        if (!plan.fixedBase() || plan.rowReduced()) {
            return 0;
        }
        long rowBytes = (long) plan.rowLength() * elementBytes;
        int rows = (int) Math.max(MIN_BLOCK_ROWS, BLOCK_BYTES / rowBytes);
        return rows >= plan.rowCount() ? 0 : rows;
    }

    /** Adds the block's sums to the batch's and turns {@link #block} into the block's mean (and {@link #center}). */
    private void toBlockMean(int blockCount, double[] sums) {
        double n = blockCount;
        for (int s = 0; s < block.length; s++) {
            sums[s] += block[s];
            block[s] /= n;
            center[s] = pivot[s] + block[s];
        }
    }

    /** Merges the finished block of {@code blockCount} elements per statistic into {@code squares}. */
    private void merge(int blockCount, double[] squares) {
        if (count == 0) {
            System.arraycopy(block, 0, runningMean, 0, block.length);
            System.arraycopy(blockSquares, 0, squares, 0, block.length);
        } else {
            double total = (double) count + blockCount;
            double weight = blockCount / total;
            double cross = count * (double) blockCount / total;
            for (int s = 0; s < block.length; s++) {
                double delta = block[s] - runningMean[s];
                runningMean[s] += delta * weight;
                // delta * cross first: cross is below 1 only for a one-row block, where delta * delta could overflow first
                squares[s] += blockSquares[s] + delta * (delta * cross);
            }
        }
        count += blockCount;
    }
}
