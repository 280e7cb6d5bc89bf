package dev.batchnorm.norm;

/**
 * The float32 loops behind {@link BatchNormKernel}: statistics accumulate in double, the forward pass
 * runs in float arithmetic. Each loop walks the rows of a {@link ReductionPlan}. The loops go to
 * {@link Float32VectorLoops} when {@link Vectorization#ENABLED} (sums of rows that feed one statistic
 * need 256-bit vectors there); the plain loops here are the fallback and the oracle the vector loops
 * are tested against.
 */
final class Float32Loops {

    /** Partial sums per row that feeds one statistic: see {@link #rowSumPlain}. */
    static final int ROW_PARTIALS = 16;

    private Float32Loops() {
    }

    /**
     * The unrounded mean of every statistic into {@code mean} and the sum of squared deviations around
     * it into {@code squares}, both zero on entry: in cached blocks when {@link BlockedMoments} takes
     * the plan, else in two passes over x.
     */
    static void moments(float[] x, ReductionPlan plan, double[] mean, double[] squares) {
        int blockRows = BlockedMoments.blockRows(plan, Float.BYTES);
        if (blockRows > 0) {
            int length = plan.rowLength();
            BlockedMoments.compute(plan, blockRows,
                    (from, to, center, squared, sums) -> addFixedRows(x, length, from, to, center, squared, sums), mean, squares);
            return;
        }
        // pass 1: sum per statistic, in double; mean = sum / n
        sum(x, plan, mean);
        BatchNormKernel.divide(mean, plan.count());
        // pass 2: sum of (x - mean)^2 per statistic, in double, around the unrounded mean
        sumSquaredDeviations(x, plan, mean, squares);
    }

    /**
     * Rows {@code [from, to)} of a plan whose every row feeds statistics {@code 0..length-1}, added to
     * {@code sums} in row order: {@code x - center}, or {@code (x - center)^2} when squared.
     */
    static void addFixedRows(float[] x, int length, int from, int to, double[] center, boolean squared, double[] sums) {
        if (Vectorization.ENABLED) {
            Float32VectorLoops.addFixedRows(x, length, from, to, center, squared, sums);
        } else {
            addFixedRowsPlain(x, length, from, to, center, squared, sums);
        }
    }

    static void addFixedRowsPlain(float[] x, int length, int from, int to, double[] center, boolean squared, double[] sums) {
        int i = from * length;
        for (int r = from; r < to; r++) {
            if (squared) {
                for (int j = 0; j < length; j++, i++) {
                    double d = x[i] - center[j];
                    sums[j] += d * d;
                }
            } else {
                for (int j = 0; j < length; j++, i++) {
                    sums[j] += x[i] - center[j];
                }
            }
        }
    }

    /** Adds every element of x to its statistic's entry in {@code sums}. */
    static void sum(float[] x, ReductionPlan plan, double[] sums) {
        if (vectorized(plan)) {
            Float32VectorLoops.sum(x, plan, sums);
        } else {
            sumPlain(x, plan, sums);
        }
    }

    static void sumPlain(float[] x, ReductionPlan plan, double[] sums) {
        addRowsPlain(x, plan, null, sums);
    }

    /** Adds {@code (x - mean)^2} of every element to its statistic's entry in {@code sums}, in double. */
    static void sumSquaredDeviations(float[] x, ReductionPlan plan, double[] mean, double[] sums) {
        if (vectorized(plan)) {
            Float32VectorLoops.sumSquaredDeviations(x, plan, mean, sums);
        } else {
            sumSquaredDeviationsPlain(x, plan, mean, sums);
        }
    }

    static void sumSquaredDeviationsPlain(float[] x, ReductionPlan plan, double[] mean, double[] sums) {
        addRowsPlain(x, plan, mean, sums);
    }

    private static boolean vectorized(ReductionPlan plan) {
        return Vectorization.ENABLED && (!plan.rowReduced() || Float32VectorLoops.ROW_SUMS);
    }

