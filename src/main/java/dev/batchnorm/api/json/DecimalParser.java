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
    // plainFloat's reads: a sign, then from the first digit i: 8 bytes at i, i + 1, i + 9 and
    // i + 17, and one byte after the token (at i + 20 at the latest): pos + 26 bytes in all
    static final int PLAIN_WINDOW = 26;
    // boundedFloat's reads: a sign, then 8 bytes at i, i + 1, i + 9 and i + 17 from the digit i
    static final int BOUNDED_WINDOW = 26;
    // boundedFloat's longest fraction: one integer digit and 18 fraction digits are 19 digits
    private static final int MAX_BOUNDED_FRACTION = 18;
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

    /**
     * Reads the number token at {@code pos} as float32 if it has the plain shape of nearly every
     * tensor value: {@code -?(0|[1-9][0-9]{0,6})\.[0-9]+} with at most 19 digits in all (so none
     * is dropped), no exponent. Same bits as {@link #scan} then {@link #toFloat}, with no state
     * and no loop: the integer digits and the start of the fraction are read as one 8-digit chunk
     * with the '.' cut out, and the next chunk is counted by a mask rather than a branch, so the
     * work and the branches are the same whatever the digit counts of random values.
     *
     * @param pos at least {@link #PLAIN_WINDOW} bytes before the end of {@code buf}
     * @return {@link #plainEnd the index just after the token} and {@link #plainValue the float}
     *     packed in a non-negative long, or -1 when the token is not of that shape: {@link #scan}
     *     then reads it (or refuses it)
     */
    static long plainFloat(byte[] buf, int pos) {
        boolean minus = buf[pos] == '-';
        int i = minus ? pos + 1 : pos;
        long chunk = (long) LONG.get(buf, i);
        int intDigits = digitCount(chunk);
        // 1 to 7 integer digits, a leading zero only alone, then the '.'
        if (intDigits == 0 || intDigits == 8 || intDigits > 1 && (byte) chunk == '0' || (byte) (chunk >>> 8 * intDigits) != '.') {
            return -1;
        }
        // the integer digits, then the bytes after the '.' moved down one place over it
        long keep = (1L << 8 * intDigits) - 1;
        long first = chunk & keep | (long) LONG.get(buf, i + 1) & ~keep;
        long second = (long) LONG.get(buf, i + 9);
        int n1 = digitCount(first);
        // the second chunk continues the digits only when the first one is all digits
        int n2 = digitCount(second) & -(n1 >>> 3);
        if (n1 == intDigits) {
            return -1;
        }
        long w = digitsValue(first, n1) * POW10[n2] + digitsValue(second, n2);
        if (n2 == 8) {
            return plainFloatTail(buf, i + 17, minus, w, 16 - intDigits);
        }
        int end = i + 1 + n1 + n2;
        // buf[end] is not a digit: n1 or n2 stopped short of its chunk's end
        if ((buf[end] | 0x20) == 'e') {
            return -1;
        }
        return packFloat(end, minus, w, n1 + n2 - intDigits);
    }

    /**
     * The float32 of the token {@code buf[start, end)} when it is exactly
     * {@code -?[0-9]\.[0-9]{1,18}}: one integer digit, as nearly every tensor value has, and up to
     * 19 digits in all. The end is known (from {@link CommaScan}), so the digit count is
     * {@code end - start} rather than a search, and nothing here waits on the previous token.
     * Fractions of up to 12 digits (float32 text: random values have 7 to 9) are read as two
     * masked 8-byte chunks whatever their length, so they take the same branches; longer ones,
     * the float64 text of float32 values that Python's {@code json.dumps(x.tolist())} writes,
     * as three ({@link #boundedLongFloat}).
     *
     * @param start at least {@link #BOUNDED_WINDOW} bytes before the end of {@code buf}
     * @return the float's bits as a non-negative long, or -1 when the token is not of that shape
     *     (it may still be a valid number of another shape), or when a fraction of more than 12
     *     digits sits too close to a float midpoint for one division (about one in 30 million) or
     *     its 19 digits exceed 2^63: the general path then reads it
     */
    static long boundedFloat(byte[] buf, int start, int end) {
        int minus = buf[start] == '-' ? 1 : 0;
        int i = start + minus;
        int fractionDigits = end - i - 2;
        if (fractionDigits > DecimalToBinary.MAX_FLOAT_VIA_DOUBLE_FRACTION) {
            return boundedLongFloat(buf, i, fractionDigits, minus);
        }
        long head = (long) LONG.get(buf, i);
        // the integer digit, then the bytes after the '.' moved down one place over it
        long first = head & 0xFF | (long) LONG.get(buf, i + 1) & ~0xFFL;
        long second = (long) LONG.get(buf, i + 9);
        int n1 = Math.min(fractionDigits + 1, 8);
        int n2 = fractionDigits + 1 - n1;
        // 1 to 12 fraction digits (a shorter token or a bare sign gives a negative count)
        if (fractionDigits < 1
                || (byte) (head >>> 8) != '.'
                || (nonDigits(first) & lowBytes(n1) | nonDigits(second) & lowBytes(n2)) != 0) {
            return -1;
        }
        long w = digitsValue(first, n1) * POW10[n2] + digitsValue(second, n2);
        return (DecimalToBinary.shortFractionToFloatBits(w, fractionDigits) | minus << 31) & 0xFFFF_FFFFL;
    }

    // boundedFloat for 13 to 18 fraction digits (14 to 19 in all) from the digit at buf[i]: the
    // digits as three chunks, 8 + 6..8 + 0..3. Kept apart so that boundedFloat stays small.
    private static long boundedLongFloat(byte[] buf, int i, int fractionDigits, int minus) {
        long head = (long) LONG.get(buf, i);
        long first = head & 0xFF | (long) LONG.get(buf, i + 1) & ~0xFFL;
        long second = (long) LONG.get(buf, i + 9);
        long third = (long) LONG.get(buf, i + 17);
        int n2 = Math.min(fractionDigits - 7, 8);
        int n3 = fractionDigits - 7 - n2;
        if (fractionDigits > MAX_BOUNDED_FRACTION
                || (byte) (head >>> 8) != '.'
                || (nonDigits(first) | nonDigits(second) & lowBytes(n2) | nonDigits(third) & lowBytes(n3)) != 0) {
            return -1;
        }
        long w = (digitsValue(first, 8) * POW10[n2] + digitsValue(second, n2)) * POW10[n3] + digitsValue(third, n3);
        int bits = DecimalToBinary.longFractionToFloatBits(w, fractionDigits);
        return bits < 0 ? -1 : (bits | minus << 31) & 0xFFFF_FFFFL;
    }

    // plainFloat past 16 digits (float64 text): the third chunk, at buf[at], ends the fraction.
    // Kept apart so that plainFloat stays small enough to be inlined.
    private static long plainFloatTail(byte[] buf, int at, boolean minus, long w, int fractionDigits) {
        long chunk = (long) LONG.get(buf, at);
        int n = digitCount(chunk);
        int end = at + n;
        if (16 + n > MAX_DIGITS || (buf[end] | 0x20) == 'e') {
            return -1;
        }
        return packFloat(end, minus, w * POW10[n] + digitsValue(chunk, n), fractionDigits + n);
    }

    // plainFloat's result for the token ending at `end` with value (-1)^minus * w / 10^fractionDigits.
    private static long packFloat(int end, boolean minus, long w, int fractionDigits) {
        int bits = DecimalToBinary.toFloatBits(w, -fractionDigits);
        return (long) end << 32 | (minus ? bits | Integer.MIN_VALUE : bits) & 0xFFFF_FFFFL;
    }

    /** The end index packed by {@link #plainFloat}. */
    static int plainEnd(long packed) {
        return (int) (packed >>> 32);
    }

    /** The float32 packed by {@link #plainFloat}. */
    static float plainValue(long packed) {
        return Float.intBitsToFloat((int) packed);
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
        long nonDigits = nonDigits(chunk);
        return nonDigits == 0 ? 8 : Long.numberOfTrailingZeros(nonDigits) >>> 3;
    }

    // 0x80 in the first byte of chunk that is not an ASCII digit; the bytes before it are 0, and
    // those after it anything (see digitCount)
    private static long nonDigits(long chunk) {
        return ((chunk + 0x4646_4646_4646_4646L) | (chunk - 0x3030_3030_3030_3030L)) & 0x8080_8080_8080_8080L;
    }

    // the low n bytes set (n <= 8; the shift is split as in digitsValue, so that 8 gives all)
    private static long lowBytes(int n) {
        return (1L << n * 4 << n * 4) - 1;
    }

    // The value of the first n digit bytes of chunk (n <= 8): pad with leading '0's, then
    // fast_float's parse_eight_digits_unrolled (three multiplications instead of eight steps).
    // No branch for n == 0: the shift is split in two because Java takes a long's shift count
    // mod 64 (one shift by 64 would keep the chunk); for n == 8 the '0' padding is shifted mod 64
    // into all eight bytes, which leaves digit bytes unchanged under the OR.
    private static long digitsValue(long chunk, int n) {
        int halfShift = (8 - n) * 4;
        long v = chunk << halfShift << halfShift | 0x3030_3030_3030_3030L >>> n * 8;
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
