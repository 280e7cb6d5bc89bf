package dev.batchnorm.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernels against the worked numbers of SEMANTICS.md section (e) and against a naive reference
 * written here. Expected values never come from the code under test.
 */
class BatchNormKernelTests {

    private static final int[] E_SHAPE = {3, 2};
    private static final double[] E_X = {1, 0, 2, 0, 3, 6};
    private static final double[] E_X2 = {0, 2, 4, 2, 2, 8};
    private static final double[] ZEROS = {0, 0};
    private static final double EPS = 1e-3;
    private static final double DECAY = 0.999;

    // E1
    private static final double[] E1_Y = {-1.2238273448, -0.7070625912, 0.0, -0.7070625912, 1.2238273448, 1.4141251823};
    private static final float[] E1_Y_F32 = {-1.2238274f, -0.70706254f, 0f, -0.70706254f, 1.2238274f, 1.4141252f};

    // ---------------------------------------------------------------- E1: training output

    @Test
    void e1_Float32_MatchesTensorFlowBitForBit() {
        // Given
        Tensor x = Tensor.of(DType.FLOAT32, E_SHAPE, E_X);
        ReductionPlan plan = ReductionPlan.of(E_SHAPE, null);

        // When
        Moments m = BatchNormKernel.moments(x, plan);
        Tensor withBeta = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), ZEROS, null, EPS);
        Tensor withoutBeta = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), null, null, EPS);

        // Then
        assertThat(m.mean()).containsExactly(2.0, 2.0);
        assertThat(m.variance()).containsExactly((double) (float) (2.0 / 3.0), 8.0);
        assertThat(f32(withBeta)).containsExactly(E1_Y_F32);
        assertThat(f32(withoutBeta)).containsExactly(E1_Y_F32);
        assertThat(withBeta.shape()).containsExactly(3, 2);
        assertThat(withBeta.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f32(x)).containsExactly(1f, 0f, 2f, 0f, 3f, 6f);
    }

    @Test
    void e1_Float64_MatchesWorkedNumbers() {
        Tensor x = Tensor.of(DType.FLOAT64, E_SHAPE, E_X);
        ReductionPlan plan = ReductionPlan.of(E_SHAPE, null);

        Moments m = BatchNormKernel.moments(x, plan);
        Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), ZEROS, null, EPS);
        Tensor yEps5 = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), ZEROS, null, 1e-5);

        assertClose(m.mean(), new double[] {2, 2}, 1e-12);
        assertClose(m.variance(), new double[] {0.6666666667, 8}, 1e-9);
        assertClose(f64(y), E1_Y, 1e-9);
        assertClose(f64(yEps5), new double[] {-1.2247356859, -0.7071063392, 0, -0.7071063392, 1.2247356859, 1.4142126785},
                1e-9);
        assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(f64(x)).containsExactly(E_X);
    }

    // ---------------------------------------------------------------- E2: moving statistics

    @Test
    void e2_Float64_MovingStatsAfterOneAndTwoUpdates() {
        double[] mm = {0, 0};
        double[] mv = {1, 1};
        Moments batch = momentsOf(DType.FLOAT64, E_X);

        train(mm, mv, batch, DType.FLOAT64);
        assertClose(mm, new double[] {0.002, 0.002}, 1e-12);
        assertClose(mv, new double[] {0.9996666666666667, 1.007}, 1e-12);

        train(mm, mv, batch, DType.FLOAT64);
        assertClose(mm, new double[] {0.003998, 0.003998}, 1e-12);
        assertClose(mv, new double[] {0.9993336666666667, 1.013993}, 1e-12);
    }

    @Test
    void e2_Float32_MovingStatsAfterOneAndTwoUpdates() {
        double[] mm = {0, 0};
        double[] mv = {1, 1};
        Moments batch = momentsOf(DType.FLOAT32, E_X);

        train(mm, mv, batch, DType.FLOAT32);
        assertRelative(mm, new double[] {0.002, 0.002}, 1e-7);
        assertRelative(mv, new double[] {0.9996666667, 1.007}, 1e-7);
        assertFloatExact(mm);
        assertFloatExact(mv);

        train(mm, mv, batch, DType.FLOAT32);
        assertRelative(mm, new double[] {0.003998, 0.003998}, 1e-7);
        assertRelative(mv, new double[] {0.9993336667, 1.013993}, 1e-7);
    }

    @Test
    void e2_SecondBatchDiffers() {
        for (DType dtype : DType.values()) {
            double[] mm = {0, 0};
            double[] mv = {1, 1};
            Moments second = momentsOf(dtype, E_X2);

            train(mm, mv, momentsOf(dtype, E_X), dtype);
            train(mm, mv, second, dtype);

            double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 1e-7;
            assertRelative(second.mean(), new double[] {2, 4}, tolerance);
            assertRelative(second.variance(), new double[] {2.6666666666666667, 8}, tolerance);
            assertRelative(mm, new double[] {0.003998, 0.005998}, tolerance);
            assertRelative(mv, new double[] {1.0013336666666667, 1.013993}, tolerance);
        }
    }

    // ---------------------------------------------------------------- E3: not the fused (unbiased) update

    @Test
    void e3_NhwcBatchUpdatesWithBiasedVarianceNotFusedUnbiased() {
        int[] nhwc = {3, 1, 1, 2};
        Tensor x = Tensor.of(DType.FLOAT64, nhwc, E_X);
        ReductionPlan plan = ReductionPlan.of(nhwc, null);
        double[] mm = {0, 0};
        double[] mv = {1, 1};

        Moments m = BatchNormKernel.moments(x, plan);
        Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), ZEROS, null, EPS);
        train(mm, mv, m, DType.FLOAT64);

        assertThat(plan.statsShape()).containsExactly(1, 1, 1, 2);
        assertClose(f64(y), E1_Y, 1e-9);
        assertClose(mv, new double[] {0.9996666666666667, 1.007}, 1e-12);
        assertThat(mv[0]).isNotCloseTo(1.0, within(1e-6));
        assertThat(mv[1]).isNotCloseTo(1.011, within(1e-6));
    }

    // ---------------------------------------------------------------- E4: scale and offset

    @Test
    void e4_ScaleAndOffset() {
        double[] gamma = {2, 0.5};
        double[] beta = {1, -1};
        double[] expected = {-1.4476546897, -1.3535312956, 1.0, -1.3535312956, 3.4476546897, -0.2929374088};
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.of(dtype, E_SHAPE, E_X);
            ReductionPlan plan = ReductionPlan.of(E_SHAPE, null);
            double[] mm = {0, 0};
            double[] mv = {1, 1};

            Moments m = BatchNormKernel.moments(x, plan);
            Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, gamma, EPS);
            train(mm, mv, m, dtype);

            assertClose(y.toDoubles(), expected, dtype == DType.FLOAT64 ? 1e-9 : 1e-6);
            assertRelative(mm, new double[] {0.002, 0.002}, dtype == DType.FLOAT64 ? 1e-12 : 1e-7);
            assertRelative(mv, new double[] {0.9996666667, 1.007}, dtype == DType.FLOAT64 ? 1e-9 : 1e-7);
        }
    }

    // ---------------------------------------------------------------- E5: inference with moving stats

    @Test
    void e5_InferenceWithFreshMovingStats() {
        double[] expected = {0.9995003747, 0, 1.9990007494, 0, 2.9985011241, 5.9970022481};
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.of(dtype, E_SHAPE, E_X);

            Tensor y = BatchNormKernel.normalize(x, ReductionPlan.of(E_SHAPE, null), new double[] {0, 0},
                    new double[] {1, 1}, ZEROS, null, EPS);

            assertClose(y.toDoubles(), expected, dtype == DType.FLOAT64 ? 1e-9 : 1e-6);
        }
    }

    @Test
    void e5_InferenceAfterOneUpdate() {
        double[] expected = {0.9976674996, -0.0019920477, 1.9973343328, -0.0019920477, 2.9970011661, 5.974150999};
        for (DType dtype : DType.values()) {
            double[] mm = {0, 0};
            double[] mv = {1, 1};
            train(mm, mv, momentsOf(dtype, E_X), dtype);
            Tensor x = Tensor.of(dtype, E_SHAPE, E_X);

            Tensor y = BatchNormKernel.normalize(x, ReductionPlan.of(E_SHAPE, null), mm, mv, ZEROS, null, EPS);

            assertClose(y.toDoubles(), expected, dtype == DType.FLOAT64 ? 1e-9 : 1e-6);
        }
    }

    @Test
    void e5_LocalStatsInInferenceGiveE1AndLeaveArgumentsUntouched() {
        Tensor x = Tensor.of(DType.FLOAT32, E_SHAPE, E_X);
        ReductionPlan plan = ReductionPlan.of(E_SHAPE, null);
        Moments m = BatchNormKernel.moments(x, plan);
        double[] meanBefore = m.mean().clone();
        double[] varianceBefore = m.variance().clone();
        double[] beta = {0, 0};

        Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, null, EPS);

        assertThat(f32(y)).containsExactly(E1_Y_F32);
        assertThat(m.mean()).containsExactly(meanBefore);
        assertThat(m.variance()).containsExactly(varianceBefore);
        assertThat(beta).containsExactly(0, 0);
        assertThat(y).isNotSameAs(x);
        assertThat(f32(y)).isNotSameAs(f32(x));
    }

    // ---------------------------------------------------------------- E6: Sonnet's own test vector

    @Test
    void e6_IdenticalRowsNormalizeToZeroAndHalveTheMovingStats() {
        double[] v = {0, 1, 2, 3, 4, 5};
        double[] rows = new double[7 * 6];
        for (int r = 0; r < 7; r++) {
            System.arraycopy(v, 0, rows, r * 6, 6);
        }
        double[] perRow = {0, 0.7064007333, 1.4128014666, 2.1192021999, 2.8256029332, 3.5320036665};
        double[] expectedInference = new double[7 * 6];
        for (int r = 0; r < 7; r++) {
            System.arraycopy(perRow, 0, expectedInference, r * 6, 6);
        }
        int[] shape = {7, 6};
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.of(dtype, shape, rows);
            ReductionPlan plan = ReductionPlan.of(shape, null);
            double[] mm = new double[6];
            double[] mv = {1, 1, 1, 1, 1, 1};

            // training forward, offset=False scale=False, decay 0.5
            Moments m = BatchNormKernel.moments(x, plan);
            Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), null, null, EPS);
            double rate = MovingAverage.rate(0.5, dtype);
            MovingAverage.update(mm, m.mean(), rate, dtype);
            MovingAverage.update(mv, m.variance(), rate, dtype);
            Tensor inference = BatchNormKernel.normalize(x, plan, mm, mv, null, null, EPS);

            assertClose(y.toDoubles(), new double[7 * 6], 1e-5);
            assertClose(mm, new double[] {0, 0.5, 1, 1.5, 2, 2.5}, 0);
            assertClose(mv, new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 0);
            assertClose(inference.toDoubles(), expectedInference, dtype == DType.FLOAT64 ? 1e-9 : 1e-6);
        }
    }

    @Test
    void e6_TwoUpdatesWithDecayPointNine() {
        double[] v = {0, 1, 2, 3, 4, 5};
        double[] rows = new double[7 * 6];
        for (int r = 0; r < 7; r++) {
            System.arraycopy(v, 0, rows, r * 6, 6);
        }
        for (DType dtype : DType.values()) {
            Moments m = BatchNormKernel.moments(Tensor.of(dtype, new int[] {7, 6}, rows), ReductionPlan.of(new int[] {7, 6}, null));
            double[] mm = new double[6];
            double[] mv = {1, 1, 1, 1, 1, 1};
            double rate = MovingAverage.rate(0.9, dtype);

            for (int step = 0; step < 2; step++) {
                MovingAverage.update(mm, m.mean(), rate, dtype);
                MovingAverage.update(mv, m.variance(), rate, dtype);
            }

            double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 1e-6;
            assertClose(mm, new double[] {0, 0.19, 0.38, 0.57, 0.76, 0.95}, tolerance);
            assertClose(mv, new double[] {0.81, 0.81, 0.81, 0.81, 0.81, 0.81}, tolerance);
        }
    }

    // ---------------------------------------------------------------- E7: batch of one

    @Test
    void e7_BatchOfOneGivesBetaAndMovesTheStats() {
        int[] shape = {1, 2};
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.of(dtype, shape, new double[] {3, -1});
            ReductionPlan plan = ReductionPlan.of(shape, null);
            double[] mm = {0, 0};
            double[] mv = {1, 1};

            Moments m = BatchNormKernel.moments(x, plan);
            Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), ZEROS, null, EPS);
            Tensor yBeta = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), new double[] {0.5, -2}, null, EPS);
            train(mm, mv, m, dtype);

            assertThat(m.mean()).containsExactly(3, -1);
            assertThat(m.variance()).containsExactly(0, 0);
            assertThat(y.toDoubles()).containsExactly(0, 0);
            assertClose(yBeta.toDoubles(), new double[] {0.5, -2}, dtype == DType.FLOAT64 ? 1e-12 : 1e-5);
            double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 1e-7;
            assertRelative(mm, new double[] {0.003, -0.001}, tolerance);
            assertRelative(mv, new double[] {0.999, 0.999}, tolerance);
        }
    }

    // ---------------------------------------------------------------- rounding order

    @Test
    void normalize_RoundsTheProductBeforeAddingTheShift() {
        // Given: variance + eps = 1, so inv = gamma; x = gamma = 1 + 2^-k makes x * inv = 1 + 2^(1-k) + 2^-2k,
        // a tie that rounds (to even) to 1 + 2^(1-k); beta cancels that exactly, a fused multiply-add would leave 2^-2k
        ReductionPlan plan = ReductionPlan.of(new int[] {1, 1}, null);
        double f = 1 + Math.scalb(1.0, -12);
        double d = 1 + Math.scalb(1.0, -27);
        Tensor xf = Tensor.of(DType.FLOAT32, new int[] {1, 1}, new double[] {f});
        Tensor xd = Tensor.of(DType.FLOAT64, new int[] {1, 1}, new double[] {d});

        // When
        Tensor yf = BatchNormKernel.normalize(xf, plan, new double[] {0}, new double[] {0.75},
                new double[] {-(1 + Math.scalb(1.0, -11))}, new double[] {f}, 0.25);
        Tensor yd = BatchNormKernel.normalize(xd, plan, new double[] {0}, new double[] {0.75},
                new double[] {-(1 + Math.scalb(1.0, -26))}, new double[] {d}, 0.25);

        Tensor yfRows = BatchNormKernel.normalize(Tensor.of(DType.FLOAT32, new int[] {1, 2}, new double[] {f, f}),
                ReductionPlan.of(new int[] {1, 2}, new int[] {1}), new double[] {0}, new double[] {0.75},
                new double[] {-(1 + Math.scalb(1.0, -11))}, new double[] {f}, 0.25);

        // Then
        assertThat(f32(yf)).containsExactly(0f);
        assertThat(f64(yd)).containsExactly(0.0);
        assertThat(f32(yfRows)).containsExactly(0f, 0f);
    }

    @Test
    void normalize_Float32NarrowsEpsBeforeAFloatAdd() {
        // Given: variance 1 + 2^-23 (odd last bit) and eps 2^-24 - 2^-50, which narrows to 2^-24.
        // float add: 1 + 2^-23 + 2^-24 is a tie, rounded to even 1 + 2^-22; sqrt rounds to 1 + 2^-23 and
        // 1 / that to 1 - 2^-23. Adding in double first would fall below the tie and give inv = 1.
        ReductionPlan plan = ReductionPlan.of(new int[] {1, 1}, null);
        Tensor x = Tensor.of(DType.FLOAT32, new int[] {1, 1}, new double[] {1});
        double eps = Math.scalb(1.0, -24) - Math.scalb(1.0, -50);

        // When
        Tensor y = BatchNormKernel.normalize(x, plan, new double[] {0}, new double[] {1 + Math.scalb(1.0, -23)}, null,
                null, eps);

        // Then
        assertThat(f32(y)).containsExactly((float) (1 - Math.scalb(1.0, -23)));
    }

    // ---------------------------------------------------------------- MovingAverage

    @Test
    void rate_Float32IsOneMinusDecayInDoubleThenRounded() {
        double rate = MovingAverage.rate(0.999, DType.FLOAT32);

        assertThat(rate).isEqualTo((double) 0.001f);
        assertThat((float) rate).isEqualTo(0.001f);
        assertThat((float) rate).isNotEqualTo(1f - 0.999f);
        assertThat(MovingAverage.rate(0.999, DType.FLOAT64)).isEqualTo(0.0010000000000000009);
    }

    @Test
    void update_Float32StepsEqualAHandWrittenFloatLoop() {
        // Given
        Random random = new Random(11);
        int n = 17;
        float[] handVariable = new float[n];
        double[] variable = new double[n];
        for (int i = 0; i < n; i++) {
            handVariable[i] = (float) random.nextGaussian();
            variable[i] = handVariable[i];
        }
        float rate = 0.001f;

        for (int step = 0; step < 50; step++) {
            float[] value = new float[n];
            double[] valueDoubles = new double[n];
            for (int i = 0; i < n; i++) {
                value[i] = (float) (random.nextGaussian() * 3);
                valueDoubles[i] = value[i];
            }
            // When
            MovingAverage.update(variable, valueDoubles, MovingAverage.rate(0.999, DType.FLOAT32), DType.FLOAT32);
            for (int i = 0; i < n; i++) {
                float diff = handVariable[i] - value[i];
                float delta = diff * rate;
                handVariable[i] = handVariable[i] - delta;
            }
            // Then
            for (int i = 0; i < n; i++) {
                assertThat(variable[i]).as("step %d element %d", step, i).isEqualTo((double) handVariable[i]);
            }
        }
    }

    @Test
    void update_RejectsArraysOfDifferentLength() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MovingAverage.update(new double[2], new double[3], 0.001, DType.FLOAT64))
                .withMessageContaining("2").withMessageContaining("3");
    }

    @Test
    void update_OverflowThrowsAndLeavesTheVariableUntouched() {
        double[] variable = {1, -3e38};
        double[] value = {2, 3e38};

        assertThatExceptionOfType(NonFiniteResultException.class)
                .isThrownBy(() -> MovingAverage.update(variable, value, 0.5, DType.FLOAT32))
                .withMessage("moving average update overflows float32");
        assertThat(variable).containsExactly(1, -3e38);
    }

    @Test
    void broadcast_RepeatsOneValueOrCopiesAFullArray() {
        double[] full = {1, 2, 3};

        assertThat(MovingAverage.broadcast(new double[] {0.5}, 4)).containsExactly(0.5, 0.5, 0.5, 0.5);
        assertThat(MovingAverage.broadcast(full, 3)).containsExactly(1, 2, 3).isNotSameAs(full);
        assertThat(MovingAverage.broadcast(new double[] {7}, 1)).containsExactly(7);
        assertThatIllegalArgumentException().isThrownBy(() -> MovingAverage.broadcast(new double[] {1, 2}, 3))
                .withMessageContaining("1 or 3");
        assertThatIllegalArgumentException().isThrownBy(() -> MovingAverage.broadcast(new double[] {1}, 0));
    }

    // ---------------------------------------------------------------- overflow and validation

    @Test
    void moments_Float32VarianceOverflowIsReported() {
        Tensor x = Tensor.of(DType.FLOAT32, new int[] {2, 2}, new double[] {3e38, 0, -3e38, 0});

        assertThatExceptionOfType(NonFiniteResultException.class)
                .isThrownBy(() -> BatchNormKernel.moments(x, ReductionPlan.of(new int[] {2, 2}, null)))
                .withMessage("batch variance overflows float32");
    }

    @Test
    void moments_Float64VarianceOverflowIsReported() {
        Tensor x = Tensor.of(DType.FLOAT64, new int[] {2, 2}, new double[] {1e300, 0, -1e300, 0});

        assertThatExceptionOfType(NonFiniteResultException.class)
                .isThrownBy(() -> BatchNormKernel.moments(x, ReductionPlan.of(new int[] {2, 2}, null)))
                .withMessage("batch variance overflows float64");
    }

    @Test
    void moments_Float64MeanOverflowIsReported() {
        Tensor x = Tensor.of(DType.FLOAT64, new int[] {2, 1}, new double[] {1.7e308, 1.7e308});

        assertThatExceptionOfType(NonFiniteResultException.class)
                .isThrownBy(() -> BatchNormKernel.moments(x, ReductionPlan.of(new int[] {2, 1}, null)))
                .withMessage("batch mean overflows float64");
    }

    @Test
    void normalize_OutputOverflowIsReported() {
        int[] shape = {2, 2};
        ReductionPlan plan = ReductionPlan.of(shape, null);
        // 1/sqrt(0 + 1e-3) is about 31.6, so 3e38 (float32) and 1e308 (float64) overflow
        Tensor f = Tensor.of(DType.FLOAT32, shape, new double[] {1, 3e38, 2, 0});
        Tensor d = Tensor.of(DType.FLOAT64, shape, new double[] {1, 0, 2, 1e308});

        assertThatExceptionOfType(NonFiniteResultException.class)
                .isThrownBy(() -> BatchNormKernel.normalize(f, plan, ZEROS, ZEROS, null, null, EPS))
                .withMessage("normalized output overflows float32");
        assertThatExceptionOfType(NonFiniteResultException.class)
                .isThrownBy(() -> BatchNormKernel.normalize(d, plan, ZEROS, ZEROS, ZEROS, null, EPS))
                .withMessage("normalized output overflows float64");
    }

    @Test
    void outputsBounded_NeverClaimsAForwardThatOverflows() {
        // values, gammas, betas and eps over many orders of magnitude, up to the float32 limit
        Random random = new Random(99);
        int bounded = 0;
        int overflowed = 0;
        for (int t = 0; t < 3000; t++) {
            DType dtype = t % 4 == 0 ? DType.FLOAT64 : DType.FLOAT32;
            double limit = dtype == DType.FLOAT32 ? 3e38 : 1e307;
            int[] shape = {2 + random.nextInt(6), 1 + random.nextInt(3)};
            ReductionPlan plan = ReductionPlan.of(shape, null);
            double spread = Math.pow(10, random.nextInt(80) - 40);
            double[] data = new double[shape[0] * shape[1]];
            for (int i = 0; i < data.length; i++) {
                data[i] = Math.max(-limit, Math.min(limit, random.nextGaussian() * spread));
            }
            // half the gammas near the float32 limit, where the bound decides
            double gammaScale = random.nextBoolean() ? Math.pow(10, random.nextInt(80) - 40) : 3.4 * Math.pow(10, 35 + random.nextInt(4));
            double[] gamma = random.nextInt(4) == 0 ? null : toFloats(randomStats(random, shape[1], 0, gammaScale));
            double[] beta = random.nextBoolean() ? null : toFloats(randomStats(random, shape[1], -1, 1));
            double eps = Math.pow(10, -random.nextInt(50));
            Tensor x = Tensor.of(dtype, shape, data);
            Moments m;
            try {
                m = BatchNormKernel.moments(x, plan);
            } catch (NonFiniteResultException e) {
                continue;
            }
            boolean claim = BatchNormKernel.outputsBounded(m, plan, beta, gamma, eps, dtype);
            try {
                BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, gamma, eps);
            } catch (NonFiniteResultException e) {
                overflowed++;
                assertThat(claim).as("case %d: bounded, yet the forward overflowed", t).isFalse();
                continue;
            }
            bounded += claim ? 1 : 0;
        }
        // both kinds occur, and ordinary batches are bounded
        assertThat(overflowed).isGreaterThan(50);
        assertThat(bounded).isGreaterThan(1000);
        Tensor x = Tensor.of(DType.FLOAT32, E_SHAPE, E_X);
        ReductionPlan plan = ReductionPlan.of(E_SHAPE, null);
        Moments m = BatchNormKernel.moments(x, plan);
        assertThat(BatchNormKernel.outputsBounded(m, plan, ZEROS, null, EPS, DType.FLOAT32)).isTrue();
        assertThat(BatchNormKernel.outputsBounded(m, plan, ZEROS, new double[] {3e38, 1}, EPS, DType.FLOAT32)).isFalse();
    }

    @Test
    void kernels_RejectShapesAndLengthsThatDoNotMatchThePlan() {
        ReductionPlan plan = ReductionPlan.of(E_SHAPE, null);
        Tensor wrongShape = Tensor.of(DType.FLOAT32, new int[] {2, 3}, E_X);
        Tensor x = Tensor.of(DType.FLOAT64, E_SHAPE, E_X);
        double[] three = {0, 0, 0};

        assertThatIllegalArgumentException().isThrownBy(() -> BatchNormKernel.moments(wrongShape, plan))
                .withMessageContaining("[2, 3]").withMessageContaining("[3, 2]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BatchNormKernel.normalize(wrongShape, plan, ZEROS, ZEROS, null, null, EPS));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BatchNormKernel.normalize(x, plan, three, ZEROS, null, null, EPS))
                .withMessageContaining("mean must have 2 values");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BatchNormKernel.normalize(x, plan, ZEROS, null, null, null, EPS))
                .withMessageContaining("variance");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BatchNormKernel.normalize(x, plan, ZEROS, ZEROS, three, null, EPS))
                .withMessageContaining("beta");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BatchNormKernel.normalize(x, plan, ZEROS, ZEROS, null, three, EPS))
                .withMessageContaining("gamma");
    }

    @Test
    void moments_ComparesByContent() {
        assertThat(new Moments(new double[] {1, 2}, new double[] {3, 4}))
                .isEqualTo(new Moments(new double[] {1, 2}, new double[] {3, 4}))
                .hasSameHashCodeAs(new Moments(new double[] {1, 2}, new double[] {3, 4}))
                .isNotEqualTo(new Moments(new double[] {1, 2}, new double[] {3, 5}))
                .hasToString("Moments[mean=[1.0, 2.0], variance=[3.0, 4.0]]");
        assertThatIllegalArgumentException().isThrownBy(() -> new Moments(new double[1], new double[2]));
    }

    // ---------------------------------------------------------------- against a naive reference

    @Test
    void randomShapes_Float64_MatchNaiveReference() {
        Random random = new Random(2024);
        for (int t = 0; t < 200; t++) {
            Case c = Case.random(random, t);
            double[] data = new double[c.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = 3 + 2 * random.nextGaussian();
            }
            double[] beta = c.withBeta ? randomStats(random, c.statsSize(), -1, 1) : null;
            double[] gamma = c.withGamma ? randomStats(random, c.statsSize(), 0.5, 1.5) : null;
            Reference ref = Reference.of(data, c.shape, c.reducedAxes());
            double[] expectedY = ref.normalize(beta, gamma, EPS);

            ReductionPlan plan = ReductionPlan.of(c.shape, c.axes);
            Tensor x = Tensor.of(DType.FLOAT64, c.shape, data);
            Moments m = BatchNormKernel.moments(x, plan);
            Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, gamma, EPS);

            String what = c.toString();
            assertThat(plan.statsSize()).as(what).isEqualTo(ref.mean.length);
            assertThat(plan.count()).as(what).isEqualTo(ref.count);
            assertMixed(m.mean(), ref.mean, 1e-9, 1e-9, what);
            assertMixed(m.variance(), ref.variance, 1e-9, 1e-9, what);
            assertMixed(f64(y), expectedY, 1e-9, 1e-9, what);
        }
    }

    @Test
    void randomShapes_Float32_MatchNaiveReference() {
        Random random = new Random(4202);
        for (int t = 0; t < 200; t++) {
            Case c = Case.random(random, t);
            double[] data = new double[c.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (0.5 + random.nextGaussian());
            }
            double[] beta = c.withBeta ? toFloats(randomStats(random, c.statsSize(), -1, 1)) : null;
            double[] gamma = c.withGamma ? toFloats(randomStats(random, c.statsSize(), 0.5, 1.5)) : null;
            Reference ref = Reference.of(data, c.shape, c.reducedAxes());
            double[] expectedY = ref.normalize(beta, gamma, EPS);

            ReductionPlan plan = ReductionPlan.of(c.shape, c.axes);
            Tensor x = Tensor.of(DType.FLOAT32, c.shape, data);
            Moments m = BatchNormKernel.moments(x, plan);
            Tensor y = BatchNormKernel.normalize(x, plan, m.mean(), m.variance(), beta, gamma, EPS);

            String what = c.toString();
            assertMixed(m.mean(), ref.mean, 2e-6, 1e-5, what);
            assertMixed(m.variance(), ref.variance, 2e-6, 1e-5, what);
            assertFloatExact(m.mean());
            assertFloatExact(m.variance());
            assertMixed(y.toDoubles(), expectedY, 2e-6, 1e-5, what);
        }
    }

    /** One random test case: shape of rank 2..5 with dims 1..7, axes a random non-empty subset (or null). */
    private record Case(int[] shape, int[] axes, boolean withBeta, boolean withGamma) {

        static Case random(Random random, int t) {
            int[] shape = ReductionPlanTests.randomShape(random);
            int[] axes = ReductionPlanTests.randomAxes(random, shape.length);
            // make sure the named layouts appear: [0, 2] and channels-first [1..]
            if (t == 0) {
                shape = new int[] {3, 4, 5};
                axes = new int[] {0, 2};
            } else if (t == 1) {
                shape = new int[] {4, 3, 5, 6};
                axes = new int[] {0, 2, 3};
            } else if (t == 2) {
                shape = new int[] {5, 3, 4, 2};
                axes = new int[] {1, 2, 3};
            }
            return new Case(shape, axes, random.nextBoolean(), random.nextBoolean());
        }

        /** The reduced axes, derived here rather than by the plan. */
        boolean[] reducedAxes() {
            boolean[] reduced = new boolean[shape.length];
            if (axes == null) {
                Arrays.fill(reduced, 0, shape.length - 1, true);
            } else {
                for (int a : axes) {
                    reduced[a] = true;
                }
            }
            return reduced;
        }

        int size() {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        int statsSize() {
            boolean[] reduced = reducedAxes();
            int n = 1;
            for (int a = 0; a < shape.length; a++) {
                n *= reduced[a] ? 1 : shape[a];
            }
            return n;
        }

        @Override
        public String toString() {
            return "shape " + Arrays.toString(shape) + " axes " + Arrays.toString(axes) + " beta " + withBeta + " gamma "
                    + withGamma;
        }
    }

    /** Naive double-precision BatchNorm over every multi-index (div/mod), two-pass biased variance. */
    private record Reference(double[] data, int[] statOfElement, double[] mean, double[] variance, long count) {

        static Reference of(double[] data, int[] shape, boolean[] reduced) {
            // statistics index of every element, from its multi-index with reduced axes dropped
            int[] statOf = new int[data.length];
            int statsSize = 1;
            for (int a = 0; a < shape.length; a++) {
                statsSize *= reduced[a] ? 1 : shape[a];
            }
            for (int i = 0; i < data.length; i++) {
                int[] index = new int[shape.length];
                int rest = i;
                for (int a = shape.length - 1; a >= 0; a--) {
                    index[a] = rest % shape[a];
                    rest /= shape[a];
                }
                int s = 0;
                for (int a = 0; a < shape.length; a++) {
                    if (!reduced[a]) {
                        s = s * shape[a] + index[a];
                    }
                }
                statOf[i] = s;
            }
            double[] sum = new double[statsSize];
            long[] counts = new long[statsSize];
            for (int i = 0; i < data.length; i++) {
                sum[statOf[i]] += data[i];
                counts[statOf[i]]++;
            }
            double[] mean = new double[statsSize];
            for (int s = 0; s < statsSize; s++) {
                mean[s] = sum[s] / counts[s];
            }
            double[] squares = new double[statsSize];
            for (int i = 0; i < data.length; i++) {
                double d = data[i] - mean[statOf[i]];
                squares[statOf[i]] += d * d;
            }
            double[] variance = new double[statsSize];
            for (int s = 0; s < statsSize; s++) {
                variance[s] = squares[s] / counts[s];
            }
            return new Reference(data, statOf, mean, variance, counts[0]);
        }

        double[] normalize(double[] beta, double[] gamma, double eps) {
            double[] y = new double[data.length];
            for (int i = 0; i < data.length; i++) {
                int s = statOfElement[i];
                y[i] = (data[i] - mean[s]) / Math.sqrt(variance[s] + eps) * (gamma == null ? 1 : gamma[s])
                        + (beta == null ? 0 : beta[s]);
            }
            return y;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** One Sonnet v1 training step: both moving statistics move toward the batch's. */
    private static void train(double[] mm, double[] mv, Moments batch, DType dtype) {
        double rate = MovingAverage.rate(DECAY, dtype);
        MovingAverage.update(mm, batch.mean(), rate, dtype);
        MovingAverage.update(mv, batch.variance(), rate, dtype);
    }

    private static Moments momentsOf(DType dtype, double[] x) {
        return BatchNormKernel.moments(Tensor.of(dtype, E_SHAPE, x), ReductionPlan.of(E_SHAPE, null));
    }

    private static float[] f32(Tensor t) {
        return ((Tensor.F32) t).data();
    }

    private static double[] f64(Tensor t) {
        return ((Tensor.F64) t).data();
    }

    private static double[] randomStats(Random random, int n, double low, double high) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = low + (high - low) * random.nextDouble();
        }
        return values;
    }

    private static double[] toFloats(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static void assertClose(double[] actual, double[] expected, double absolute) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(absolute));
        }
    }

    private static void assertRelative(double[] actual, double[] expected, double relative) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual))
                    .isCloseTo(expected[i], within(relative * Math.abs(expected[i])));
        }
    }

    private static void assertMixed(double[] actual, double[] expected, double relative, double absolute, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s element %d", what, i)
                    .isCloseTo(expected[i], within(absolute + relative * Math.abs(expected[i])));
        }
    }

    private static void assertFloatExact(double[] values) {
        for (double v : values) {
            assertThat((double) (float) v).as("%s is a float32 value", v).isEqualTo(v);
        }
    }
}