    // Adds every row to its statistics: the values when mean is null, else their squared deviations around it
    private static void addRowsPlain(float[] x, ReductionPlan plan, double[] mean, double[] sums) {
        RowCursor cursor = plan.cursor();
        int rows = plan.rowCount();
        int length = plan.rowLength();
        if (plan.rowReduced()) {
            // a whole row feeds one statistic: its sum is taken first, then reaches the statistic in row order
            for (int r = 0, i = 0; r < rows; r++, i += length) {
                int s = cursor.base();
                sums[s] += mean == null ? rowSumPlain(x, i, length, 0, false)
                        : rowSumPlain(x, i, length, mean[s], true);
                cursor.advance();
            }
        } else {
            for (int r = 0, i = 0; r < rows; r++) {
                int base = cursor.base();
                if (mean == null) {
                    for (int j = 0; j < length; j++, i++) {
                        sums[base + j] += x[i];
                    }
                } else {
                    for (int j = 0; j < length; j++, i++) {
                        double d = x[i] - mean[base + j];
                        sums[base + j] += d * d;
                    }
                }
                cursor.advance();
            }
        }
    }

    /**
     * The sum of {@code x[i..i+length)} as a row that feeds one statistic is summed, of x itself, or
     * of {@code (x - center)^2} when squared, in double:
     * <ol>
     *   <li>element j of the first {@code 16 * floor(length / 16)} goes to partial sum {@code j mod 16},
     *       each partial taken in order from 0;</li>
     *   <li>the partials are added as a vector reduces: {@code p[k] += p[k + w]} for w = 8, 4, 2, 1;</li>
     *   <li>the last {@code length mod 16} elements are then added to {@code p[0]} in order.</li>
     * </ol>
     * Sixteen partials keep that many additions in flight, and {@link Float32VectorLoops} takes them
     * four lanes at a time with the same bits.
     */
    static double rowSumPlain(float[] x, int i, int length, double center, boolean squared) {
        int body = length - length % ROW_PARTIALS;
        // every partial in a local, so that sixteen additions are in flight; each takes its elements in order
        double p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
        double p8 = 0, p9 = 0, p10 = 0, p11 = 0, p12 = 0, p13 = 0, p14 = 0, p15 = 0;
        for (int j = i, end = i + body; j < end; j += ROW_PARTIALS) {
            if (squared) {
                double d;
                d = x[j] - center; p0 += d * d;
                d = x[j + 1] - center; p1 += d * d;
                d = x[j + 2] - center; p2 += d * d;
                d = x[j + 3] - center; p3 += d * d;
                d = x[j + 4] - center; p4 += d * d;
                d = x[j + 5] - center; p5 += d * d;
                d = x[j + 6] - center; p6 += d * d;
                d = x[j + 7] - center; p7 += d * d;
                d = x[j + 8] - center; p8 += d * d;
                d = x[j + 9] - center; p9 += d * d;
                d = x[j + 10] - center; p10 += d * d;
                d = x[j + 11] - center; p11 += d * d;
                d = x[j + 12] - center; p12 += d * d;
                d = x[j + 13] - center; p13 += d * d;
                d = x[j + 14] - center; p14 += d * d;
                d = x[j + 15] - center; p15 += d * d;
            } else {
                p0 += x[j]; p1 += x[j + 1]; p2 += x[j + 2]; p3 += x[j + 3];
                p4 += x[j + 4]; p5 += x[j + 5]; p6 += x[j + 6]; p7 += x[j + 7];
                p8 += x[j + 8]; p9 += x[j + 9]; p10 += x[j + 10]; p11 += x[j + 11];
                p12 += x[j + 12]; p13 += x[j + 13]; p14 += x[j + 14]; p15 += x[j + 15];
            }
        }
        // 8, 4, 2 and 1 apart: p[k] + p[k + 8], then those 4 apart, then 2, then 1
        double sum = (((p0 + p8) + (p4 + p12)) + ((p2 + p10) + (p6 + p14)))
                + (((p1 + p9) + (p5 + p13)) + ((p3 + p11) + (p7 + p15)));
        for (int j = i + body, end = i + length; j < end; j++) {
            if (squared) {
                double d = x[j] - center;
                sum += d * d;
            } else {
                sum += x[j];
            }
        }
        return sum;
    }

