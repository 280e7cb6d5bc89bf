package dev.batchnorm.api.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;

/**
 * Writes a float32 as the shortest decimal that reads back as the same float, in exactly the text
 * of {@link Float#toString(float)} (JDK 19 and later): among the shortest decimals that round to
 * the float, the one closest to it (ties to an even digit), considering two digits when one would
 * do; plain notation for 10^-3 <= |v| < 10^7, {@code d.dddE±n} otherwise, always with a fraction
 * digit. The digits come from Giulietti's Schubfach algorithm ("The Schubfach way to render
 * doubles", 2020) on a 63-bit table of powers of ten built at class initialization.
 *
 * <p>ASCII goes straight into a caller's byte buffer (the bytes a UTF-8 JSON generator sends), so
 * nothing is allocated per number and no char-to-byte copy follows; digits are made eight at a time
 * in one long (SWAR) rather than by a division per digit.
 *
 * <p>Two things set the speed on real data (batch-norm outputs, around 1 in size, random signs):
 * branches on the data are coin tosses, so the sign, Schubfach's final choice and the plain
 * layouts are 0/1 arithmetic; and a float's chain of dependent steps is long, so the steps are
 * arranged side by side where they can be, and {@link #writePair} lets two floats' chains overlap.
 */
final class FloatFormatter {

    /** The most characters one float takes: {@code -1.23456789E-38}. */
    static final int MAX_CHARS = 15;
    /** The free bytes {@link #write(float, byte[], int)} needs: a sign, then eight-byte stores up to 16 bytes on. */
    static final int ROOM = 17;
    /** The free bytes {@link #writePair} needs: the first float's text and a comma, then room for the second. */
    static final int PAIR_ROOM = MAX_CHARS + 1 + ROOM;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ASCII_ZEROS = 0x3030_3030_3030_3030L;
    // "0.00" in little-endian byte order
    private static final int ZERO_DOT_ZERO_ZERO = '0' | '.' << 8 | '0' << 16 | '0' << 24;

    private static final int PRECISION = 24;
    private static final int Q_MIN = -149;
    private static final int C_MIN = 1 << PRECISION - 1;
    // below this significand a subnormal is scaled by 10 first, so that it gets two digits
    private static final int C_TINY = 8;
    private static final int G_MIN = -50;
    private static final int G_MAX = 50;
    // G[e - G_MIN]: the top 63 bits of floor(10^e * 2^-r) + 1, with r chosen so the whole is 126 bits
    private static final long[] G = powersOfTen();
    // By biased exponent, for a significand that is not a power of two (the usual case): k << 8 | h
    // and g, which shortest() would otherwise work out per number from q = bq - 150
    private static final int[] SCALE = new int[256];
    private static final long[] SCALE_G = new long[256];

    static {
        for (int bq = 1; bq < 255; bq++) {
            int q = bq + Q_MIN - 1;
            int k = floorLog10Pow2(q);
            int h = q + floorLog2Pow10(-k) + 33;
            if (h < 0 || h > 0xFF) {
                throw new AssertionError("shift out of range: " + h);
            }
            SCALE[bq] = k << 8 | h;
            SCALE_G[bq] = G[-k - G_MIN] + 1;
        }
    }

    private FloatFormatter() {
    }

    /**
     * Writes {@code v} (finite) as ASCII into {@code buf} at {@code pos}, which needs {@link #ROOM}
     * free bytes: the text is at most {@link #MAX_CHARS} long, but digits are stored eight at a
     * time and may land past its end.
     *
     * @return the index after the last character written
     */
    static int write(float v, byte[] buf, int pos) {
        int bits = Float.floatToRawIntBits(v);
        // the sign without a branch: random signs would defeat the predictor
        buf[pos] = '-';
        pos += bits >>> 31;
        return text(decimal(bits), buf, pos);
    }

