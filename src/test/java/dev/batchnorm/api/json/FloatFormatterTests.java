package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float32 writer against the JDK (19 and later), whose {@link Float#toString(float)} gives the
 * shortest decimal that reads back as the same float, closest to it: the text must be identical,
 * which also makes it parse back to the same bits.
 */
class FloatFormatterTests {

    private final char[] buf = new char[FloatFormatter.MAX_CHARS + 8];
    private final List<String> mismatches = new ArrayList<>();

    @Test
    void writesFloatToStringTextForMillionsOfRandomBitPatterns() {
        SplittableRandom random = new SplittableRandom(21);
        int checked = 0;
        while (checked < 4_000_000) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(f)) {
                check(f);
                checked++;
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void writesFloatToStringTextForEverySubnormalAndEveryPowerOfTwo() {
        for (int bits = 0; bits < 1 << 23; bits += 1 + (bits >>> 20)) {
            check(Float.intBitsToFloat(bits));
        }
        for (int exponent = 0; exponent < 255; exponent++) {
            for (int low = 0; low < 4; low++) {
                check(Float.intBitsToFloat(exponent << 23 | low));
                check(Float.intBitsToFloat(exponent << 23 | (1 << 23) - 1 - low));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void writesFloatToStringTextForEdgeValues() {
        float[] edges = {0f, -0f, 1f, -1f, 0.1f, 0.2f, 0.3f, 1e-3f, 9.999999e-4f, 1e7f, 9999999f, 1.0e7f - 1, 16777216f, 16777217f,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), Float.MAX_VALUE, -Float.MAX_VALUE,
            2e-45f, 3e-45f, 4e-45f, 1e-44f, 1e-45f, 123456.79f, 0.001f, 0.0012345f, 1e38f, 3.4e38f, 1.1754944e-38f, 8.5e-38f,
            0.5f, 0.25f, 100f, 1e10f, 1.2345678e-10f, (float) Math.PI, (float) Math.E, 2.0E-44f, 9.8E-45f};
        for (float f : edges) {
            check(f);
        }
        for (int e = -45; e <= 38; e++) {
            check(Float.parseFloat("1e" + e));
            check(Math.nextUp(Float.parseFloat("1e" + e)));
            check(Math.nextDown(Float.parseFloat("1e" + e)));
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void writesAfterWhatIsAlreadyInTheBuffer() {
        buf[0] = '[';
        int end = FloatFormatter.write(-1.5e-7f, buf, 1);

        assertThat(new String(buf, 0, end)).isEqualTo("[-1.5E-7");
    }

    @Test
    void refusesNonFiniteValues() {
        assertThatThrownBy(() -> FloatFormatter.write(Float.NaN, buf, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FloatFormatter.write(Float.NEGATIVE_INFINITY, buf, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private void check(float f) {
        String actual = new String(buf, 0, FloatFormatter.write(f, buf, 0));
        String expected = Float.toString(f);
        if (!actual.equals(expected) && mismatches.size() < 20) {
            mismatches.add(Integer.toHexString(Float.floatToRawIntBits(f)) + ": " + actual + ", expected " + expected);
        }
    }
}
