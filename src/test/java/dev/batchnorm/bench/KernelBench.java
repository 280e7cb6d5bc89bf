package dev.batchnorm.bench;

import dev.batchnorm.norm.BatchNormKernel;
import dev.batchnorm.norm.Moments;
import dev.batchnorm.norm.ReductionPlan;
import dev.batchnorm.norm.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The training forward on a [65536, 64] float32 batch (batch moments with double sums, in 64 KiB
 * blocks read once from memory, then normalize into a preallocated array), against
 * {@code System.arraycopy} of the same 16 MiB into a preallocated array: the memory-bound floor.
 * Target: at most 2.5x. The same forward
 * into a new array, and a clone, show what allocating 16 MiB costs on top (a humongous allocation
 * for G1, zeroed before it is written).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KernelBench {

    static final int[] SHAPE = {65536, 64};
    /** The same 4 Mi elements channels-first, [N, C, H, W] reduced over N, H and W: rows feed one statistic. */
    static final int[] NCHW = {64, 64, 32, 32};

    Tensor.F32 x;
    ReductionPlan plan;
    double[] beta;
    Moments stats;
    float[] copy;
    Tensor.F32 out;
    Tensor.F32 inPlace;
    Tensor.F32 nchw;
    ReductionPlan nchwPlan;
    Tensor.F32 nchwOut;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(1);
        float[] data = new float[SHAPE[0] * SHAPE[1]];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextDouble() * 4 - 2 + (i % 64));
        }
        x = new Tensor.F32(SHAPE, data);
        plan = ReductionPlan.of(SHAPE, null);
        beta = new double[plan.statsSize()];
        copy = new float[data.length];
        out = new Tensor.F32(SHAPE, new float[data.length]);
        inPlace = new Tensor.F32(SHAPE, data.clone());
        stats = BatchNormKernel.moments(x, plan);
        nchw = new Tensor.F32(NCHW, data);
        nchwPlan = ReductionPlan.of(NCHW, new int[] {0, 2, 3});
        nchwOut = new Tensor.F32(NCHW, new float[data.length]);
    }

    /** What a training forward computes: {@code tf.nn.moments}, then {@code tf.nn.batch_normalization}. */
    @Benchmark
    public Tensor trainingForward() {
        Moments m = BatchNormKernel.moments(x, plan);
        return BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, null, 1e-3, out);
    }

    /** The general axis case: channels-first, each row of H * W elements summed on its own (16 partials). */
    @Benchmark
    public Tensor trainingForwardChannelsFirst() {
        Moments m = BatchNormKernel.moments(nchw, nchwPlan);
        return BatchNormKernel.normalize(nchw, nchwPlan, m.mean(), m.variance(), beta, null, 1e-3, nchwOut);
    }

    /**
     * What the service runs for a training forward: the moments, the check that no output can
     * overflow, then the forward pass in place in the input's array (after the commit). Each call
     * normalizes the previous call's outputs, which costs the same.
     */
    @Benchmark
    public Tensor trainingForwardInPlace() {
        Moments m = BatchNormKernel.moments(inPlace, plan);
        if (!BatchNormKernel.outputsBounded(m, plan, beta, null, 1e-3, inPlace.dtype())) {
            throw new IllegalStateException("unbounded outputs");
        }
        return BatchNormKernel.normalize(inPlace, plan, m.mean(), m.variance(), beta, null, 1e-3, inPlace);
    }

    /** The same, into a new output array. */
    @Benchmark
    public Tensor trainingForwardNewArray() {
        Moments m = BatchNormKernel.moments(x, plan);
        return BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, null, 1e-3);
    }

    /** The moments alone: per cached block the sums, then the squared deviations around the block's mean. */
    @Benchmark
    public Moments moments() {
        return BatchNormKernel.moments(x, plan);
    }

    /** The last pass alone: y = x * scale + shift into the preallocated array. */
    @Benchmark
    public Tensor normalize() {
        return BatchNormKernel.normalize(x, plan, stats.mean(), stats.variance(), beta, null, 1e-3, out);
    }

    @Benchmark
    public float[] arraycopy() {
        System.arraycopy(x.data(), 0, copy, 0, copy.length);
        return copy;
    }

    /** A copy into a new array, as the forward's output is a new array. */
    @Benchmark
    public float[] cloneArray() {
        return x.data().clone();
    }
}
