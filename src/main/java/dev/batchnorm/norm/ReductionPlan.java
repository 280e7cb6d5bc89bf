package dev.batchnorm.norm;

import java.util.Arrays;
import java.util.Objects;

/**
 * How an input shape is reduced to per-statistic values (Sonnet v1 {@code axis}): which axes are
 * reduced, the shape of the statistics ({@code keep_dims}, rank kept) and a row-wise walk of the
 * row-major input for the kernels.
 *
 * <p>For the walk, consecutive axes with the same status (reduced or kept) collapse into one group,
 * and size-1 axes join whatever surrounds them. The input is then an outer loop over rows (every
 * group but the last) and an inner contiguous loop over the last group. Each row has a statistics
 * base index; inside the row the statistic is {@code base + j} when the last group is kept and
 * {@code base} for the whole row when it is reduced. Instances are immutable.
 */
public final class ReductionPlan {

    private final int[] inputShape;
    private final int[] axes;
    private final boolean[] reduced;
    private final int[] statsShape;
    private final int statsSize;
    private final long count;
    private final int size;

    private final int rowLength;
    private final boolean rowReduced;
    private final int rowCount;
    private final int[] cursorSizes;
    private final int[] cursorStrides;

    private ReductionPlan(int[] shape, int[] sortedAxes) {
        this.inputShape = shape;
        this.axes = sortedAxes;
        this.reduced = new boolean[shape.length];
        for (int a : sortedAxes) {
            reduced[a] = true;
        }
        this.statsShape = shape.clone();
        long elementsPerStat = 1;
        for (int a : sortedAxes) {
            statsShape[a] = 1;
            elementsPerStat *= shape[a];
        }
        this.count = elementsPerStat;
        this.size = Tensor.sizeOf(shape);
        this.statsSize = Tensor.sizeOf(statsShape);

        // collapse runs of axes with the same status; size-1 axes index nothing, so they are skipped
        int[] groupSize = new int[shape.length];
        boolean[] groupReduced = new boolean[shape.length];
        int groups = 0;
        for (int a = 0; a < shape.length; a++) {
            if (shape[a] == 1) {
                continue;
            }
            if (groups > 0 && groupReduced[groups - 1] == reduced[a]) {
                groupSize[groups - 1] *= shape[a];
            } else {
                groupSize[groups] = shape[a];
                groupReduced[groups] = reduced[a];
                groups++;
            }
        }
        if (groups == 0) {
            // every dimension is 1: one row holding the single element of the single statistic
            groupSize[0] = 1;
            groups = 1;
        }

        // stride of each group in the row-major statistics array: 0 when reduced
        int[] groupStride = new int[groups];
        int stride = 1;
        for (int g = groups - 1; g >= 0; g--) {
            groupStride[g] = groupReduced[g] ? 0 : stride;
            stride *= groupReduced[g] ? 1 : groupSize[g];
        }

        this.rowLength = groupSize[groups - 1];
        this.rowReduced = groupReduced[groups - 1];
        this.rowCount = size / rowLength;
        // leading reduced groups never move the base (it wraps back to 0 with the groups inside them),
        // so the odometer starts at the first kept outer group; none at all is the [N..., C] fast path
        int first = 0;
        while (first < groups - 1 && groupReduced[first]) {
            first++;
        }
        this.cursorSizes = Arrays.copyOfRange(groupSize, first, groups - 1);
        this.cursorStrides = Arrays.copyOfRange(groupStride, first, groups - 1);
    }

    /**
     * The plan for reducing {@code inputShape} over {@code axes}.
     *
     * @param inputShape the input dimensions, outermost first; rank at least 2, every dimension at least 1
     * @param axes the axes to reduce over, in any order, each in {@code [0, rank)} and named once;
     *     {@code null} means every axis but the last (the Sonnet v1 default)
     * @throws IllegalArgumentException with a message for people when the shape or the axes are invalid
     */
    public static ReductionPlan of(int[] inputShape, int[] axes) {
        if (inputShape == null) {
            throw new IllegalArgumentException("input shape must not be null");
        }
        int[] shape = inputShape.clone();
        requireValidShape(shape);
        int[] sorted = axes == null ? allButLast(shape.length) : validAxes(axes.clone(), shape);
        return new ReductionPlan(shape, sorted);
    }

