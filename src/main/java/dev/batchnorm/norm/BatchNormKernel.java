package dev.batchnorm.norm;

import java.util.Arrays;

/**
 * The Sonnet v1 (non-fused) BatchNorm math: batch moments as {@code tf.nn.moments} and the forward
 * pass as {@code tf.nn.batch_normalization}, in the input's dtype. Stateless; every method allocates
 * its own result and never modifies its arguments, except the output tensor a caller hands to
 * {@link #normalize(Tensor, ReductionPlan, double[], double[], double[], double[], double, Tensor)}.
 */
public final class BatchNormKernel {

    private BatchNormKernel() {
    }

    /**
     * The per-statistic mean and biased variance of {@code x} over the plan's axes. Sums run in double
     * and the squared deviations are taken around the unrounded mean, as {@code tf.nn.moments}'s two
     * passes; both results are then rounded to x's dtype. A large {@code [N..., C]} batch is read from
     * memory once, in cached blocks merged as {@link BlockedMoments} describes; other batches
     * take the two passes over the whole input.
     *
     * @param x finite values of shape {@code plan.inputShape()}
     * @throws IllegalArgumentException when x's shape is not the plan's
     * @throws NonFiniteResultException when a mean or variance does not fit the dtype
     */
    public static Moments moments(Tensor x, ReductionPlan plan) {
        requireShape(x, plan);
        double n = plan.count();
        double[] mean = new double[plan.statsSize()];
        double[] variance = new double[plan.statsSize()];
        // the unrounded mean, and in variance the sum of squared deviations around it
        switch (x) {
            case Tensor.F32 f -> Float32Loops.moments(f.data(), plan, mean, variance);
            case Tensor.F64 d -> Float64Loops.moments(d.data(), plan, mean, variance);
        }
        // biased variance = sum of squares / n (tf.nn.moments: "sample variance, not unbiased")
        divide(variance, n);
        // float32 inputs give float32 statistics, as in TensorFlow
        DType dtype = x.dtype();
        dtype.roundInPlace(mean);
        dtype.roundInPlace(variance);
        requireFinite(mean, "batch mean", dtype);
        requireFinite(variance, "batch variance", dtype);
        return new Moments(mean, variance);
    }

    /**
     * {@code y = x * inv + shift} per statistic s, with {@code inv = rsqrt(variance[s] + eps) * gamma[s]}
     * and {@code shift = beta[s] - mean[s] * inv}, every operation rounded in x's dtype in TensorFlow's
     * order (no fused multiply-add).
     *
     * @param x finite values of shape {@code plan.inputShape()}
     * @param mean {@code plan.statsSize()} values, exact in x's dtype
     * @param variance {@code plan.statsSize()} values, exact in x's dtype
     * @param beta the offset, or {@code null} for none; {@code plan.statsSize()} values when present
     * @param gamma the scale, or {@code null} for none; {@code plan.statsSize()} values when present
     * @param eps added to the variance; the caller keeps it positive
     * @return a new tensor of x's dtype and shape
     * @throws IllegalArgumentException when a shape or a length does not match the plan
     * @throws NonFiniteResultException when an output value does not fit the dtype
     */
    public static Tensor normalize(Tensor x, ReductionPlan plan, double[] mean, double[] variance, double[] beta,
            double[] gamma, double eps) {
        return normalize(x, plan, mean, variance, beta, gamma, eps, null);
    }

