package dev.batchnorm.norm;

/**
 * The statistics base index of the current row of a {@link ReductionPlan} walk, advanced row by row
 * as an odometer over the outer groups: amortized O(1) per row, and no work at all when every outer
 * group is reduced (the default {@code [N..., C]} case, where the base stays 0). Not thread-safe;
 * one cursor per walk.
 *
 * @see ReductionPlan#cursor()
 */
final class RowCursor {

    private final int[] sizes;
    private final int[] strides;
    private final int[] counters;
    private int base;

    RowCursor(int[] sizes, int[] strides) {
        this.sizes = sizes;
        this.strides = strides;
        this.counters = new int[sizes.length];
    }

    /** The statistics index of the current row's first element. */
    int base() {
        return base;
    }

    /** Moves to the next row; after the last row it wraps to row 0. */
    void advance() {
        // bump the innermost outer group; when it wraps, rewind its share of the base and carry outward
        for (int g = sizes.length - 1; g >= 0; g--) {
            base += strides[g];
            if (++counters[g] < sizes[g]) {
                return;
            }
            counters[g] = 0;
            base -= strides[g] * sizes[g];
        }
    }
}
