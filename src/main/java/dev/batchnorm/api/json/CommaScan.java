package dev.batchnorm.api.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the commas in a stretch of bytes before any number in it is read, so that the tensor
 * reader knows where every token ends up front and can convert the tokens independently of one
 * another: the position of the next token then no longer waits on the digits of this one, and
 * the processor overlaps the conversions. Eight bytes at a time, with no branch per comma in the
 * common case of at most two commas per eight bytes.
 */
final class CommaScan {

    /** Positions written past the commas found (by at most this many): room to leave in {@code ends}. */
    static final int SLACK = 8;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long LOW7 = 0x7F7F_7F7F_7F7F_7F7FL;

    private CommaScan() {
    }

    /**
     * Writes the index of every ',' in {@code buf[from, from + 8 * words)} to {@code ends}, in order.
     *
     * @param ends room for {@code 8 * words + SLACK} positions
     * @return how many commas
     */
    static int commas(byte[] buf, int from, int words, int[] ends) {
        int n = 0;
        for (int w = 0, p = from; w < words; w++, p += 8) {
            long commas = zeroBytes((long) LONG.get(buf, p) ^ ',' * ONES);
            int count = Long.bitCount(commas);
            // two positions unconditionally (a garbage one, at p + 8, is overwritten or ignored)
            ends[n] = p + (Long.numberOfTrailingZeros(commas) >>> 3);
            commas &= commas - 1;
            ends[n + 1] = p + (Long.numberOfTrailingZeros(commas) >>> 3);
            for (int k = 2; k < count; k++) {
                commas &= commas - 1;
                ends[n + k] = p + (Long.numberOfTrailingZeros(commas) >>> 3);
            }
            n += count;
        }
        return n;
    }

    // 0x80 in every byte of x that is zero and 0 in every other byte (exact, unlike the shorter
    // test whose borrows can mark the byte after a zero byte)
    private static long zeroBytes(long x) {
        return ~((x & LOW7) + LOW7 | x | LOW7);
    }
}