    /** See {@link BatchNormKernel#normalize}; arguments are already validated. */
    static Tensor.F32 normalize(Tensor.F32 x, ReductionPlan plan, double[] mean, double[] variance, double[] beta,
            double[] gamma, double eps, float[] out) {
        int k = plan.statsSize();
        float[] scale = new float[k];
        float[] shift = new float[k];
        coefficients(mean, variance, beta, gamma, eps, scale, shift);
        boolean finite = Vectorization.ENABLED
                ? Float32VectorLoops.apply(x.data(), plan, scale, shift, out)
                : applyPlain(x.data(), plan, scale, shift, out);
        if (!finite) {
            throw new NonFiniteResultException("normalized output overflows float32");
        }
        return new Tensor.F32(x.shape().clone(), out);
    }

    /** See {@link BatchNormKernel#outputsBounded}; arguments are already validated. */
    static boolean outputsBounded(double[] mean, double[] variance, long count, double[] beta, double[] gamma, double eps) {
        float[] scale = new float[mean.length];
        float[] shift = new float[mean.length];
        coefficients(mean, variance, beta, gamma, eps, scale, shift);
        for (int s = 0; s < mean.length; s++) {
            if (!BatchNormKernel.bounded(mean[s], variance[s], count, scale[s], shift[s], Float.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    /** The forward pass's {@code y = x * scale + shift} coefficients per statistic, in float32 as TensorFlow rounds them. */
    private static void coefficients(double[] mean, double[] variance, double[] beta, double[] gamma, double eps,
            float[] scale, float[] shift) {
        float epsilon = (float) eps;
        for (int s = 0; s < scale.length; s++) {
            // v = variance + eps, a float32 add (eps narrowed first, as TF converts it to the dtype)
            float v = (float) variance[s] + epsilon;
            // inv = rsqrt(v) = 1 / sqrt(v) in float32: sqrt rounded to float (exact via double), then a float divide
            float inv = 1f / (float) Math.sqrt(v);
            // inv *= gamma, a float32 multiply
            if (gamma != null) {
                inv *= (float) gamma[s];
            }
            // shift = beta - mean * inv, or -(mean * inv) without offset; each op rounded to float32
            float meanTimesInv = (float) mean[s] * inv;
            scale[s] = inv;
            shift[s] = beta != null ? (float) beta[s] - meanTimesInv : -meanTimesInv;
        }
    }

    /**
     * {@code out = x * scale + shift} per element (two float32 roundings); out may be x.
     *
     * @return false when some output overflowed to an infinity
     */
    static boolean applyPlain(float[] x, ReductionPlan plan, float[] scale, float[] shift, float[] out) {
        RowCursor cursor = plan.cursor();
        int rows = plan.rowCount();
        int length = plan.rowLength();
        // y - y is 0 for a finite y and NaN otherwise, so this sum remembers any overflow without a branch
        float poison = 0f;
        int i = 0;
        if (plan.rowReduced()) {
            for (int r = 0; r < rows; r++) {
                float a = scale[cursor.base()];
                float b = shift[cursor.base()];
                for (int end = i + length; i < end; i++) {
                    float y = x[i] * a + b;
                    out[i] = y;
                    poison += y - y;
                }
                cursor.advance();
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int base = cursor.base();
                for (int j = 0; j < length; j++, i++) {
                    float y = x[i] * scale[base + j] + shift[base + j];
                    out[i] = y;
                    poison += y - y;
                }
                cursor.advance();
            }
        }
        return !Float.isNaN(poison);
    }
}