    /**
     * {@link #normalize(Tensor, ReductionPlan, double[], double[], double[], double[], double)} into
     * {@code into}'s array instead of a new one, so a caller that owns a buffer of the right size (a
     * pooled one, or x itself for an in-place update) saves the allocation and its zeroing. When an
     * output overflows, {@code into} holds partial results.
     *
     * @param into a tensor of x's dtype and shape whose data is overwritten (it may be x), or
     *     {@code null} for a new one
     * @return {@code into}'s data under x's shape, or a new tensor
     */
    public static Tensor normalize(Tensor x, ReductionPlan plan, double[] mean, double[] variance, double[] beta,
            double[] gamma, double eps, Tensor into) {
        requireShape(x, plan);
        requireStats(mean, "mean", plan);
        requireStats(variance, "variance", plan);
        if (beta != null) {
            requireStats(beta, "beta", plan);
        }
        if (gamma != null) {
            requireStats(gamma, "gamma", plan);
        }
        if (into != null && (into.dtype() != x.dtype() || !plan.matches(into.shape()))) {
            throw new IllegalArgumentException("output must be " + x.dtype().wireName() + " of shape "
                    + Arrays.toString(plan.inputShape()) + ", got " + into.dtype().wireName() + " of shape "
                    + Arrays.toString(into.shape()));
        }
        return switch (x) {
            case Tensor.F32 f -> Float32Loops.normalize(f, plan, mean, variance, beta, gamma, eps,
                    into == null ? new float[f.data().length] : ((Tensor.F32) into).data());
            case Tensor.F64 d -> Float64Loops.normalize(d, plan, mean, variance, beta, gamma, eps,
                    into == null ? new double[d.data().length] : ((Tensor.F64) into).data());
        };
    }

    /**
     * Whether normalizing x with its own batch moments cannot overflow the dtype, so that a caller
     * may compute the outputs after it has committed to the forward (in place, say) without an
     * error arriving too late. The bound: one squared deviation never exceeds the sum of all of
     * them, so every {@code |x - mean| <= sqrt(n * variance)}, and
     * {@code |y| <= (|mean| + sqrt(n * variance)) * |scale| + |shift|} with the scale and shift the
     * forward pass itself uses. The computed moments satisfy the same inequality up to a relative
     * 2^-19 (the squared deviations are a sum of non-negative terms in double, and the results
     * are rounded once to the dtype), so the check leaves a margin of 2 on the dtype's largest
     * value. False is always safe: it only means the outputs must be computed first.
     *
     * @param batch the moments of x under {@code plan}, as {@link #moments} returns them
     */
    public static boolean outputsBounded(Moments batch, ReductionPlan plan, double[] beta, double[] gamma, double eps, DType dtype) {
        requireStats(batch.mean(), "mean", plan);
        if (beta != null) {
            requireStats(beta, "beta", plan);
        }
        if (gamma != null) {
            requireStats(gamma, "gamma", plan);
        }
        return switch (dtype) {
            case FLOAT32 -> Float32Loops.outputsBounded(batch.mean(), batch.variance(), plan.count(), beta, gamma, eps);
            case FLOAT64 -> Float64Loops.outputsBounded(batch.mean(), batch.variance(), plan.count(), beta, gamma, eps);
        };
    }

    /** One statistic of {@link #outputsBounded}: false also for a non-finite or NaN bound. */
    static boolean bounded(double mean, double variance, long count, double scale, double shift, double max) {
        double largestInput = (Math.abs(mean) + Math.sqrt(count * variance)) * 1.0001 + 1e-10;
        double largestOutput = largestInput * Math.abs(scale) + Math.abs(shift);
        return largestOutput < max / 2;
    }

    /** Divides every value by n, in place. */
    static void divide(double[] values, double n) {
        for (int s = 0; s < values.length; s++) {
            values[s] /= n;
        }
    }

    private static void requireFinite(double[] values, String what, DType dtype) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new NonFiniteResultException(what + " overflows " + dtype.wireName());
            }
        }
    }

    private static void requireShape(Tensor x, ReductionPlan plan) {
        if (!plan.matches(x.shape())) {
            throw new IllegalArgumentException("tensor shape " + Arrays.toString(x.shape()) + " does not match plan shape "
                    + Arrays.toString(plan.inputShape()));
        }
    }

    private static void requireStats(double[] values, String name, ReductionPlan plan) {
        if (values == null || values.length != plan.statsSize()) {
            throw new IllegalArgumentException(name + " must have " + plan.statsSize() + " values (statistics shape "
                    + Arrays.toString(plan.statsShape()) + "), got " + (values == null ? "none" : values.length));
        }
    }
}
