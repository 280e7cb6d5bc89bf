package dev.batchnorm.api.json;

/**
 * Correctly rounded conversion of a decimal {@code w * 10^q} (w an unsigned 64-bit integer) to
 * float32 or float64 bits: Clinger's fast path when w and 10^|q| are both exact in the target
 * type (one IEEE operation, one rounding), otherwise Eisel-Lemire on a 128-bit product, which is
 * exact for every w below 2^64 (Mushtak and Lemire, "Fast Number Parsing Without Fallback", 2023).
 * This follows fast_float's {@code compute_float}. Results are positive; the caller adds the sign.
 */
final class DecimalToBinary {

    /** The parameters of one binary format. */
    record Format(int mantissaBits, int minimumExponent, int infinitePower, int smallestPowerOfTen,
            int largestPowerOfTen, int minRoundToEven, int maxRoundToEven) {}

    static final Format FLOAT32 = new Format(23, -127, 0xFF, -65, 38, -17, 10);
    static final Format FLOAT64 = new Format(52, -1023, 0x7FF, -342, 308, -4, 23);

    /**
     * Fractions up to this many digits go to float32 through one double division: the double
     * rounding of {@code (float) (w / 10^k)} is harmless for w < 2^53 and k <= 12. Proof: w and
     * 10^k are exact doubles, so the division rounds once, to d with |d - x| <= 2^-53 |x|, where
     * x = w / 10^k. The narrowing then gives the float nearest x unless a float midpoint M (a
     * double: 25 significant bits, M = t * 2^e with t odd, t < 2^25) lies between x and d or on d
     * while x != M. But x - M = (w - t * 5^k * 2^(e+k)) / 10^k, and a non-zero numerator is at
     * least 2^(e+k) if e+k < 0, so |x - M| >= 2^e / 5^k > M * 2^-25 / 5^k >= M * 2^-52.87
     * (5^12 < 2^27.87); or at least 1 if e+k >= 0, so |x - M| >= 1 / 10^k = x / w > x * 2^-53.
     * Either way |x - M| > |d - x| (x and M agree to far better than 1%), so d is on x's side of
     * every midpoint; and when x = M exactly, d = M and the narrowing's ties-to-even is the
     * correct rounding of x. Results stay far from the subnormals and the overflow threshold.
     */
    static final int MAX_FLOAT_VIA_DOUBLE_FRACTION = 12;
    /**
     * The double quotient's distance from a float32 midpoint, in units in the last place of the
     * double, below which {@link #toFloatBits} leaves a decimal with many digits to Eisel-Lemire.
     * Proof that narrowing is exact above it: for 0 < w < 2^63 and 0 <= k <= 22, (double) w and
     * the division each round once, by at most 2^-53 relatively, and 10^k is exact, so the double
     * d lies within 2^-52 (1 + 2^-53) x of x = w / 10^k: under 2.001 units of d's last place (a
     * unit is more than 2^-53 d). A float32 midpoint in d's binade is a double whose 29 bits below
     * the float's mantissa are 1 followed by 28 zeros. When d's 29 bits are more than this many
     * units away from that pattern, no midpoint lies between x and d or on either, so the float
     * nearest d is the float nearest x (a crossing into the binade below lands in 29 bits near 0,
     * far from the midpoint pattern of either binade). All such x are between 10^-22 and 2^63:
     * normal floats, no overflow.
     */
    private static final int MIDPOINT_GUARD = 8;
    private static final int FLOAT_ROUNDING_BITS = (1 << 29) - 1;
    private static final int FLOAT_MIDPOINT = 1 << 28;
    private static final float[] FLOAT_POWERS = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    private static final double[] DOUBLE_POWERS = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    private DecimalToBinary() {
    }

    /**
     * {@link #toFloatBits toFloatBits(w, -k)} without its range checks, for callers that have
     * already bounded w and k: the one-division case proved above.
     *
     * @param w below 2^53
     * @param k 0 to {@link #MAX_FLOAT_VIA_DOUBLE_FRACTION}
     */
    static int shortFractionToFloatBits(long w, int k) {
        return Float.floatToRawIntBits((float) (w / DOUBLE_POWERS[k]));
    }

    /**
     * The float32 nearest to {@code w / 10^k} for the longer fractions of float64 text (Python's
     * {@code json.dumps(x.tolist())} of a float32 array writes 16 to 17 digits), when one double
     * division settles it: when the quotient is clear of every float midpoint
     * ({@link #MIDPOINT_GUARD}).
     *
     * @param w a signed long: negative (2^63 or more unsigned) gives -1
     * @param k 0 to 22
     * @return the raw bits of a non-negative float, or -1: Eisel-Lemire must decide
     */
    static int longFractionToFloatBits(long w, int k) {
        double d = w / DOUBLE_POWERS[k];
        boolean settled = Math.abs(((int) Double.doubleToRawLongBits(d) & FLOAT_ROUNDING_BITS) - FLOAT_MIDPOINT) > MIDPOINT_GUARD;
        return w >= 0 & settled ? Float.floatToRawIntBits((float) d) : -1;
    }

