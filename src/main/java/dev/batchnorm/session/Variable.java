package dev.batchnorm.session;

/** The variables of a BatchNorm instance, by their wire names. */
public enum Variable {
    MOVING_MEAN("movingMean"),
    MOVING_VARIANCE("movingVariance"),
    BETA("beta"),
    GAMMA("gamma");

    private final String wireName;

    Variable(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The variable with this wire name, or {@code null}. */
    public static Variable fromWireName(String name) {
        for (Variable v : values()) {
            if (v.wireName.equals(name)) {
                return v;
            }
        }
        return null;
    }
}
