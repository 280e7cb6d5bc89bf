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
    static Tensor.F32 normalize(Tensor.F32 x, ReductionPlan plan, double[] mean, double[] variance, double[] beta,
            double[] gamma, double eps, float[] out) {
        int k = plan.statsSize();
        float[] scale = new float[k];
        float[] shift = new float[k];
        float epsilon = (float) eps;
        for (int s = 0; s < k; s++) {
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
        boolean finite = Vectorization.ENABLED && !plan.rowReduced()
                ? Float32VectorLoops.apply(x.data(), plan, scale, shift, out)
                : applyPlain(x.data(), plan, scale, shift, out);
        if (!finite) {
            throw new NonFiniteResultException("normalized output overflows float32");
        }
        return new Tensor.F32(x.shape().clone(), out);
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