    /**
     * Writes {@code a}, a comma and {@code b} (both finite) as {@link #write(float, byte[], int)}
     * would, but faster: each float's long chain of dependent steps barely overlaps the next one's
     * when they come one after the other, so the two decimals are made side by side first.
     * {@code buf} needs {@link #PAIR_ROOM} free bytes at {@code pos}.
     */
    static int writePair(float a, float b, byte[] buf, int pos) {
        int bitsA = Float.floatToRawIntBits(a);
        int bitsB = Float.floatToRawIntBits(b);
        long decimalA = decimal(bitsA);
        long decimalB = decimal(bitsB);
        buf[pos] = '-';
        pos = text(decimalA, buf, pos + (bitsA >>> 31));
        buf[pos] = ',';
        buf[pos + 1] = '-';
        return text(decimalB, buf, pos + 1 + (bitsB >>> 31));
    }

    // The shortest decimal f * 10^k of the (finite) float with these bits as k << 32 | f; 0 for zeros.
    private static long decimal(int bits) {
        int t = bits & C_MIN - 1;
        int bq = bits >>> PRECISION - 1 & 0xFF;
        if (bq == 0xFF) {
            throw new IllegalArgumentException("not a finite float: " + Float.intBitsToFloat(bits));
        }
        if (bq != 0) {
            int mq = -Q_MIN + 1 - bq;
            int c = C_MIN | t;
            // an integer in [1, 2^23): its own digits are the shortest. The mq = 150 - bq fraction
            // bits of t, shifted to the top, are all zero; that is rare on real data, so the
            // exponent test behind it (a coin toss for values around 1) is rarely reached
            if (t << bq - 118 == 0 && Integer.compareUnsigned(bq - 127, 23) < 0) {
                return c >> mq;
            }
            if (t != 0) {
                // the usual case, its scale from a table by exponent
                int kh = SCALE[bq];
                return closest(c, ((long) c << 2) - 2, kh & 0xFF, SCALE_G[bq], kh >> 8, true);
            }
            return shortest(-mq, c, 0);
        }
        if (t != 0) {
            return t < C_TINY ? shortest(Q_MIN, 10 * t, -1) : shortest(Q_MIN, t, 0);
        }
        return 0;
    }

    // Writes the decimal k << 32 | f (0 for a zero) after the sign.
    private static int text(long decimal, byte[] buf, int pos) {
        int f = (int) decimal;
        if (f == 0) {
            buf[pos] = '0';
            buf[pos + 1] = '.';
            buf[pos + 2] = '0';
            return pos + 3;
        }
        return digits(f, (int) (decimal >> 32), buf, pos);
    }

    /** Writes {@code v} (finite) into {@code chars} at {@code pos} ({@link #MAX_CHARS} free): for single values. */
    static int write(float v, char[] chars, int pos) {
        byte[] ascii = new byte[ROOM];
        int len = write(v, ascii, 0);
        for (int i = 0; i < len; i++) {
            chars[pos + i] = (char) ascii[i];
        }
        return pos + len;
    }

    // The shortest decimal in the rounding interval of c * 2^q (Schubfach), as k << 32 | f; dk scales a tiny c back.
    private static long shortest(int q, int c, int dk) {
        long cbl;
        int k;
        // the interval is [c - 1/2, c + 1/2] * 2^q, narrower below a power of two
        if (c != C_MIN || q == Q_MIN) {
            cbl = ((long) c << 2) - 2;
            k = floorLog10Pow2(q);
        } else {
            cbl = ((long) c << 2) - 1;
            k = floorLog10ThreeQuartersPow2(q);
        }
        int h = q + floorLog2Pow10(-k) + 33;
        return closest(c, cbl, h, G[-k - G_MIN] + 1, k + dk, false);
    }

