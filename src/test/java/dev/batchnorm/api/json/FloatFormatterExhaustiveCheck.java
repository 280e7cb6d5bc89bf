package dev.batchnorm.api.json;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Checks {@link FloatFormatter} against {@link Float#toString(float)} for every finite float of both
 * signs (4,278,190,080 values), through {@link FloatFormatter#write(float, byte[], int)} and, with
 * the value of the opposite sign second, through {@link FloatFormatter#writePair}. About four
 * minutes on two cores: {@link FloatFormatterExhaustiveIT} runs it in {@code ./mvnw verify}, and
 * by hand it is
 * {@code java -cp target/test-classes:target/classes dev.batchnorm.api.json.FloatFormatterExhaustiveCheck},
 * which prints the first mismatches and exits with status 1 when there are any.
 */
public final class FloatFormatterExhaustiveCheck {

    private static final int CHUNKS = 1 << 10;

    private FloatFormatterExhaustiveCheck() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out) == 0 ? 0 : 1);
    }

    /** Checks every finite float, printing progress and the first mismatches to {@code out}; returns the mismatches. */
    static long run(PrintStream out) {
        AtomicLong mismatches = new AtomicLong();
        AtomicLong checked = new AtomicLong();
        AtomicLong chunksDone = new AtomicLong();
        // the non-negative bit patterns in chunks; each value is also checked with its sign flipped
        IntStream.range(0, CHUNKS).parallel().forEach(chunk -> {
            byte[] buf = new byte[2 * FloatFormatter.PAIR_ROOM];
            int first = chunk * (Integer.MAX_VALUE / CHUNKS + 1);
            int last = Math.min(first + Integer.MAX_VALUE / CHUNKS, 0x7F7F_FFFF);
            long n = 0;
            for (int bits = first; bits <= last && bits >= 0; bits++) {
                float f = Float.intBitsToFloat(bits);
                String text = Float.toString(f);
                String negative = Float.toString(-f);
                report(bits, FloatFormatter.write(f, buf, 0), buf, text, mismatches, out);
                report(bits | 0x8000_0000, FloatFormatter.write(-f, buf, 0), buf, negative, mismatches, out);
                report(bits, FloatFormatter.writePair(f, -f, buf, 0), buf, text + "," + negative, mismatches, out);
                n += 2;
            }
            checked.addAndGet(n);
            long done = chunksDone.incrementAndGet();
            if (done % (CHUNKS / 8) == 0) {
                out.println(done + " of " + CHUNKS + " chunks checked");
            }
        });
        out.println(checked.get() + " floats checked, " + mismatches.get() + " mismatches");
        return mismatches.get();
    }

    private static void report(int bits, int end, byte[] buf, String expected, AtomicLong mismatches, PrintStream out) {
        if (!matches(expected, buf, end) && mismatches.getAndIncrement() < 20) {
            out.println(Integer.toHexString(bits) + ": " + new String(buf, 0, end, StandardCharsets.US_ASCII)
                    + ", expected " + expected);
        }
    }

    // without making a String of the output
    private static boolean matches(String expected, byte[] buf, int end) {
        if (expected.length() != end) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            if (expected.charAt(i) != buf[i]) {
                return false;
            }
        }
        return true;
    }
}
