package dev.batchnorm.api.json;

import java.math.BigInteger;

/**
 * Writes a float32 as the shortest decimal that reads back as the same float, in exactly the text
 * of {@link Float#toString(float)} (JDK 19 and later): among the shortest decimals that round to
 * the float, the one closest to it (ties to an even digit), considering two digits when one would
 * do; plain notation for 10^-3 <= |v| < 10^7, {@code d.dddE±n} otherwise, always with a fraction
 * digit. The digits come from Giulietti's Schubfach algorithm ("The Schubfach way to render
 * doubles", 2020) on a 63-bit table of powers of ten built at class initialization.
 *
 * <p>Characters go straight into a caller's buffer: nothing is allocated per number.
 */
final class FloatFormatter {

    /** The most characters one float takes: {@code -1.23456789E-38}. */
    static final int MAX_CHARS = 15;

    private static final int PRECISION = 24;
    private static final int Q_MIN = -149;
    private static final int C_MIN = 1 << PRECISION - 1;
    // below this significand a subnormal is scaled by 10 first, so that it gets two digits
    private static final int C_TINY = 8;
    private static final int G_MIN = -50;
    private static final int G_MAX = 50;
    // G[e - G_MIN]: the top 63 bits of floor(10^e * 2^-r) + 1, with r chosen so the whole is 126 bits
    private static final long[] G = powersOfTen();

    private FloatFormatter() {
    }

    /**
     * Writes {@code v} (finite) into {@code buf} at {@code pos}, which needs {@link #MAX_CHARS} free chars.
     *
     * @return the index after the last character written
     */
    static int write(float v, char[] buf, int pos) {
        int bits = Float.floatToRawIntBits(v);
        if (bits < 0) {
            buf[pos++] = '-';
        }
        int t = bits & C_MIN - 1;
        int bq = bits >>> PRECISION - 1 & 0xFF;
        if (bq == 0xFF) {
            throw new IllegalArgumentException("not a finite float: " + v);
        }
        if (bq != 0) {
            int mq = -Q_MIN + 1 - bq;
            int c = C_MIN | t;
            // an integer below 2^24: its own digits are the shortest
            if (0 < mq && mq < PRECISION) {
                int f = c >> mq;
                if (f << mq == c) {
                    return digits(f, 0, buf, pos);
                }
            }
            return shortest(-mq, c, 0, buf, pos);
        }
        if (t != 0) {
            return t < C_TINY ? shortest(Q_MIN, 10 * t, -1, buf, pos) : shortest(Q_MIN, t, 0, buf, pos);
        }
        buf[pos] = '0';
        buf[pos + 1] = '.';
        buf[pos + 2] = '0';
        return pos + 3;
    }

    // The shortest decimal in the rounding interval of c * 2^q (Schubfach); dk scales a tiny c back.
    private static int shortest(int q, int c, int dk, char[] buf, int pos) {
        int out = c & 1;
        long cb = (long) c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        // the interval is [c - 1/2, c + 1/2] * 2^q, narrower below a power of two
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = floorLog10Pow2(q);
        } else {
            cbl = cb - 1;
            k = floorLog10ThreeQuartersPow2(q);
        }
        int h = q + floorLog2Pow10(-k) + 33;
        long g = G[-k - G_MIN] + 1;
        int vb = roundToOdd(g, cb << h);
        int vbl = roundToOdd(g, cbl << h);
        int vbr = roundToOdd(g, cbr << h);
        int s = vb >> 2;
        if (s >= 100) {
            // one digit fewer, when exactly one of its two candidates is in the interval
            int sp10 = 10 * (int) (s * 1_717_986_919L >>> 34);
            int tp10 = sp10 + 10;
            boolean upin = vbl + out <= sp10 << 2;
            boolean wpin = (tp10 << 2) + out <= vbr;
            if (upin != wpin) {
                return digits(upin ? sp10 : tp10, k, buf, pos);
            }
        }
        int t = s + 1;
        boolean uin = vbl + out <= s << 2;
        boolean win = (t << 2) + out <= vbr;
        if (uin != win) {
            return digits(uin ? s : t, k + dk, buf, pos);
        }
        // both are in: the closer one, or the even one on a tie
        int cmp = vb - (s + t << 1);
        return digits(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t, k + dk, buf, pos);
    }

    // g * cp / 2^95, rounded to odd
    private static int roundToOdd(long g, long cp) {
        long x = Math.multiplyHigh(g, cp);
        long vbp = x >>> 31;
        return (int) (vbp | (x & 0xFFFF_FFFFL) + 0xFFFF_FFFFL >>> 32);
    }

    // Writes f * 10^e the way Float.toString lays it out.
    private static int digits(int f, int e, char[] buf, int pos) {
        // nine digits d1..d9 with f * 10^e = 0.d1..d9 * 10^exp
        int len = decimalLength(f);
        f *= POW10[9 - len];
        int exp = e + len;
        if (exp > 0 && exp <= 7) {
            // ddd.ddd: the dot after `exp` digits, at least one fraction digit kept
            nineDigits(f, buf, pos, exp);
            return trimZeros(buf, pos + 10, pos + exp + 2);
        }
        if (exp > -3 && exp <= 0) {
            // 0.00ddd
            buf[pos++] = '0';
            buf[pos++] = '.';
            for (int i = exp; i < 0; i++) {
                buf[pos++] = '0';
            }
            // no dot among the digits: they go to buf[pos, pos + 9)
            nineDigits(f, buf, pos - 1, 0);
            return trimZeros(buf, pos + 9, pos + 1);
        }
        // d.dddE±n
        nineDigits(f, buf, pos, 1);
        pos = trimZeros(buf, pos + 10, pos + 3);
        buf[pos++] = 'E';
        int n = exp - 1;
        if (n < 0) {
            buf[pos++] = '-';
            n = -n;
        }
        if (n >= 10) {
            buf[pos++] = (char) ('0' + n / 10);
        }
        buf[pos++] = (char) ('0' + n % 10);
        return pos;
    }

    // Writes the nine digits of f (10^8 <= f < 10^9) into buf[pos, pos + 10) with a '.' after
    // the first `dot` of them (1 <= dot <= 8); for dot 0, into buf[pos + 1, pos + 10) alone.
    private static void nineDigits(int f, char[] buf, int pos, int dot) {
        int h = f / 100_000_000;
        int l = f - h * 100_000_000;
        int a = l / 10_000;
        int b = l - a * 10_000;
        int p = pos + 1;
        buf[p] = (char) ('0' + h);
        pair(a / 100, buf, p + 1);
        pair(a % 100, buf, p + 3);
        pair(b / 100, buf, p + 5);
        pair(b % 100, buf, p + 7);
        if (dot > 0) {
            // shift the first `dot` digits one place left and put the dot after them
            for (int i = 0; i < dot; i++) {
                buf[pos + i] = buf[pos + i + 1];
            }
            buf[pos + dot] = '.';
        }
    }

    private static void pair(int x, char[] buf, int pos) {
        int tens = x / 10;
        buf[pos] = (char) ('0' + tens);
        buf[pos + 1] = (char) ('0' + x - 10 * tens);
    }

    // Drops trailing zeros, but never a character before `keep` (the first fraction digit and before).
    private static int trimZeros(char[] buf, int end, int keep) {
        while (end > keep && buf[end - 1] == '0') {
            end--;
        }
        return end;
    }

    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};

    // the number of decimal digits of f, 0 < f < 10^9
    private static int decimalLength(int f) {
        int len = floorLog10Pow2(Integer.SIZE - Integer.numberOfLeadingZeros(f));
        return f >= POW10[len] ? len + 1 : len;
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
