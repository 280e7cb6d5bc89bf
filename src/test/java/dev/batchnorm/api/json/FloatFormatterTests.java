package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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

    private final byte[] buf = new byte[FloatFormatter.ROOM + 8];
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
    void writesFloatToStringTextForEveryNumberOfDigits() {
        SplittableRandom random = new SplittableRandom(22);
        for (int digits = 1; digits <= 9; digits++) {
            long low = (long) Math.pow(10, digits - 1);
            for (int n = 0; n < 20_000; n++) {
                long significand = random.nextLong(low, 10 * low);
                int exponent = random.nextInt(-45 - digits, 39 - digits);
                check(Float.parseFloat(significand + "E" + exponent));
                check(-Float.parseFloat(significand + "E" + exponent));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void writesFloatToStringTextForIntegerValuedFloats() {
        for (int i = 0; i <= 1 << 16; i++) {
            check(i);
            check(-i);
        }
        SplittableRandom random = new SplittableRandom(23);
        for (int n = 0; n < 200_000; n++) {
            check(random.nextInt(1 << 24));
            // above 2^24 every float is an integer; with trailing zero bits, many are round decimals
            check(random.nextLong(1L << 24, 1L << 40) & -1L << random.nextInt(16));
        }
        for (int e = 0; e < 64; e++) {
            check((float) Math.pow(2, e));
            check((float) Math.pow(10, e % 39));
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void writesFloatToStringTextAroundTheNotationThresholds() {
        // 10^-3 and 10^7 switch between plain and E notation; 1 and 0.1 between ddd.ddd and 0.ddd
        for (float threshold : new float[] {1e-3f, 1e-2f, 0.1f, 1f, 10f, 1e6f, 1e7f}) {
            float below = threshold;
            float above = threshold;
            for (int i = 0; i < 5_000; i++) {
                check(below);
                check(above);
                check(-below);
                below = Math.nextDown(below);
                above = Math.nextUp(above);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(text(Math.nextDown(1e-3f))).isEqualTo("9.999999E-4");
        assertThat(text(1e-3f)).isEqualTo("0.001");
        assertThat(text(Math.nextDown(1e7f))).isEqualTo("9999999.0");
        assertThat(text(1e7f)).isEqualTo("1.0E7");
    }

    @Test
    void writesSignedZeros() {
        assertThat(text(0f)).isEqualTo("0.0");
        assertThat(text(-0f)).isEqualTo("-0.0");
    }

    @Test
    void storesNothingPastTheRoomItAsksFor() {
        SplittableRandom random = new SplittableRandom(24);
        byte[] big = new byte[3 + FloatFormatter.ROOM + 8];
        for (int n = 0; n < 200_000; n++) {
            java.util.Arrays.fill(big, (byte) 'x');
            float f = n < 1000 ? -Float.MIN_VALUE * n : Float.intBitsToFloat(random.nextInt() | 0x8000_0000);
            if (!Float.isFinite(f)) {
                continue;
            }
            int end = FloatFormatter.write(f, big, 3);
            assertThat(end - 3).isLessThanOrEqualTo(FloatFormatter.MAX_CHARS);
            for (int i = 0; i < 3; i++) {
                assertThat(big[i]).isEqualTo((byte) 'x');
            }
            for (int i = 3 + FloatFormatter.ROOM; i < big.length; i++) {
                assertThat(big[i]).isEqualTo((byte) 'x');
            }
        }
    }

    @Test
    void makesEightDigitsAtOnce() {
        SplittableRandom random = new SplittableRandom(25);
        int[] edges = {0, 1, 9, 10, 99, 100, 9_999, 10_000, 10_001, 99_999_999, 12_345_678, 10_000_000, 90_000_009};
        for (int n = 0; n < 1_000_000 + edges.length; n++) {
            int x = n < edges.length ? edges[n] : random.nextInt(100_000_000);
            long digits = FloatFormatter.eightDigits(x / 10_000, x % 10_000);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                text.append((char) ('0' + (digits >>> 8 * i & 0xFF)));
            }
            assertThat(text.toString()).as("%d", x).isEqualTo(String.format("%08d", x));
        }
    }

    @Test
    void writesPairsAsTwoValuesAndAComma() {
        SplittableRandom random = new SplittableRandom(26);
        byte[] pairs = new byte[2 + FloatFormatter.PAIR_ROOM];
        float[] edges = {0f, -0f, 1f, -1e-3f, 1e7f, Float.MIN_VALUE, -Float.MAX_VALUE, 123.0f, 0.1f};
        for (int n = 0; n < 1_000_000; n++) {
            float a = n < edges.length * edges.length ? edges[n % edges.length] : Float.intBitsToFloat(random.nextInt());
            float b = n < edges.length * edges.length ? edges[n / edges.length] : (float) random.nextGaussian();
            if (!Float.isFinite(a)) {
                continue;
            }
            pairs[0] = '[';
            int end = FloatFormatter.writePair(a, b, pairs, 1);
            String expected = "[" + a + "," + b;
            if (!expected.equals(new String(pairs, 0, end, StandardCharsets.US_ASCII)) && mismatches.size() < 20) {
                mismatches.add(new String(pairs, 0, end, StandardCharsets.US_ASCII) + ", expected " + expected);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThatThrownBy(() -> FloatFormatter.writePair(1f, Float.NaN, pairs, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesCharsForSingleValues() {
        char[] chars = new char[FloatFormatter.MAX_CHARS + 1];
        chars[0] = '[';
        int end = FloatFormatter.write(-1.2345678e-38f, chars, 1);

        assertThat(new String(chars, 0, end)).isEqualTo("[-1.2345678E-38");
    }

    @Test
    void writesAfterWhatIsAlreadyInTheBuffer() {
        buf[0] = '[';
        int end = FloatFormatter.write(-1.5e-7f, buf, 1);

        assertThat(new String(buf, 0, end, StandardCharsets.US_ASCII)).isEqualTo("[-1.5E-7");
    }

    @Test
    void refusesNonFiniteValues() {
        assertThatThrownBy(() -> FloatFormatter.write(Float.NaN, buf, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FloatFormatter.write(Float.NEGATIVE_INFINITY, buf, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private String text(float f) {
        return new String(buf, 0, FloatFormatter.write(f, buf, 0), StandardCharsets.US_ASCII);
    }

    // the text of Float.toString, which also reads back as the same bits
    private void check(float f) {
        String actual = text(f);
        String expected = Float.toString(f);
        boolean same = actual.equals(expected) && Float.floatToRawIntBits(Float.parseFloat(actual)) == Float.floatToRawIntBits(f);
        if (!same && mismatches.size() < 20) {
            mismatches.add(Integer.toHexString(Float.floatToRawIntBits(f)) + ": " + actual + ", expected " + expected);
        }
    }
}