    private static void requireValidShape(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("input must have rank 2 or more (a batch axis and a channel axis), got shape "
                    + Arrays.toString(shape));
        }
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("every input dimension must be at least 1, got shape " + Arrays.toString(shape));
            }
        }
        try {
            Tensor.sizeOf(shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("input shape " + Arrays.toString(shape) + " has more than "
                    + Integer.MAX_VALUE + " elements");
        }
    }

    private static int[] allButLast(int rank) {
        int[] axes = new int[rank - 1];
        for (int a = 0; a < axes.length; a++) {
            axes[a] = a;
        }
        return axes;
    }

    /** Checks in Sonnet v1's order (too many, too large, negative), then emptiness and repeats; returns sorted. */
    private static int[] validAxes(int[] axes, int[] shape) {
        String given = Arrays.toString(axes);
        if (axes.length == 0) {
            throw new IllegalArgumentException("axis must name at least one axis to reduce over, got []");
        }
        if (axes.length > shape.length) {
            throw new IllegalArgumentException("Too many indices specified in axis: len(" + given + ") > len("
                    + Arrays.toString(shape) + ").");
        }
        Arrays.sort(axes);
        if (axes[axes.length - 1] >= shape.length) {
            throw new IllegalArgumentException("One or more index in axis is too large for input shape: " + given
                    + " >= " + shape.length + ".");
        }
        if (axes[0] < 0) {
            throw new IllegalArgumentException("Indices in axis must be non-negative: " + given + " < 0.");
        }
        for (int i = 1; i < axes.length; i++) {
            if (axes[i] == axes[i - 1]) {
                throw new IllegalArgumentException("axis " + axes[i] + " is repeated in " + given);
            }
        }
        return axes;
    }

    /** The input dimensions (a copy). */
    public int[] inputShape() {
        return inputShape.clone();
    }

    public int rank() {
        return inputShape.length;
    }

    /** The reduced axes in increasing order (a copy). */
    public int[] axes() {
        return axes.clone();
    }

    /**
     * Whether {@code axis} is reduced over.
     *
     * @throws IndexOutOfBoundsException when {@code axis} is not in {@code [0, rank)}
     */
    public boolean isReduced(int axis) {
        return reduced[Objects.checkIndex(axis, reduced.length)];
    }

    /** The input shape with every reduced axis set to 1, rank kept (a copy), e.g. {@code [1, C]} for {@code [N, C]}. */
    public int[] statsShape() {
        return statsShape.clone();
    }

    /** Number of statistics: the product of the kept dimensions. */
    public int statsSize() {
        return statsSize;
    }

    /** Elements per statistic: the product of the reduced dimensions. */
    public long count() {
        return count;
    }

    /** Number of input elements. */
    public int size() {
        return size;
    }

    /** Whether a tensor of {@code shape} can be walked with this plan. */
    boolean matches(int[] shape) {
        return Arrays.equals(inputShape, shape);
    }

    /** Number of contiguous rows in the walk. */
    int rowCount() {
        return rowCount;
    }

    /** Elements per row. */
    int rowLength() {
        return rowLength;
    }

    /** True when a whole row feeds one statistic ({@code base}); false when element j feeds {@code base + j}. */
    boolean rowReduced() {
        return rowReduced;
    }

    /** True when every row has statistics base 0 (no kept axis outside the rows, as in {@code [N..., C]}). */
    boolean fixedBase() {
        return cursorSizes.length == 0;
    }

    /** A fresh cursor positioned on row 0; allocate one per walk. */
    RowCursor cursor() {
        return new RowCursor(cursorSizes, cursorStrides);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReductionPlan p && Arrays.equals(inputShape, p.inputShape) && Arrays.equals(axes, p.axes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + Arrays.hashCode(axes);
    }

    @Override
    public String toString() {
        return "ReductionPlan[shape=" + Arrays.toString(inputShape) + ", axes=" + Arrays.toString(axes) + "]";
    }
}
