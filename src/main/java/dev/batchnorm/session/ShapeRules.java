package dev.batchnorm.session;

import dev.batchnorm.norm.ReductionPlan;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * How a session's fixed input shape is kept: an input "pattern" is the input shape with every
 * reduced axis set to -1 (any size), as Sonnet lets reduced dims vary between connections.
 */
public final class ShapeRules {

    private ShapeRules() {}

    /** The pattern an input with this plan fixes. */
    public static int[] pattern(ReductionPlan plan) {
        int[] p = plan.inputShape();
        for (int axis = 0; axis < p.length; axis++) {
            if (plan.isReduced(axis)) {
                p[axis] = -1;
            }
        }
        return p;
    }

    /**
     * The pattern implied by a variable of rank >= 2 given in the statistics' shape.
     *
     * @throws IllegalArgumentException when the shape cannot be a statistics shape for these axes
     */
    public static int[] patternFromStats(int[] statsShape, int[] axes) {
        int rank = statsShape.length;
        boolean[] reduced = new boolean[rank];
        if (axes == null) {
            Arrays.fill(reduced, 0, rank - 1, true);
        } else {
            for (int a : axes) {
                if (a >= rank) {
                    throw new IllegalArgumentException("axis " + a + " does not exist in a rank-" + rank + " statistics shape " + describe(statsShape));
                }
                reduced[a] = true;
            }
        }
        int[] pattern = new int[rank];
        for (int i = 0; i < rank; i++) {
            if (reduced[i] && statsShape[i] != 1) {
                throw new IllegalArgumentException("a statistics shape has size 1 on every reduced axis, but " + describe(statsShape) + " has " + statsShape[i] + " on axis " + i);
            }
            pattern[i] = reduced[i] ? -1 : statsShape[i];
        }
        return pattern;
    }

    /** The statistics' shape of a pattern (reduced axes become 1). */
    public static int[] statsShape(int[] pattern) {
        int[] s = pattern.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    /** The refusal of an input whose shape does not fit a session's fixed pattern. */
    public static ShapeMismatchException mismatch(int[] pattern, int[] inputShape) {
        return new ShapeMismatchException("This session's input shape is " + describe(pattern)
                + " (null: any size on a reduced axis); an input of shape " + describe(inputShape) + " does not fit.");
    }

    /** The pattern in the contract's form: {@code [null, 2]} for {@code [-1, 2]}. */
    public static String describe(int[] shapeOrPattern) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int d : shapeOrPattern) {
            j.add(d < 0 ? "null" : Integer.toString(d));
        }
        return j.toString();
    }
}
