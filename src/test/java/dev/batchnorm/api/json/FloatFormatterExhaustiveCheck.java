package dev.batchnorm.api.json;

/**
 * Checks {@link FloatFormatter} against {@link Float#toString(float)} for every non-negative finite
 * float (2,139,095,040 values; a negative value is the same text after a '-'). Too long for the
 * test suite (about half an hour on two busy cores), so it is a program to run by hand after
 * changing the formatter:
 * {@code java -cp target/test-classes:target/classes dev.batchnorm.api.json.FloatFormatterExhaustiveCheck}.
 * It exits with status 1 on the first mismatches.
 */
public final class FloatFormatterExhaustiveCheck {

    private FloatFormatterExhaustiveCheck() {
    }

    public static void main(String[] args) {
        byte[] buf = new byte[FloatFormatter.ROOM];
        long mismatches = 0;
        long checked = 0;
        for (int bits = 0; bits <= 0x7F7F_FFFF; bits++) {
            float f = Float.intBitsToFloat(bits);
            int end = FloatFormatter.write(f, buf, 0);
            String expected = Float.toString(f);
            if (!matches(expected, buf, end) && mismatches++ < 20) {
                System.out.println(Integer.toHexString(bits) + ": " + new String(buf, 0, end, java.nio.charset.StandardCharsets.US_ASCII)
                        + ", expected " + expected);
            }
            checked++;
            if ((bits & 0x0FFF_FFFF) == 0x0FFF_FFFF) {
                System.out.println("checked up to 0x" + Integer.toHexString(bits));
            }
        }
        System.out.println(checked + " floats checked, " + mismatches + " mismatches");
        System.exit(mismatches == 0 ? 0 : 1);
    }

    // without making a String per float
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
