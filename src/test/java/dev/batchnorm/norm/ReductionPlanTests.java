package dev.batchnorm.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ReductionPlanTests {

    @Test
    void defaultAxesOnBatchByChannelReduceTheBatch() {
        // When
        ReductionPlan plan = ReductionPlan.of(new int[] {3, 2}, null);

        // Then
        assertThat(plan.axes()).containsExactly(0);
        assertThat(plan.statsShape()).containsExactly(1, 2);
        assertThat(plan.statsSize()).isEqualTo(2);
        assertThat(plan.count()).isEqualTo(3L);
        assertThat(plan.size()).isEqualTo(6);
        assertThat(plan.rank()).isEqualTo(2);
        assertThat(plan.isReduced(0)).isTrue();
        assertThat(plan.isReduced(1)).isFalse();
    }

    @Test
    void defaultAxesOnNhwcKeepOnlyChannels() {
        ReductionPlan plan = ReductionPlan.of(new int[] {5, 4, 3, 2}, null);

        assertThat(plan.axes()).containsExactly(0, 1, 2);
        assertThat(plan.statsShape()).containsExactly(1, 1, 1, 2);
        assertThat(plan.statsSize()).isEqualTo(2);
        assertThat(plan.count()).isEqualTo(60L);
    }

    @Test
    void axisZeroKeepsEverythingButTheBatch() {
        // Sonnet's test: axis=[0] on [?, 64, 32, 3] gives moving_mean of shape (1, 64, 32, 3)
        ReductionPlan plan = ReductionPlan.of(new int[] {7, 64, 32, 3}, new int[] {0});

        assertThat(plan.statsShape()).containsExactly(1, 64, 32, 3);
        assertThat(plan.statsSize()).isEqualTo(64 * 32 * 3);
        assertThat(plan.count()).isEqualTo(7L);
    }

    @Test
    void channelsFirstAxesKeepTheChannelAxis() {
        ReductionPlan plan = ReductionPlan.of(new int[] {2, 3, 4, 5}, new int[] {3, 0, 2});

        assertThat(plan.axes()).containsExactly(0, 2, 3);
        assertThat(plan.statsShape()).containsExactly(1, 3, 1, 1);
        assertThat(plan.count()).isEqualTo(40L);
        assertThat(plan.isReduced(1)).isFalse();
    }

    @Test
    void accessorsReturnCopies() {
        int[] shape = {4, 3};
        int[] axes = {0};
        ReductionPlan plan = ReductionPlan.of(shape, axes);

        shape[0] = 99;
        axes[0] = 1;
        plan.inputShape()[0] = 42;
        plan.axes()[0] = 1;
        plan.statsShape()[1] = 42;

        assertThat(plan.inputShape()).containsExactly(4, 3);
        assertThat(plan.axes()).containsExactly(0);
        assertThat(plan.statsShape()).containsExactly(1, 3);
    }

    @Test
    void plansWithTheSameShapeAndAxesAreEqual() {
        assertThat(ReductionPlan.of(new int[] {2, 3, 4}, new int[] {1, 0}))
                .isEqualTo(ReductionPlan.of(new int[] {2, 3, 4}, null))
                .hasSameHashCodeAs(ReductionPlan.of(new int[] {2, 3, 4}, new int[] {0, 1}))
                .isNotEqualTo(ReductionPlan.of(new int[] {2, 3, 4}, new int[] {0}));
    }

    @Test
    void isReducedRejectsAnAxisOutsideTheRank() {
        ReductionPlan plan = ReductionPlan.of(new int[] {2, 3}, null);

        assertThatThrownBy(() -> plan.isReduced(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> plan.isReduced(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void rejectsRankBelowTwo() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {3}, null))
                .withMessageContaining("rank 2 or more").withMessageContaining("[3]");
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {}, null))
                .withMessageContaining("rank 2 or more");
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(null, null))
                .withMessageContaining("must not be null");
    }

    @Test
    void rejectsDimensionsBelowOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {0, 3}, null))
                .withMessageContaining("at least 1").withMessageContaining("[0, 3]");
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {2, -1}, null))
                .withMessageContaining("at least 1");
    }

    @Test
    void rejectsShapesWithMoreElementsThanAnInt() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {65536, 65536}, null))
                .withMessageContaining("more than 2147483647 elements");
    }

    @Test
    void rejectsEmptyAxes() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {2, 3}, new int[] {}))
                .withMessageContaining("at least one axis");
    }

    @Test
    void rejectsTooManyAxes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ReductionPlan.of(new int[] {2, 64, 32, 3}, new int[] {0, 1, 2, 3, 0}))
                .withMessage("Too many indices specified in axis: len([0, 1, 2, 3, 0]) > len([2, 64, 32, 3]).");
    }

    @Test
    void rejectsAnAxisTooLargeForTheShape() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {2, 64, 32, 3}, new int[] {4}))
                .withMessage("One or more index in axis is too large for input shape: [4] >= 4.");
    }

    @Test
    void rejectsNegativeAxes() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {2, 3}, new int[] {-1}))
                .withMessage("Indices in axis must be non-negative: [-1] < 0.");
    }

    @Test
    void rejectsRepeatedAxes() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReductionPlan.of(new int[] {2, 3, 4}, new int[] {1, 0, 1}))
                .withMessage("axis 1 is repeated in [1, 0, 1]");
    }

    @Test
    void rowWalkVisitsEveryElementWithItsStatisticIndex() {
        // Given: shapes with size-1 dims, non-contiguous axes, channels-first and channels-last
        Random random = new Random(7);
        int[][][] cases = {
                {{3, 2}, {0}}, {{3, 2}, {1}}, {{3, 2}, {0, 1}}, {{2, 3, 4, 5}, {0, 2}}, {{2, 3, 4, 5}, {1, 3}},
                {{2, 3, 4, 5}, {0, 2, 3}}, {{2, 3, 4, 5}, {1, 2, 3}}, {{2, 1, 1, 3}, {0, 1, 2}}, {{1, 1}, {0}},
                {{1, 4, 1, 2}, {0, 3}}, {{3, 1, 4}, {1}}, {{2, 3, 2, 3, 2}, {0, 2, 4}}, {{2, 3, 2, 3, 2}, {1, 3}},
        };
        for (int[][] c : cases) {
            assertWalkMatchesDivMod(ReductionPlan.of(c[0], c[1]));
        }
        for (int t = 0; t < 300; t++) {
            int[] shape = randomShape(random);
            assertWalkMatchesDivMod(ReductionPlan.of(shape, randomAxes(random, shape.length)));
        }
    }

    /** The walk's statistic index of element i equals the one from i's multi-index, found by div/mod. */
    private static void assertWalkMatchesDivMod(ReductionPlan plan) {
        int[] shape = plan.inputShape();
        int[] statsShape = plan.statsShape();
        int[] walked = new int[plan.size()];
        RowCursor cursor = plan.cursor();
        int i = 0;
        for (int r = 0; r < plan.rowCount(); r++) {
            for (int j = 0; j < plan.rowLength(); j++) {
                walked[i++] = plan.rowReduced() ? cursor.base() : cursor.base() + j;
            }
            cursor.advance();
        }
        assertThat(i).as("elements walked for %s", plan).isEqualTo(plan.size());
        for (int e = 0; e < plan.size(); e++) {
            assertThat(walked[e]).as("statistic of element %d for %s", e, plan)
                    .isEqualTo(statIndexByDivMod(e, shape, statsShape));
        }
    }

    static int statIndexByDivMod(int element, int[] shape, int[] statsShape) {
        int rest = element;
        int stat = 0;
        int statStride = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            int index = rest % shape[a];
            rest /= shape[a];
            if (statsShape[a] != 1) {
                stat += index * statStride;
                statStride *= statsShape[a];
            }
        }
        return stat;
    }

    static int[] randomShape(Random random) {
        int[] shape = new int[2 + random.nextInt(4)];
        for (int a = 0; a < shape.length; a++) {
            shape[a] = 1 + random.nextInt(7);
        }
        return shape;
    }

    /** A random non-empty subset of the axes in random order, or null (the default) one time in eight. */
    static int[] randomAxes(Random random, int rank) {
        if (random.nextInt(8) == 0) {
            return null;
        }
        int mask = 1 + random.nextInt((1 << rank) - 1);
        int[] axes = new int[Integer.bitCount(mask)];
        int n = 0;
        for (int a = rank - 1; a >= 0; a--) {
            if ((mask & (1 << a)) != 0) {
                axes[n++] = a;
            }
        }
        return axes;
    }
}
