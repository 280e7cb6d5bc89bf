package dev.batchnorm.api.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads one JSON number token straight from bytes, in one pass: it checks the strict JSON grammar
 * ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}), keeps the first 19 significant digits
 * and the decimal exponent, and converts them to float32 or float64 with a single correct
 * rounding ({@link DecimalToBinary}). Every result has the bits of {@link Float#parseFloat} /
 * {@link Double#parseDouble} of the token text; the JDK converts the rare token whose dropped
 * digits (past the 19th) leave the rounding open.
 *
 * <p>An instance holds the last token scanned; it is not thread-safe and allocates nothing.
 */
final class DecimalParser {

    private static final int MAX_DIGITS = 19;
    private static final long EXPONENT_CAP = 1_000_000_000_000L;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L,
        1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L};

    private byte[] buf;
    private int start;
    private int end;
    private boolean negative;
    // the first 19 significant digits, as an unsigned integer
    private long digits;
    // the value is digits * 10^exponent (plus less than one unit when truncated)
    private long exponent;
    private boolean truncated;

    /**
     * Scans the number token that starts at {@code pos}.
     *
     * @return the index just after the token, or -1 when no valid JSON number starts at {@code pos}
     *     (what follows the token is the caller's to check)
     */
    int scan(byte[] buf, int pos, int limit) {
        // locals in the loops, fields written once at the end: this runs once per number
        int i = pos;
        boolean minus = i < limit && buf[i] == '-';
        if (minus) {
            i++;
        }
        if (i >= limit) {
            return -1;
        }
        long w = 0;
        long exp = 0;
        boolean dropped = false;
        int significant = 0;
        byte b = buf[i];
        if (b == '0') {
            i++;
        } else if (b >= '1' && b <= '9') {
            // eight digits at a time while they fit the 19 kept, then byte by byte
            while (i + 8 <= limit && significant <= MAX_DIGITS - 8) {
                long chunk = (long) LONG.get(buf, i);
                int n = digitCount(chunk);
                w = w * POW10[n] + digitsValue(chunk, n);
                significant += n;
                i += n;
                if (n < 8) {
                    break;
                }
            }
            for (; i < limit && (b = buf[i]) >= '0' && b <= '9'; i++) {
                if (significant < MAX_DIGITS) {
                    w = 10 * w + (b - '0');
                    significant++;
                } else {
                    dropped |= b != '0';
                    exp++;
                }
            }
        } else {
            return -1;
        }
        if (i < limit && buf[i] == '.') {
            int first = ++i;
            while (i + 8 <= limit && significant <= MAX_DIGITS - 8) {
                long chunk = (long) LONG.get(buf, i);
                int n = digitCount(chunk);
                boolean leadingZeros = w == 0;
                w = w * POW10[n] + digitsValue(chunk, n);
                exp -= n;
                i += n;
                // leading zeros are not significant: they only scale
                significant = w == 0 ? 0 : leadingZeros ? decimalLength(w) : significant + n;
                if (n < 8) {
                    break;
                }
            }
            for (; i < limit && (b = buf[i]) >= '0' && b <= '9'; i++) {
                if (significant < MAX_DIGITS) {
                    w = 10 * w + (b - '0');
                    // leading zeros are not significant: they only scale
                    significant += w == 0 ? 0 : 1;
                    exp--;
                } else {
                    dropped |= b != '0';
                }
            }
            if (i == first) {
                return -1;
            }
        }
        if (i < limit && (buf[i] | 0x20) == 'e') {
            i++;
            boolean negativeExponent = false;
            if (i < limit && (buf[i] == '-' || buf[i] == '+')) {
                negativeExponent = buf[i] == '-';
                i++;
            }
            int first = i;
            long e = 0;
            for (; i < limit && (b = buf[i]) >= '0' && b <= '9'; i++) {
                // beyond the cap the value is 0 or infinite anyway, whatever the other digits
                if (e < EXPONENT_CAP) {
                    e = 10 * e + (b - '0');
                }
            }
            if (i == first) {
                return -1;
            }
            exp += negativeExponent ? -e : e;
        }
        this.buf = buf;
        start = pos;
        end = i;
        negative = minus;
        digits = w;
        exponent = exp;
        truncated = dropped;
        return i;
    }

    /** The last scanned token as float32, exactly as {@link Float#parseFloat} reads its text. */
    float toFloat() {
        int bits = DecimalToBinary.toFloatBits(digits, exponent);
        if (truncated && bits != DecimalToBinary.toFloatBits(digits + 1, exponent)) {
            return Float.parseFloat(text());
        }
        return Float.intBitsToFloat(negative ? bits | Integer.MIN_VALUE : bits);
    }

    /** The last scanned token as float64, exactly as {@link Double#parseDouble} reads its text. */
    double toDouble() {
        long bits = DecimalToBinary.toDoubleBits(digits, exponent);
        if (truncated && bits != DecimalToBinary.toDoubleBits(digits + 1, exponent)) {
            return Double.parseDouble(text());
        }
        return Double.longBitsToDouble(negative ? bits | Long.MIN_VALUE : bits);
    }

    // How many of the 8 bytes (first in the lowest) are ASCII digits before the first other byte.
    // A byte's high bit is set in the mask when it is below '0' or above '9'; the carries and borrows
    // this may cause only reach bytes after that first non-digit (fast_float's test, byte-wise).
    private static int digitCount(long chunk) {
        long nonDigits = ((chunk + 0x4646_4646_4646_4646L) | (chunk - 0x3030_3030_3030_3030L)) & 0x8080_8080_8080_8080L;
        return nonDigits == 0 ? 8 : Long.numberOfTrailingZeros(nonDigits) >>> 3;
    }

    // The value of the first n digit bytes of chunk (n <= 8): pad with leading '0's, then
    // fast_float's parse_eight_digits_unrolled (three multiplications instead of eight steps).
    private static long digitsValue(long chunk, int n) {
        if (n == 0) {
            return 0;
        }
        long v = chunk << (8 - n) * 8 | 0x3030_3030_3030_3030L >>> n * 8;
        v -= 0x3030_3030_3030_3030L;
        v = v * 10 + (v >>> 8);
        return ((v & 0x0000_00FF_0000_00FFL) * 0x000F_4240_0000_0064L + (v >>> 16 & 0x0000_00FF_0000_00FFL) * 0x0000_2710_0000_0001L) >>> 32;
    }

    // the number of decimal digits of 0 < w < 10^19
    private static int decimalLength(long w) {
        int n = 1;
        while (n < MAX_DIGITS && w >= POW10[n]) {
            n++;
        }
        return n;
    }

    private String text() {
        return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /**
     * {@code buf[start, end)} as float32, as {@link Float#parseFloat} reads it.
     *
     * @throws NumberFormatException when that range is not exactly one JSON number
     */
    static float parseFloat(byte[] buf, int start, int end) {
        DecimalParser p = new DecimalParser();
        requireWhole(p.scan(buf, start, end), end, buf, start);
        return p.toFloat();
    }

    /**
     * {@code buf[start, end)} as float64, as {@link Double#parseDouble} reads it.
     *
     * @throws NumberFormatException when that range is not exactly one JSON number
     */
    static double parseDouble(byte[] buf, int start, int end) {
        DecimalParser p = new DecimalParser();
        requireWhole(p.scan(buf, start, end), end, buf, start);
        return p.toDouble();
    }

    private static void requireWhole(int scanned, int end, byte[] buf, int start) {
        if (scanned != end) {
            throw new NumberFormatException("not a JSON number: " + new String(buf, start, end - start, StandardCharsets.ISO_8859_1));
        }
    }
}
