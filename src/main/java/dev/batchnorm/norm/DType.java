package dev.batchnorm.norm;

/**
 * The element type of a session: inputs, outputs and variables hold values of this type.
 * Variables are kept in {@code double[]} arrays whose values are always exactly representable in
 * the dtype; {@link #round} is the one place that narrows.
 */
public enum DType {
    FLOAT32("float32"),
    FLOAT64("float64");

    private final String wireName;

    DType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the HTTP contract: {@code float32} or {@code float64}. */
    public String wireName() {
        return wireName;
    }

    /** Rounds a double to the nearest value of this dtype (identity for float64). */
    public double round(double value) {
        return this == FLOAT32 ? (double) (float) value : value;
    }

    /** Rounds every element in place. */
    public void roundInPlace(double[] values) {
        if (this == FLOAT32) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) values[i];
            }
        }
    }

    /** The dtype with this wire name, or {@code null} when there is none. */
    public static DType fromWireName(String name) {
        for (DType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