    // Schubfach with the scale of the interval known: 10^-k as g, and the shift h that goes with it;
    // cbl is the interval's lower end in quarter units. Returns k << 32 | f. `wide` says that s has
    // at least three digits, as it always has for a normal float (s >= c >= 2^23); a constant at
    // each call, so the test of s goes away where it is known.
    private static long closest(int c, long cbl, int h, long g, int k, boolean wide) {
        int out = c & 1;
        long cb = (long) c << 2;
        int vb = roundToOdd(g, cb << h);
        int vbl = roundToOdd(g, cbl << h);
        int vbr = roundToOdd(g, cb + 2 << h);
        int s = vb >> 2;
        int t = s + 1;
        // Schubfach's choice, as 0/1 arithmetic because each test is a coin toss on real data: the
        // one of s' = 10 * floor(s / 10) and t' = s' + 10 that alone is in the interval (one digit
        // fewer, considered from three digits on); else the one of s and t that alone is in it;
        // else the closer of them, the even one on a tie
        int sp10 = 10 * (int) (s * 1_717_986_919L >>> 34);
        int upin = atMost(vbl + out, sp10 << 2);
        int wpin = atMost((sp10 + 10 << 2) + out, vbr);
        int uin = atMost(vbl + out, s << 2);
        int win = atMost((t << 2) + out, vbr);
        int cmp = vb - (s + t << 1);
        // s when it alone is in, or it is closer (cmp < 0), or a tie (cmp == 0) and s is even
        int pickS = uin & (win ^ 1 | cmp - (~s & 1) >>> 31);
        int shorter = (upin ^ wpin) & (wide ? 1 : (99 - s) >>> 31);
        int f = select(shorter, sp10 + 10 - 10 * upin, t - pickS);
        return (long) k << 32 | f;
    }

    // 1 when a <= b, else 0, for a and b whose difference fits in an int
    private static int atMost(int a, int b) {
        return (b - a) >>> 31 ^ 1;
    }

    // `ifOne` when bit is 1, `ifZero` when it is 0
    private static int select(int bit, int ifOne, int ifZero) {
        return ifZero ^ (ifOne ^ ifZero) & -bit;
    }

    private static long select(int bit, long ifOne, long ifZero) {
        return ifZero ^ (ifOne ^ ifZero) & -(long) bit;
    }

    // g * cp / 2^95, rounded to odd
    private static int roundToOdd(long g, long cp) {
        long x = Math.multiplyHigh(g, cp);
        long vbp = x >>> 31;
        return (int) (vbp | (x & 0xFFFF_FFFFL) + 0xFFFF_FFFFL >>> 32);
    }

    // Writes f * 10^e the way Float.toString lays it out.
    private static int digits(int f, int e, byte[] buf, int pos) {
        // nine digits h d1..d8 with f * 10^e = h.d1..d8 * 10^(exp - 1). The digits of f (below 10^9)
        // and its length are made side by side, not one after the other: the chain of dependent
        // steps from a float to its text, not the number of steps, is what limits the speed
        int high = (int) (f * 1_441_151_881L >>> 57);
        int upper = (int) (f * 3_518_437_209L >>> 45);
        long low = eightDigits(upper - high * 10_000, f - upper * 10_000);
        int len = decimalLength(f);
        int exp = e + len;
        // nine digits: h is `high`; fewer: the first digit is in `low`, after 8 - len zero bytes,
        // and the others follow it, then zero bytes, which are zero digits as padding
        int lowLead = 8 * (8 - len) & 63;
        int nine = 8 - len >>> 31;
        int h = select(nine, high, (int) (low >>> lowLead) & 0xFF);
        long eight = select(nine, low, low >>> lowLead >>> 8);
        // trailing zeros among the nine digits (h is never 0): zero digits are zero bytes until ASCII
        int zeros = Long.numberOfLeadingZeros(eight) >>> 3;
        eight += ASCII_ZEROS;
        if (exp > -3 && exp <= 7) {
            // ddd.ddd or 0.00ddd, without a branch between them (a coin toss for values around 1),
            // in four stores. With the nine digits D0..D8 (D0 = h): ddd.ddd (1 <= exp) is D0..D7
            // at pos, the dot at pos + exp, then D_exp..D8 behind it; 0.00ddd (exp <= 0) is
            // "0.00", D0..D7 at pos + 2 - exp, and D1..D8 once more from one place on, which
            // also brings D8. At least one fraction digit is kept.
            int plain = -exp >>> 31;
            long nineLow = eight << 8 | '0' + h;
            int a = select(plain, pos, pos + 2 - exp);
            int dot = select(plain, pos + exp, pos + 1);
            INT.set(buf, pos, ZERO_DOT_ZERO_ZERO);
            LONG.set(buf, a, nineLow);
            buf[dot] = '.';
            LONG.set(buf, select(plain, dot + 1, a + 1), eight >>> (8 * (exp - 1) & -plain));
            return Math.max(a + 9 + plain - zeros, dot + 2);
        }
        byte lead = (byte) ('0' + h);
        // d.dddE±n
        buf[pos] = lead;
        buf[pos + 1] = '.';
        LONG.set(buf, pos + 2, eight);
        pos += Math.max(10 - zeros, 3);
        buf[pos++] = 'E';
        int n = exp - 1;
        if (n < 0) {
            buf[pos++] = '-';
            n = -n;
        }
        if (n >= 10) {
            buf[pos++] = (byte) ('0' + n / 10);
        }
        buf[pos++] = (byte) ('0' + n % 10);
        return pos;
    }

