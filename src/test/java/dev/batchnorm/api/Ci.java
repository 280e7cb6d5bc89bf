package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.fail;

/**
 * The CI switch: the environment variable {@code CI}, which CI services and {@code .ci/run} set.
 * Switches that let a test skip (or rewrite what it checks) are for developer machines, and each
 * one refuses to work while {@code CI} is set, so that a CI run can never pass by not testing.
 */
final class Ci {

    private Ci() {}

    /** Whether a value of {@code CI} means CI: anything but unset, blank or {@code false}. */
    static boolean isSet(String ci) {
        return ci != null && !ci.isBlank() && !"false".equalsIgnoreCase(ci.strip());
    }

    static String env() {
        return System.getenv("CI");
    }

    /**
     * The value of a developer-only switch, refused in CI.
     *
     * @param on whether the switch is on
     * @param name how the switch is set, for the message
     * @param ci the value of {@code CI}
     * @return {@code on}, when it is allowed
     */
    static boolean developerSwitch(boolean on, String name, String ci) {
        if (on && isSet(ci)) {
            fail(name + " is for developer machines only, and CI is set (CI=" + ci + "): CI must run what it would skip. "
                    + "Install what the test needs instead (.ci/run does).");
        }
        return on;
    }
}
