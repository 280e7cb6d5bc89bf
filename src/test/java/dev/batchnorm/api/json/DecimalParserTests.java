package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte-level parser against the JDK: every token must give exactly the bits of
 * {@link Float#parseFloat} and {@link Double#parseDouble} of the same text, including infinities
 * for tokens outside the range.
 */
class DecimalParserTests {

    private final List<String> mismatches = new ArrayList<>();
    private int checked;

    @Test
    void agreesWithTheJdkOnTheExactnessCorpus() {
        DecimalStrings.generate(0x5EED_F10A7L, 120_000).forEach(this::check);

        assertThat(checked).isGreaterThanOrEqualTo(120_000);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void agreesWithTheJdkOnRandomFloatsInEveryRendering() {
        Random random = new Random(11);
        for (int n = 0; n < 150_000; n++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(f)) {
                continue;
            }
            check(Float.toString(f));
            check(String.format(Locale.ROOT, "%.8e", f));             // 9 significant digits
            check(new BigDecimal(f).round(new MathContext(9 + random.nextInt(4), RoundingMode.HALF_EVEN)).toPlainString());
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void agreesWithTheJdkOnRandomDoublesInEveryRendering() {
        Random random = new Random(12);
        for (int n = 0; n < 100_000; n++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            check(Double.toString(d));
            check(String.format(Locale.ROOT, "%.16e", d));            // 17 significant digits
            check(new BigDecimal(d).round(new MathContext(17 + random.nextInt(6), RoundingMode.HALF_EVEN)).toString());
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void agreesWithTheJdkOnDecimalsNextToFloatAndDoubleMidpoints() {
        Random random = new Random(13);
        for (int n = 0; n < 30_000; n++) {
            float f = Math.abs(Float.intBitsToFloat(random.nextInt(0x7F7F_FFFF)));
            nearMidpoint(new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.TWO), 9, random);
            double d = Math.abs(Double.longBitsToDouble(random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL));
            nearMidpoint(new BigDecimal(d).add(new BigDecimal(Math.nextUp(d))).divide(BigDecimal.TWO), 17, random);
        }
        assertThat(checked).isGreaterThan(600_000);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void agreesWithTheJdkOnFloat64TextOfFloat32Values() {
        // what Python's json.dumps(x.tolist()) writes for a float32 array: repr(float(v)), up to 17 digits
        Random random = new Random(15);
        for (int n = 0; n < 300_000; n++) {
            float f = n % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
            if (!Float.isFinite(f)) {
                continue;
            }
            check(Double.toString(f));
            check(new BigDecimal(Double.toString(f)).toPlainString());
            check(String.format(Locale.ROOT, "%.17g", (double) f));
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void convertsManyDigitsNextToFloatMidpointsAsTheJdk() {
        // toFloatBits's double-quotient path for 0 < w < 2^63, 10^-22 <= 10^q <= 1: integers w of
        // 16 to 19 digits within a few units of a float32 midpoint times 10^-q, where a double
        // quotient lands next to the midpoint and the guard must send the value to Eisel-Lemire
        Random random = new Random(16);
        int near = 0;
        for (int n = 0; n < 200_000; n++) {
            float f = Float.intBitsToFloat(0x1000_0000 + random.nextInt(0x5E00_0000 - 0x1000_0000));
            BigDecimal mid = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.TWO);
            int digits = 16 + random.nextInt(4);
            // the smallest 0 <= k <= 22 giving mid * 10^k at least `digits` digits in its integer part
            int k = Math.max(0, Math.min(22, digits - (mid.precision() - mid.scale())));
            BigDecimal scaled = mid.movePointRight(k);
            if (scaled.compareTo(BigDecimal.valueOf(Long.MAX_VALUE - 10)) >= 0) {
                continue;
            }
            long w0 = scaled.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
            for (long w = Math.max(1, w0 - 3); w <= w0 + 3; w++) {
                int bits = DecimalToBinary.toFloatBits(w, -k);
                int expected = Float.floatToRawIntBits(Float.parseFloat(w + "E-" + k));
                if (bits != expected && mismatches.size() < 20) {
                    mismatches.add(w + "E-" + k + " read as " + Float.intBitsToFloat(bits) + ", expected " + Float.intBitsToFloat(expected));
                }
                near++;
            }
        }
        assertThat(near).isGreaterThan(1_000_000);
        assertThat(mismatches).isEmpty();
    }

    // The exact midpoint, and the midpoint rounded to a few digits either side of the format's precision.
    private void nearMidpoint(BigDecimal mid, int precision, Random random) {
        check(mid.toString());
        for (int digits = precision - 1; digits <= precision + 3; digits++) {
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
                String s = mid.round(new MathContext(digits, mode)).toString();
                check(random.nextBoolean() ? s : "-" + s);
            }
        }
    }

    @Test
    void agreesWithTheJdkOnRandomDigitStrings() {
        Random random = new Random(14);
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < 300_000; n++) {
            sb.setLength(0);
            if (random.nextBoolean()) {
                sb.append('-');
            }
            int intDigits = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 5 : 30);
            int fractionDigits = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 5 : 30);
            if (intDigits == 0) {
                sb.append('0');
                fractionDigits = Math.max(1, fractionDigits);
            } else {
                sb.append((char) ('1' + random.nextInt(9)));
                appendDigits(sb, intDigits - 1, random);
            }
            if (fractionDigits > 0) {
                sb.append('.');
                appendDigits(sb, fractionDigits, random);
            }
            if (random.nextBoolean()) {
                sb.append(random.nextBoolean() ? 'e' : 'E');
                sb.append(switch (random.nextInt(3)) { case 0 -> "+"; case 1 -> "-"; default -> ""; });
                int exponent = random.nextInt(5) == 0 ? random.nextInt(400) : random.nextInt(50);
                sb.append(random.nextBoolean() ? "0".repeat(random.nextInt(3)) + exponent : Integer.toString(exponent));
            }
            check(sb.toString());
        }
        assertThat(mismatches).isEmpty();
    }

    // Digits biased towards runs of 0 and 9, where roundings carry.
    private static void appendDigits(StringBuilder sb, int count, Random random) {
        int style = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            sb.append(switch (style) {
                case 0 -> '0';
                case 1 -> '9';
                default -> (char) ('0' + random.nextInt(10));
            });
            if (random.nextInt(8) == 0) {
                style = random.nextInt(4);
            }
        }
    }

    @Test
    void readsEdgeValues() {
        List<String> edges = new ArrayList<>(List.of("0", "-0", "0.0", "-0.0", "0e0", "-0E-5", "0e999999999999999999999", "-0.000e-7",
                "1", "-1", "1e39", "1e38", "3.4028235e38", "3.4028236e38", "3.40282357e38", "1.4e-45", "1e-45", "7e-46",
                "7.006492321624085e-46", "7.006492321624086e-46", "1.17549435e-38", "1.1754942e-38",
                "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
                "1.7976931348623158e308", "1.7976931348623159e308", "2.2250738585072011e-308", "2.2250738585072012e-308",
                "1e-999999999999999", "1e999999999999999999", "1e-2147483649", "1e2147483648",
                "9007199254740993", "9007199254740992.5", "18446744073709551615", "18446744073709551616",
                "99999999999999999999", "9999999999999999999", "10000000000000000000", "16777217", "33554431",
                "0.1", "0.2", "0.30000000000000004", "123456789012345678901234567890e-30",
                "0." + "0".repeat(400) + "1e400", "1" + "0".repeat(400) + "e-400", "0.000000000000000000001234567890123456789012"));
        for (int e = -350; e <= 350; e++) {
            edges.add("1e" + e);
            edges.add("9.999999999999999999e" + e);
            edges.add("4.5e" + e);
        }
        edges.forEach(this::check);

        assertThat(mismatches).isEmpty();
        assertThat(Float.floatToRawIntBits(DecimalParser.parseFloat(bytes("-0"), 0, 2))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(Double.doubleToRawLongBits(DecimalParser.parseDouble(bytes("-0e5"), 0, 4))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "+1", "01", "-01", "1.", ".5", "1.e5", "1e", "1e+", "1E-", "--1", "1..2", "NaN", "Infinity",
        "-Infinity", "0x10", " 1", "1 ", "1,", "1.5.", "1e5e5", "1e1.5", "\u0661"})
    void refusesWhatIsNotOneJsonNumber(String token) {
        byte[] b = bytes(token);

        assertThatThrownBy(() -> DecimalParser.parseFloat(b, 0, b.length)).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> DecimalParser.parseDouble(b, 0, b.length)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void readsATokenInsideALargerBuffer() {
        byte[] b = bytes("[12.5e-1,7]");
        DecimalParser p = new DecimalParser();

        assertThat(p.scan(b, 1, b.length)).isEqualTo(8);
        assertThat(p.toFloat()).isEqualTo(1.25f);
        assertThat(p.scan(b, 9, b.length)).isEqualTo(10);
        assertThat(p.toDouble()).isEqualTo(7.0);
    }

    private void check(String s) {
        checked++;
        byte[] b = bytes(s);
        float f = DecimalParser.parseFloat(b, 0, b.length);
        double d = DecimalParser.parseDouble(b, 0, b.length);
        same(s, Float.floatToRawIntBits(f) == Float.floatToRawIntBits(Float.parseFloat(s)), f, Float.parseFloat(s));
        same(s, Double.doubleToRawLongBits(d) == Double.doubleToRawLongBits(Double.parseDouble(s)), d, Double.parseDouble(s));
    }

    private void same(String s, boolean same, Object actual, Object expected) {
        if (!same && mismatches.size() < 20) {
            mismatches.add(s + " read as " + actual + ", expected " + expected);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