    /**
     * The eight decimal digits of {@code upper * 10^4 + lower} (each below 10^4), as byte values 0..9
     * in a long whose lowest byte is the most significant digit (so it stores in text order,
     * little-endian). Divides by 10^2 and 10 in every lane at once with multiply-shifts that are
     * exact in their ranges. The caller splits off the halves straight from its number, both at once.
     */
    static long eightDigits(int upper, int lower) {
        long quads = upper | (long) lower << 32;
        long hundreds = (quads * 10_486 >>> 20) & 0x0000_007F_0000_007FL;
        long pairs = hundreds | (quads - 100 * hundreds) << 16;
        long tens = (pairs * 103 >>> 10) & 0x000F_000F_000F_000FL;
        return tens | (pairs - 10 * tens) << 8;
    }

    // by 31 - floor(log2(f)), the leading zeros of f (32 for 0, never asked): the decimal length d of 2^j, in the high half, plus 2^32 - 10^d when
    // some numbers of that binary length have d + 1 digits (Lemire's digit count)
    private static final long[] DIGIT_COUNT = new long[33];

    static {
        for (int j = 0; j < 32; j++) {
            int d = Long.toString(1L << j).length();
            long next = (long) Math.pow(10, d);
            DIGIT_COUNT[31 - j] = (long) d << 32 | (next < 1L << j + 1 ? (1L << 32) - next : 0);
        }
    }

    // the number of decimal digits of f, 0 < f < 10^9
    private static int decimalLength(int f) {
        return (int) (f + DIGIT_COUNT[Integer.numberOfLeadingZeros(f)] >>> 32);
    }

    // floor(q * log10(2))
    private static int floorLog10Pow2(int q) {
        return (int) (q * 661_971_961_083L >> 41);
    }

    // floor(log10(3/4 * 2^q))
    private static int floorLog10ThreeQuartersPow2(int q) {
        return (int) (q * 661_971_961_083L - 274_743_187_321L >> 41);
    }

    // floor(e * log2(10))
    private static int floorLog2Pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }

    private static long[] powersOfTen() {
        long[] g = new long[G_MAX - G_MIN + 1];
        for (int e = G_MIN; e <= G_MAX; e++) {
            int r = floorLog2Pow10(e) - 125;
            BigInteger beta = e >= 0
                    ? (r >= 0 ? BigInteger.TEN.pow(e).shiftRight(r) : BigInteger.TEN.pow(e).shiftLeft(-r))
                    : BigInteger.ONE.shiftLeft(-r).divide(BigInteger.TEN.pow(-e));
            g[e - G_MIN] = beta.add(BigInteger.ONE).shiftRight(63).longValueExact();
        }
        return g;
    }
}
