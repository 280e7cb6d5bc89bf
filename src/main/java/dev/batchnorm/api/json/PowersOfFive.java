package dev.batchnorm.api.json;

import java.math.BigInteger;

/**
 * 128-bit approximations of 5^q for q in [{@link #MIN_Q}, {@link #MAX_Q}], normalized so that the
 * top bit is set: the table of the Eisel-Lemire algorithm (Lemire, "Number Parsing at a Gigabyte
 * per Second", 2021), built here with BigInteger exactly as fast_float's generator script builds it.
 * For q >= 0 the value is 5^q truncated; for q < 0 it is 2^b / 5^-q plus one, truncated.
 */
final class PowersOfFive {

    static final int MIN_Q = -342;
    static final int MAX_Q = 308;

    /** {@code TABLE[2 * (q - MIN_Q)]} holds the high 64 bits, {@code TABLE[2 * (q - MIN_Q) + 1]} the low 64 bits. */
    static final long[] TABLE = build();

    private PowersOfFive() {
    }

    private static long[] build() {
        BigInteger two128 = BigInteger.ONE.shiftLeft(128);
        BigInteger two127 = BigInteger.ONE.shiftLeft(127);
        long[] table = new long[2 * (MAX_Q - MIN_Q + 1)];
        for (int q = MIN_Q; q <= MAX_Q; q++) {
            BigInteger c;
            if (q < 0) {
                BigInteger power5 = BigInteger.valueOf(5).pow(-q);
                // z: the smallest integer with 2^z >= 5^-q
                int z = power5.subtract(BigInteger.ONE).bitLength();
                int b = q >= -27 ? z + 127 : 2 * z + 128;
                c = BigInteger.ONE.shiftLeft(b).divide(power5).add(BigInteger.ONE);
            } else {
                c = BigInteger.valueOf(5).pow(q);
                if (c.compareTo(two127) < 0) {
                    c = c.shiftLeft(127 - c.bitLength() + 1);
                }
            }
            if (c.compareTo(two128) >= 0) {
                c = c.shiftRight(c.bitLength() - 128);
            }
            int i = 2 * (q - MIN_Q);
            table[i] = c.shiftRight(64).longValue();
            table[i + 1] = c.longValue();
        }
        return table;
    }
}
