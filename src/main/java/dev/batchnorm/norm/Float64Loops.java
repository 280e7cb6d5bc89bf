package dev.batchnorm.norm;

/**
 * The float64 loops behind {@link BatchNormKernel}: everything in double. Each loop walks the rows
 * of a {@link ReductionPlan}; the structure mirrors {@link Float32Loops}.
 */
final class Float64Loops {

    private Float64Loops() {
    }

    /** {@link Float32Loops#moments} for float64 input. */
    static void moments(double[] x, ReductionPlan plan, double[] mean, double[] squares) {
        int blockRows = BlockedMoments.blockRows(plan, Double.BYTES);
        if (blockRows > 0) {
            int length = plan.rowLength();
            BlockedMoments.compute(plan, blockRows,
                    (from, to, center, squared, sums) -> addFixedRows(x, length, from, to, center, squared, sums), mean, squares);
            return;
        }
        sum(x, plan, mean);
        BatchNormKernel.divide(mean, plan.count());
        sumSquaredDeviations(x, plan, mean, squares);
    }

    /** {@link Float32Loops#addFixedRows} for float64 input. */
    static void addFixedRows(double[] x, int length, int from, int to, double[] center, boolean squared, double[] sums) {
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
    static void sum(double[] x, ReductionPlan plan, double[] sums) {
        RowCursor cursor = plan.cursor();
        int rows = plan.rowCount();
        int length = plan.rowLength();
        int i = 0;
        if (plan.rowReduced()) {
            for (int r = 0; r < rows; r++) {
                // a whole row feeds one statistic: sum it locally first
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

    /** Adds {@code (x - mean)^2} of every element to its statistic's entry in {@code sums}. */
    static void sumSquaredDeviations(double[] x, ReductionPlan plan, double[] mean, double[] sums) {
        RowCursor cursor = plan.cursor();
        int rows = plan.rowCount();
        int length = plan.rowLength();
        int i = 0;
        if (plan.rowReduced()) {
            for (int r = 0; r < rows; r++) {
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
    static Tensor.F64 normalize(Tensor.F64 x, ReductionPlan plan, double[] mean, double[] variance, double[] beta,
            double[] gamma, double eps, double[] out) {
        int k = plan.statsSize();
        double[] scale = new double[k];
        double[] shift = new double[k];
        coefficients(mean, variance, beta, gamma, eps, scale, shift);
        apply(x.data(), plan, scale, shift, out);
        return new Tensor.F64(x.shape().clone(), out);
    }

    /** See {@link BatchNormKernel#outputsBounded}; arguments are already validated. */
    static boolean outputsBounded(double[] mean, double[] variance, long count, double[] beta, double[] gamma, double eps) {
        double[] scale = new double[mean.length];
        double[] shift = new double[mean.length];
        coefficients(mean, variance, beta, gamma, eps, scale, shift);
        for (int s = 0; s < mean.length; s++) {
            if (!BatchNormKernel.bounded(mean[s], variance[s], count, scale[s], shift[s], Double.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    /** The forward pass's {@code y = x * scale + shift} coefficients per statistic. */
    private static void coefficients(double[] mean, double[] variance, double[] beta, double[] gamma, double eps,
            double[] scale, double[] shift) {
        for (int s = 0; s < scale.length; s++) {
            // inv = rsqrt(variance + eps)
            double inv = 1.0 / Math.sqrt(variance[s] + eps);
            // inv *= gamma
            if (gamma != null) {
                inv *= gamma[s];
            }
            // shift = beta - mean * inv, or -(mean * inv) without offset
            double meanTimesInv = mean[s] * inv;
            scale[s] = inv;
            shift[s] = beta != null ? beta[s] - meanTimesInv : -meanTimesInv;
        }
    }

    /** {@code out = x * scale + shift} per element (two roundings, no fused multiply-add); out may be x. */
    private static void apply(double[] x, ReductionPlan plan, double[] scale, double[] shift, double[] out) {
        RowCursor cursor = plan.cursor();
        int rows = plan.rowCount();
        int length = plan.rowLength();
        // y - y is 0 for a finite y and NaN otherwise, so this sum remembers any overflow without a branch
        double poison = 0;
        int i = 0;
        if (plan.rowReduced()) {
            for (int r = 0; r < rows; r++) {
                double a = scale[cursor.base()];
                double b = shift[cursor.base()];
                for (int end = i + length; i < end; i++) {
                    double y = x[i] * a + b;
                    out[i] = y;
                    poison += y - y;
                }
                cursor.advance();
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int base = cursor.base();
                for (int j = 0; j < length; j++, i++) {
                    double y = x[i] * scale[base + j] + shift[base + j];
                    out[i] = y;
                    poison += y - y;
                }
                cursor.advance();
            }
        }
        if (Double.isNaN(poison)) {
            throw new NonFiniteResultException("normalized output overflows float64");
        }
    }
}
