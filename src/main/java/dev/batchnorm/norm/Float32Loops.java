package dev.batchnorm.norm;

/**
 * The float32 loops behind {@link BatchNormKernel}: statistics accumulate in double, the forward pass
 * runs in float arithmetic. Each loop walks the rows of a {@link ReductionPlan}. Plans whose rows run
 * along kept axes go to {@link Float32VectorLoops} when {@link Vectorization#ENABLED}; the plain
 * loops here are the fallback and the oracle the vector loops are tested against.
 */
final class Float32Loops {

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
        if (Vectorization.ENABLED && !plan.rowReduced()) {
            Float32VectorLoops.sum(x, plan, sums);
        } else {
            sumPlain(x, plan, sums);
        }
    }

    static void sumPlain(float[] x, ReductionPlan plan, double[] sums) {
        RowCursor cursor = plan.cursor();
        int rows = plan.rowCount();
        int length = plan.rowLength();
        int i = 0;
        if (plan.rowReduced()) {
            int r = 0;
            // a whole row feeds one statistic: sum it locally first. Four rows go side by side so that
            // four independent additions are in flight; each row sum is still taken in order from 0,
            // and the row sums reach their statistics in row order, as one row at a time would
            for (; r + 4 <= rows; r += 4, i += 4 * length) {
                double a0 = 0;
                double a1 = 0;
                double a2 = 0;
                double a3 = 0;
                for (int j = i, end = i + length; j < end; j++) {
                    a0 += x[j];
                    a1 += x[j + length];
                    a2 += x[j + 2 * length];
                    a3 += x[j + 3 * length];
                }
                addRowSums(sums, cursor, a0, a1, a2, a3);
            }
            for (; r < rows; r++) {
                double acc = 0;
                for (int end = i + length; i < end; i++) {
                    acc += x[i];
                }
                sums[cursor.base()] += acc;
                cursor.advance();
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int base = cursor.base();
                for (int j = 0; j < length; j++, i++) {
                    sums[base + j] += x[i];
                }
                cursor.advance();
            }
        }
    }

    /** Adds four consecutive rows' sums to their statistics in row order. */
    private static void addRowSums(double[] sums, RowCursor cursor, double a0, double a1, double a2, double a3) {
        sums[cursor.base()] += a0;
        cursor.advance();
        sums[cursor.base()] += a1;
        cursor.advance();
        sums[cursor.base()] += a2;
        cursor.advance();
        sums[cursor.base()] += a3;
        cursor.advance();
    }

    /** Adds {@code (x - mean)^2} of every element to its statistic's entry in {@code sums}, in double. */
    static void sumSquaredDeviations(float[] x, ReductionPlan plan, double[] mean, double[] sums) {
        if (Vectorization.ENABLED && !plan.rowReduced()) {
            Float32VectorLoops.sumSquaredDeviations(x, plan, mean, sums);
        } else {
            sumSquaredDeviationsPlain(x, plan, mean, sums);
        }
    }

    static void sumSquaredDeviationsPlain(float[] x, ReductionPlan plan, double[] mean, double[] sums) {
        RowCursor cursor = plan.cursor();
        int rows = plan.rowCount();
        int length = plan.rowLength();
        int i = 0;
        if (plan.rowReduced()) {
            int r = 0;
            // four rows side by side, as in sumPlain
            int[] bases = new int[4];
            for (; r + 4 <= rows; r += 4, i += 4 * length) {
                for (int k = 0; k < 4; k++) {
                    bases[k] = cursor.base();
                    cursor.advance();
                }
                double m0 = mean[bases[0]];
                double m1 = mean[bases[1]];
                double m2 = mean[bases[2]];
                double m3 = mean[bases[3]];
                double a0 = 0;
                double a1 = 0;
                double a2 = 0;
                double a3 = 0;
                for (int j = i, end = i + length; j < end; j++) {
                    double d0 = x[j] - m0;
                    double d1 = x[j + length] - m1;
                    double d2 = x[j + 2 * length] - m2;
                    double d3 = x[j + 3 * length] - m3;
                    a0 += d0 * d0;
                    a1 += d1 * d1;
                    a2 += d2 * d2;
                    a3 += d3 * d3;
                }
                sums[bases[0]] += a0;
                sums[bases[1]] += a1;
                sums[bases[2]] += a2;
                sums[bases[3]] += a3;
            }
            for (; r < rows; r++) {
                int s = cursor.base();
                double m = mean[s];
                double acc = 0;
                for (int end = i + length; i < end; i++) {
                    double d = x[i] - m;
                    acc += d * d;
                }
                sums[s] += acc;
                cursor.advance();
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int base = cursor.base();
                for (int j = 0; j < length; j++, i++) {
                    double d = x[i] - mean[base + j];
                    sums[base + j] += d * d;
                }
                cursor.advance();
            }
        }
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
