package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The float32 runs of the tensor reader: {@link CommaScan} (commas found before any number is
 * read), {@link DecimalParser#boundedFloat} (a token whose end is known) and the reader's use of
 * them. A token boundedFloat takes must be exactly of its shape and read as {@link Float#parseFloat}
 * reads it; the reader must read every document as the one-by-one path does, and decline the same.
 */
class CommaRunTests {

    private static final Pattern BOUNDED_SHAPE = Pattern.compile("-?[0-9]\\.[0-9]{1,18}");
    // within the shape, fractions this long are always taken; longer ones may be declined (a
    // value next to a float midpoint, 19 digits over 2^63), never read wrong
    private static final int ALWAYS_TAKEN_FRACTION = 12;
    private static final String[] MALFORMED = {"1.", "-", "--1.5", "1.5.5", "01.5", ".5", "1..5", "1.5-", "+1.5", "1.5e",
        "1.5e+", "0x1", "1,5e", "NaN", "Infinity", "1.5\u00e9", "\"1.5\"", "", "1.5 5", "1.5[", "[1.5]", "1e400"};

    private final List<String> mismatches = new ArrayList<>();
    private int shaped;
    private int taken;

    @Test
    void findsEveryCommaAsAByteLoop() {
        Random random = new Random(31);
        int[] ends = new int[8 * 40 + CommaScan.SLACK];
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[8 * 40 + random.nextInt(16)];
            int density = 1 + random.nextInt(12);
            for (int i = 0; i < b.length; i++) {
                // commas from sparse to every byte, among digits, other ASCII and high bytes
                b[i] = random.nextInt(density) == 0 ? (byte) ',' : (byte) (random.nextBoolean() ? '0' + random.nextInt(10) : random.nextInt(256));
            }
            int from = random.nextInt(b.length - 8 * 40 + 1);
            int words = random.nextInt(41);
            int count = CommaScan.commas(b, from, words, ends);
            List<Integer> expected = new ArrayList<>();
            for (int i = from; i < from + 8 * words; i++) {
                if (b[i] == ',') {
                    expected.add(i);
                }
            }
            assertThat(count).isEqualTo(expected.size());
            for (int k = 0; k < count; k++) {
                assertThat(ends[k]).isEqualTo(expected.get(k));
            }
        }
    }

    @Test
    void takesExactlyItsShapeAndReadsItAsTheJdk() {
        Random random = new Random(32);
        for (int n = 0; n < 300_000; n++) {
            float f = n % 3 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 2));
            if (Float.isFinite(f)) {
                for (String s : spellings(f, random)) {
                    bounded(s, random);
                }
            }
        }
        for (String s : MALFORMED) {
            bounded(s, random);
            bounded("-" + s, random);
        }
        assertThat(mismatches).isEmpty();
        // the declines allowed past 12 fraction digits stay rare (19 digits over 2^63 are most)
        assertThat(taken).isGreaterThan(shaped - shaped / 50);
    }

    @Test
    void readsDecimalsNextToFloatMidpointsAsTheJdk() {
        Random random = new Random(33);
        for (int n = 0; n < 100_000; n++) {
            float f = (float) (random.nextFloat() * 10);
            BigDecimal mid = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.TWO);
            for (int scale = 1; scale <= 18; scale++) {
                for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING, RoundingMode.HALF_EVEN}) {
                    String s = mid.setScale(scale, mode).toPlainString();
                    bounded(random.nextBoolean() ? s : "-" + s, random);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void readsLongRowsOfEverySpellingAsTheJdk() {
        Random random = new Random(34);
        for (int doc = 0; doc < 300; doc++) {
            // rows long enough for several scans, and short documents whose tokens sit near the end
            int count = doc % 3 == 0 ? 1 + random.nextInt(40) : 1 + random.nextInt(2000);
            List<String> values = new ArrayList<>();
            while (values.size() < count) {
                float f = random.nextInt(10) == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextGaussian();
                if (Float.isFinite(f)) {
                    List<String> s = spellings(f, random);
                    values.add(s.get(random.nextInt(doc % 2 == 0 ? 1 : s.size())));
                }
            }
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < values.size(); i++) {
                String gap = random.nextInt(200) == 0 ? " , " : random.nextInt(200) == 0 ? "\n," : ",";
                sb.append(i == 0 ? "" : gap).append(values.get(i));
            }
            byte[] body = sb.append(random.nextBoolean() ? "]" : " ]").toString().getBytes(StandardCharsets.US_ASCII);

            float[] read = ((Tensor.F32) new JsonBytes(body, 0, body.length, 1000).tensor(DType.FLOAT32, 1, 64, 1 << 24).tensor()).data();

            assertThat(read).hasSize(values.size());
            for (int i = 0; i < read.length; i++) {
                if (Float.floatToRawIntBits(read[i]) != Float.floatToRawIntBits(Float.parseFloat(values.get(i))) && mismatches.size() < 20) {
                    mismatches.add(values.get(i) + " read as " + read[i]);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void readsRowsWithWhitespaceBetweenTokensAsTheJdk() {
        // Python's json.dumps writes ", " (and ",\n  " with indent): the runs skip whitespace before
        // a token; whitespace after one, before its comma, sends it down the one-by-one path
        String[] gaps = {", ", ",\n    ", ",\t", ",\r\n", ",   ", " ,", " , "};
        Random random = new Random(37);
        for (int doc = 0; doc < 400; doc++) {
            int rows = 1 + random.nextInt(8);
            int columns = 1 + random.nextInt(doc % 4 == 0 ? 10 : 300);
            String gap = doc % 3 == 0 ? gaps[random.nextInt(gaps.length)] : ", ";
            List<String> values = new ArrayList<>();
            StringBuilder sb = new StringBuilder(random.nextBoolean() ? "[" : "[ ");
            for (int r = 0; r < rows; r++) {
                sb.append(r == 0 ? "[" : gap + "[");
                for (int c = 0; c < columns; c++) {
                    float f = random.nextInt(10) == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextGaussian();
                    if (!Float.isFinite(f)) {
                        f = 0.5f;
                    }
                    List<String> s = spellings(f, random);
                    String v = s.get(random.nextInt(doc % 2 == 0 ? 1 : s.size()));
                    values.add(v);
                    // now and then a gap of its own, so that one document mixes them
                    String g = random.nextInt(50) == 0 ? gaps[random.nextInt(gaps.length)] : gap;
                    sb.append(c == 0 ? "" : g).append(v);
                }
                sb.append(random.nextInt(4) == 0 ? " ]" : "]");
            }
            byte[] body = sb.append(random.nextBoolean() ? "]" : "\n]").toString().getBytes(StandardCharsets.US_ASCII);

            Tensor.F32 read = (Tensor.F32) new JsonBytes(body, 0, body.length, 1000).tensor(DType.FLOAT32, 2, 64, 1 << 24).tensor();

            assertThat(read.shape()).as(gap).containsExactly(rows, columns);
            for (int i = 0; i < values.size(); i++) {
                if (Float.floatToRawIntBits(read.data()[i]) != Float.floatToRawIntBits(Float.parseFloat(values.get(i))) && mismatches.size() < 20) {
                    mismatches.add(values.get(i) + " read as " + read.data()[i] + " with gaps '" + gap + "'");
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void declinesWhitespaceWhereNoTokenIs() {
        String[] bodies = {"[1.5, , 2.5]", "[1.5,  ,2.5]", "[1.5, 2.5, ]", "[1.5, 2.5 2.5]", "[1.5, -, 2.5]", "[1.5,\u000b2.5]",
            "[1.5,\u00a02.5]", "[1.5, 2.5,\n]"};
        Random random = new Random(38);
        for (String bad : bodies) {
            // at the start, in the middle and at the end of a long row, so that a run meets it
            for (int n = 0; n < 30; n++) {
                StringBuilder sb = new StringBuilder("[");
                int before = random.nextInt(200);
                for (int i = 0; i < before; i++) {
                    sb.append(Float.toString((float) random.nextGaussian())).append(", ");
                }
                sb.append(bad, 1, bad.length() - 1);
                int after = random.nextInt(200);
                for (int i = 0; i < after; i++) {
                    sb.append(", ").append(Float.toString((float) random.nextGaussian()));
                }
                byte[] body = sb.append("]").toString().getBytes(StandardCharsets.ISO_8859_1);
                assertThatThrownBy(() -> new JsonBytes(body, 0, body.length, 1000).tensor(DType.FLOAT32, 1, 64, 1 << 24))
                        .as(bad).isInstanceOf(JsonBytes.Declined.class);
            }
        }
    }

    @Test
    void declinesAMalformedTokenAnywhereInARow() {
        Random random = new Random(35);
        for (int n = 0; n < 2_000; n++) {
            int count = 1 + random.nextInt(600);
            int bad = random.nextInt(count);
            StringBuilder sb = new StringBuilder("[[");
            for (int i = 0; i < count; i++) {
                sb.append(i == 0 ? "" : ",").append(i == bad ? MALFORMED[random.nextInt(MALFORMED.length)] : Float.toString((float) random.nextGaussian()));
            }
            byte[] body = sb.append("]]").toString().getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> new JsonBytes(body, 0, body.length, 1000).tensor(DType.FLOAT32, 1, 64, 1 << 24))
                    .as(new String(body, StandardCharsets.US_ASCII)).isInstanceOf(JsonBytes.Declined.class);
        }
    }

    @Test
    void declinesPastTheLimitsInsideARun() {
        Random random = new Random(36);
        for (int n = 0; n < 500; n++) {
            int count = 50 + random.nextInt(400);
            StringBuilder sb = new StringBuilder("[");
            int longest = 0;
            for (int i = 0; i < count; i++) {
                String s = Float.toString((float) random.nextGaussian());
                longest = Math.max(longest, s.length());
                sb.append(i == 0 ? "" : ",").append(s);
            }
            byte[] body = sb.append("]").toString().getBytes(StandardCharsets.US_ASCII);
            int maxLength = longest;
            int fewer = random.nextInt(count);
            assertThatThrownBy(() -> new JsonBytes(body, 0, body.length, 1000).tensor(DType.FLOAT32, 1, 64, fewer))
                    .isInstanceOf(JsonBytes.Declined.class);
            assertThat(new JsonBytes(body, 0, body.length, 1000).tensor(DType.FLOAT32, 1, 64, count).tensor().size()).isEqualTo(count);
            assertThatThrownBy(() -> new JsonBytes(body, 0, body.length, maxLength - 1).tensor(DType.FLOAT32, 1, 64, 1 << 24))
                    .isInstanceOf(JsonBytes.Declined.class);
            assertThat(new JsonBytes(body, 0, body.length, longest).tensor(DType.FLOAT32, 1, 64, 1 << 24).tensor().size()).isEqualTo(count);
            // flat form: data beyond the shape declines in the middle of a run
            byte[] flat = ("{\"shape\":[" + (count - 1 - random.nextInt(10)) + "],\"data\":" + new String(body, StandardCharsets.US_ASCII) + "}")
                    .getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> new JsonBytes(flat, 0, flat.length, 1000).tensor(DType.FLOAT32, 1, 64, 1 << 24))
                    .isInstanceOf(JsonBytes.Declined.class);
        }
    }

    private static List<String> spellings(float f, Random random) {
        // Float.toString, fixed digits, the float64 text Python's json.dumps(x.tolist()) writes, and
        // fractions of 0 to 20 digits
        return List.of(Float.toString(f), String.format(Locale.ROOT, "%.9g", f), String.format(Locale.ROOT, "%.17g", (double) f),
                new BigDecimal(f).setScale(random.nextInt(21), RoundingMode.HALF_EVEN).toPlainString(),
                String.format(Locale.ROOT, "%." + (1 + random.nextInt(12)) + "f", f),
                new BigDecimal(Double.toString(f)).toPlainString());
    }

    // s as a token ending at a comma, followed by arbitrary bytes; also cut short at a random place
    private void bounded(String s, Random random) {
        boundedAt(s, random);
        if (s.length() > 1) {
            boundedAt(s.substring(0, 1 + random.nextInt(s.length() - 1)), random);
        }
    }

    private void boundedAt(String s, Random random) {
        byte[] token = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[token.length + 1 + DecimalParser.BOUNDED_WINDOW];
        System.arraycopy(token, 0, b, 0, token.length);
        for (int i = token.length + 1; i < b.length; i++) {
            b[i] = (byte) (random.nextBoolean() ? '0' + random.nextInt(10) : random.nextInt(256));
        }
        b[token.length] = ',';
        long bits = DecimalParser.boundedFloat(b, 0, token.length);
        boolean shape = BOUNDED_SHAPE.matcher(s).matches();
        String problem = null;
        if (bits >= 0 && !shape) {
            problem = "taken as " + Float.intBitsToFloat((int) bits);
        } else if (bits < 0 && shape && s.length() - s.indexOf('.') - 1 <= ALWAYS_TAKEN_FRACTION) {
            problem = "declined";
        } else if (bits >= 0 && (int) bits != Float.floatToRawIntBits(Float.parseFloat(s))) {
            problem = "read as " + Float.intBitsToFloat((int) bits);
        }
        if (shape) {
            shaped++;
            taken += bits >= 0 ? 1 : 0;
        }
        if (problem != null && mismatches.size() < 20) {
            mismatches.add(s + " " + problem);
        }
    }
}