    /** The float32 nearest to {@code w * 10^q} (ties to even), as raw bits of a non-negative float. */
    static int toFloatBits(long w, long q) {
        // the common case of a tensor value, up to 15 significant digits and a short fraction
        if (w >= 0 && w < 1L << 53 && q >= -MAX_FLOAT_VIA_DOUBLE_FRACTION && q <= 0) {
            return shortFractionToFloatBits(w, (int) -q);
        }
        // Clinger: w <= 2^24 and 10^|q| <= 10^10 are exact floats, so one float operation rounds once
        if (w >= 0 && w <= 1L << 24 && q >= -10 && q <= 10) {
            float f = (float) w;
            return Float.floatToRawIntBits(q < 0 ? f / FLOAT_POWERS[(int) -q] : f * FLOAT_POWERS[(int) q]);
        }
        // longer fractions, up to 19 digits
        if (q >= -22 && q <= 0) {
            int bits = longFractionToFloatBits(w, (int) -q);
            if (bits >= 0) {
                return bits;
            }
        }
        return (int) eiselLemire(w, q, FLOAT32);
    }

    /** The float64 nearest to {@code w * 10^q} (ties to even), as raw bits of a non-negative double. */
    static long toDoubleBits(long w, long q) {
        if (w >= 0 && w <= 1L << 53 && q >= -22 && q <= 22) {
            double d = (double) w;
            return Double.doubleToRawLongBits(q < 0 ? d / DOUBLE_POWERS[(int) -q] : d * DOUBLE_POWERS[(int) q]);
        }
        return eiselLemire(w, q, FLOAT64);
    }

    /** The bits of the nearest value of {@code format} to {@code w * 10^q}, w read as unsigned. */
    static long eiselLemire(long w, long q, Format format) {
        if (w == 0 || q < format.smallestPowerOfTen()) {
            return 0;
        }
        if (q > format.largestPowerOfTen()) {
            return (long) format.infinitePower() << format.mantissaBits();
        }
        int mantissaBits = format.mantissaBits();
        int lz = Long.numberOfLeadingZeros(w);
        w <<= lz;
        // the top 64 bits of w * 5^q, with the low word refined only when the top is ambiguous
        int index = 2 * ((int) q - PowersOfFive.MIN_Q);
        long high = Math.unsignedMultiplyHigh(w, PowersOfFive.TABLE[index]);
        long low = w * PowersOfFive.TABLE[index];
        long precisionMask = -1L >>> (mantissaBits + 3);
        if ((high & precisionMask) == precisionMask) {
            long secondHigh = Math.unsignedMultiplyHigh(w, PowersOfFive.TABLE[index + 1]);
            low += secondHigh;
            if (Long.compareUnsigned(secondHigh, low) > 0) {
                high++;
            }
        }
        int upperBit = (int) (high >>> 63);
        int shift = upperBit + 64 - mantissaBits - 3;
        long mantissa = high >>> shift;
        int power2 = power((int) q) + upperBit - lz - format.minimumExponent();
        if (power2 <= 0) {
            return subnormal(mantissa, power2, mantissaBits);
        }
        // exactly halfway between two values (only possible when 5^q fits a word): round to even
        if (Long.compareUnsigned(low, 1) <= 0 && q >= format.minRoundToEven() && q <= format.maxRoundToEven()
                && (mantissa & 3) == 1 && (mantissa << shift) == high) {
            mantissa &= ~1L;
        }
        mantissa += mantissa & 1;
        mantissa >>>= 1;
        if (mantissa >= 2L << mantissaBits) {
            mantissa = 1L << mantissaBits;
            power2++;
        }
        mantissa &= ~(1L << mantissaBits);
        if (power2 >= format.infinitePower()) {
            return (long) format.infinitePower() << mantissaBits;
        }
        return (long) power2 << mantissaBits | mantissa;
    }

    // Below the smallest normal: shift the extra bits out and round (ties cannot occur here).
    private static long subnormal(long mantissa, int power2, int mantissaBits) {
        if (-power2 + 1 >= 64) {
            return 0;
        }
        mantissa >>>= -power2 + 1;
        mantissa += mantissa & 1;
        mantissa >>>= 1;
        // rounding up may reach the smallest normal, whose exponent field is 1: the OR keeps that bit
        long exponent = mantissa < 1L << mantissaBits ? 0 : 1;
        return exponent << mantissaBits | mantissa;
    }

    // floor(q * log2(10)) + 63, exact for |q| <= 1600
    private static int power(int q) {
        return ((152170 + 65536) * q >> 16) + 63;
    }
}
