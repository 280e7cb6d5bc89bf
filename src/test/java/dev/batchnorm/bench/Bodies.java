package dev.batchnorm.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/** Request bodies for the codec benchmarks: 65,536 numbers as [1024, 64] nested arrays. */
public final class Bodies {

    static final int ROWS = 1024;
    static final int COLUMNS = 64;

    /** How the numbers are spelled. */
    public enum Text {
        /** Shortest float32 text, as the service writes it (Float.toString): about 10 characters. */
        FLOAT32_SHORTEST,
        /** 17 significant digits, as a client sends float64 values (Python's json, numpy.tolist). */
        FLOAT64_17_DIGITS,
        /** Shortest float32 text with Python's json.dumps separators: ", " between numbers and rows. */
        FLOAT32_SHORTEST_SPACED,
        /**
         * What Python's {@code json.dumps(x.tolist())} writes for a float32 array: each value's
         * shortest float64 text (up to 17 digits, as {@code repr(float(v))}), ", " separators.
         */
        PYTHON_TOLIST
    }

    private Bodies() {
    }

    /** A [1024, 64] tensor of normally distributed values around 0 with spread 1, as nested arrays. */
    public static String tensor(Text text) {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder sb = new StringBuilder(ROWS * COLUMNS * 20).append('[');
        for (int r = 0; r < ROWS; r++) {
            String comma = text == Text.FLOAT32_SHORTEST_SPACED || text == Text.PYTHON_TOLIST ? ", " : ",";
            sb.append(r == 0 ? "[" : comma + "[");
            for (int c = 0; c < COLUMNS; c++) {
                double v = gaussian(random);
                sb.append(c == 0 ? "" : comma).append(switch (text) {
                    case FLOAT32_SHORTEST, FLOAT32_SHORTEST_SPACED -> Float.toString((float) v);
                    case FLOAT64_17_DIGITS -> String.format(Locale.ROOT, "%.17g", v);
                    case PYTHON_TOLIST -> pythonRepr((float) v);
                });
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    /** A forward request document around {@link #tensor}. */
    static byte[] forward(Text text) {
        return ("{\"inputs\":" + tensor(text) + ",\"isTraining\":true}").getBytes(StandardCharsets.UTF_8);
    }

    // repr(float(v)) in Python: the shortest float64 text, plain from 1e-4 up to 1e16
    private static String pythonRepr(float v) {
        double d = v;
        double a = Math.abs(d);
        if (a >= 1e-4 && a < 1e16) {
            return new BigDecimal(Double.toString(d)).toPlainString();
        }
        return Double.toString(d).replace("E", "e");
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
