package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The float32 fast paths against the JDK: {@link DecimalParser#plainFloat} (the stateless reader
 * of plain tokens), the float32-through-one-double-division case of
 * {@link DecimalToBinary#toFloatBits}, and the tensor reader that uses them. Every value must
 * have the bits of {@link Float#parseFloat}; a token plainFloat does not take must be left to
 * {@link DecimalParser#scan}, and one it takes must end where scan ends.
 */
class PlainFloatTests {

    private final List<String> mismatches = new ArrayList<>();
    private int plain;

    @Test
    void readsRandomFloatsInEveryRenderingAsTheJdk() {
        Random random = new Random(21);
        for (int n = 0; n < 200_000; n++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(f)) {
                tokens(f, random, this::check);
            }
            float g = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
            tokens(g, random, this::check);
        }
        assertThat(mismatches).isEmpty();
        assertThat(plain).as("tokens the fast path took").isGreaterThan(300_000);
    }

    @Test
    void readsDecimalsNextToFloatMidpointsAsTheJdk() {
        Random random = new Random(22);
        for (int n = 0; n < 100_000; n++) {
            // floats whose neighbours' midpoints have few fraction digits, and ordinary ones
            float f = random.nextBoolean() ? Math.abs(random.nextFloat() * (float) Math.pow(10, random.nextInt(12) - 4))
                    : 8192 + random.nextInt(1 << 20) / 1024f;
            BigDecimal mid = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.TWO);
            check(mid.toPlainString());
            for (int scale = 1; scale <= 16; scale++) {
                for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
                    String s = mid.setScale(scale, mode).toPlainString();
                    check(random.nextBoolean() ? s : "-" + s);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void convertsThroughOneDoubleDivisionExactly() {
        Random random = new Random(23);
        for (int n = 0; n < 2_000_000; n++) {
            long w = switch (n % 4) {
                case 0 -> random.nextLong() >>> 11;                        // below 2^53
                case 1 -> random.nextLong(1_000_000_000L);                 // up to 9 digits
                case 2 -> (1L << 53) - 1 - random.nextInt(1000);           // the top of the range
                default -> BigInteger.TEN.pow(random.nextInt(16)).longValueExact() * (1 + random.nextInt(9));
            };
            int q = -random.nextInt(DecimalToBinary.MAX_FLOAT_VIA_DOUBLE_FRACTION + 1);
            int bits = DecimalToBinary.toFloatBits(w, q);
            int expected = Float.floatToRawIntBits(Float.parseFloat(w + "E" + q));
            if (bits != expected && mismatches.size() < 20) {
                mismatches.add(w + "E" + q + " read as " + Float.intBitsToFloat(bits));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void readsEdgeTokensAsTheJdk() {
        List<String> edges = new ArrayList<>(List.of("0.0", "-0.0", "0.000", "-0.0000000000000000000", "0.5", "-0.5", "1.0",
                "9999999.9", "1234567.1234567", "12345678.5", "0.1", "0.30000001", "1.17549435", "3.4028235", "1.4",
                "0.000000000001", "0.0000000000001", "0.0000000000015", "123456.123456", "1234567.123456789012",
                "1.234567890123456789", "1.2345678901234567890", "0.1234567890123456789", "0.12345678901234567890",
                "9007199254740991.0", "9007199254740993.0", "9.007199254740993", "0.9007199254740993",
                "16777217.0", "1677721.75", "0.16777217", "4.5", "0.00000000000000000000001", "2.5e3", "2.5E-3", "1.5e",
                "01.5", "00.5", "-01.0", "1.", "-.5", "1.5.5", "1.5-", "1..5", "-", "--1.0", "1.0e+5", "7.006492e-46"));
        for (int digits = 1; digits <= 22; digits++) {
            edges.add("0." + "9".repeat(digits));
            edges.add("1." + "0".repeat(digits - 1) + "1");
            edges.add("0." + "0".repeat(digits - 1) + "5");
            edges.add("3." + "4028235677973366".repeat(2).substring(0, digits));
        }
        for (int exponent = 0; exponent <= 14; exponent++) {
            edges.add(BigDecimal.ONE.movePointLeft(exponent).toPlainString());
            edges.add(new BigDecimal("8388608.5").movePointLeft(exponent).toPlainString());
            edges.add(new BigDecimal("16777215.5").movePointLeft(exponent).toPlainString());
        }
        edges.forEach(s -> {
            check(s);
            check("-" + s);
        });
        assertThat(mismatches).isEmpty();
    }

    @Test
    void readsATensorOfEveryKindOfTokenAsTheJdk() {
        Random random = new Random(24);
        List<String> values = new ArrayList<>();
        for (int n = 0; n < 64 * 1000; n++) {
            float f = random.nextInt(8) == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextGaussian();
            if (Float.isFinite(f)) {
                tokens(f, random, values::add);
            }
        }
        // whitespace and commas in every place, and the last tokens too close to the end for the fast path
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : random.nextInt(20) == 0 ? " ,\n" : ",").append(random.nextInt(30) == 0 ? " " : "").append(values.get(i));
        }
        byte[] body = sb.append("]").toString().getBytes(StandardCharsets.US_ASCII);

        ParsedTensor t = new JsonBytes(body, 0, body.length, 1000).tensor(DType.FLOAT32, 1, 64, 1 << 24);

        float[] read = ((Tensor.F32) t.tensor()).data();
        assertThat(read).hasSize(values.size());
        for (int i = 0; i < read.length; i++) {
            if (Float.floatToRawIntBits(read[i]) != Float.floatToRawIntBits(Float.parseFloat(values.get(i))) && mismatches.size() < 20) {
                mismatches.add(values.get(i) + " read as " + read[i]);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    // A float's renderings: shortest, 9 and 17 significant digits, plain with up to 20 fraction digits.
    private static void tokens(float f, Random random, Consumer<String> out) {
        out.accept(Float.toString(f));
        out.accept(String.format(Locale.ROOT, "%.9g", f));
        out.accept(String.format(Locale.ROOT, "%.17g", (double) f));
        out.accept(new BigDecimal(f).setScale(random.nextInt(21), RoundingMode.HALF_EVEN).toPlainString());
    }

    private void check(String s) {
        // the token where the reader meets it: followed by a separator, with bytes to spare or not
        byte[] b = (s + (s.length() % 2 == 0 ? "," : "]") + " ".repeat(s.length() % 3 == 0 ? 0 : DecimalParser.PLAIN_WINDOW))
                .getBytes(StandardCharsets.US_ASCII);
        DecimalParser parser = new DecimalParser();
        int scanned = parser.scan(b, 0, b.length);
        long packed = b.length >= DecimalParser.PLAIN_WINDOW ? DecimalParser.plainFloat(b, 0) : -1;
        if (packed < 0) {
            return;
        }
        plain++;
        float expected = scanned > 0 ? Float.parseFloat(s.substring(0, scanned)) : Float.NaN;
        boolean same = scanned == DecimalParser.plainEnd(packed)
                && Float.floatToRawIntBits(DecimalParser.plainValue(packed)) == Float.floatToRawIntBits(expected);
        if (!same && mismatches.size() < 20) {
            mismatches.add(s + " read as " + DecimalParser.plainValue(packed) + " ending at " + DecimalParser.plainEnd(packed)
                    + ", expected " + expected + " ending at " + scanned);
        }
    }
}
