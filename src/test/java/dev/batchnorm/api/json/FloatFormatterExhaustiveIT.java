package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The writer's exactness, proved rather than sampled: every finite float32 of both signs, alone and
 * in a pair, is written exactly as {@link Float#toString(float)} writes it (the shortest text that
 * reads back as the same float). About four minutes on two cores, so it runs with the other slow
 * checks in {@code ./mvnw verify}; {@link FloatFormatterTests} covers the edge values in seconds.
 */
class FloatFormatterExhaustiveIT {

    @Test
    void everyFiniteFloat_ShouldBeWrittenAsFloatToStringWritesIt() {
        assertThat(FloatFormatterExhaustiveCheck.run(System.out)).as("floats written differently from Float.toString").isZero();
    }
}
