package dev.batchnorm.norm;

/**
 * Whether the kernels use the Vector API ({@code jdk.incubator.vector}). The JVM must be started
 * with {@code --add-modules jdk.incubator.vector} (the Dockerfile, {@code ./mvnw spring-boot:run}
 * and the tests do); without it, or with {@code -Dbatchnorm.vector=false}, the plain loops run,
 * with the same results to the bit.
 */
public final class Vectorization {

    /** The property that turns the Vector API off when set to {@code false}. */
    public static final String PROPERTY = "batchnorm.vector";

    static final boolean ENABLED = modulePresent() && !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    private Vectorization() {
    }

    /** True when the float32 kernels run on the Vector API. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** A line for the startup log: what runs, and how to change it. */
    public static String describe() {
        if (ENABLED) {
            return "float32 kernels use the Vector API (-D" + PROPERTY + "=false turns it off)";
        }
        return modulePresent()
                ? "float32 kernels use plain loops (-D" + PROPERTY + "=false)"
                : "float32 kernels use plain loops; start the JVM with --add-modules jdk.incubator.vector for the Vector API";
    }

    private static boolean modulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
