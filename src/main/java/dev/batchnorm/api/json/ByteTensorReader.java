package dev.batchnorm.api.json;

import static dev.batchnorm.api.json.JsonBytes.decline;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The tensor part of {@link JsonBytes}: one nested-array or flat tensor read straight from the
 * bytes into a primitive array, with {@link DecimalParser} converting each number in place. It
 * accepts only what {@link TensorJsonReader} accepts, with the same result, and declines the rest.
 * Values whose count is not known up front (nested arrays, or data before its shape) collect in
 * recycled scratch space and are copied out once, so the tensor is the only array allocated.
 */
final class ByteTensorReader {

    private static final byte[][] FLAT_NAMES = {"shape".getBytes(StandardCharsets.US_ASCII), "data".getBytes(StandardCharsets.US_ASCII)};
    private static final int SHAPE = 0;
    private static final int MAX_DIMENSION_DIGITS = 9;
    // the bytes of one comma scan: about two dozen tokens, so the loop over them seldom ends
    private static final int RUN_BYTES = 256;
    // tokens read one by one after a run that read nothing
    private static final int RUN_PAUSE = 8;

    private final JsonBytes in;
    private final byte[] buf;
    private final boolean f32;
    private final int maxRank;
    private final int maxElements;
    private final DecimalParser number = new DecimalParser();
    // commaRun's comma positions
    private final int[] ends = new int[RUN_BYTES + CommaScan.SLACK];
    private float[] floats;
    private double[] doubles;
    private boolean scratch;
    private int size;

    ByteTensorReader(JsonBytes in, DType dtype, int maxRank, int maxElements) {
        this.in = in;
        this.buf = in.buf;
        this.f32 = dtype == DType.FLOAT32;
        this.maxRank = maxRank;
        this.maxElements = maxElements;
    }

    /** Reads the tensor at the current position (whitespace already skipped). */
    ParsedTensor read(int minRank) {
        try {
            if (in.consume('[')) {
                return new ParsedTensor(nested(minRank), TensorForm.NESTED);
            }
            if (in.consume('{')) {
                return new ParsedTensor(flat(minRank), TensorForm.FLAT);
            }
            throw decline();
        } finally {
            releaseScratch();
        }
    }

    // From just after the root '[' to just after its ']'.
    private Tensor nested(int minRank) {
        useScratch();
        // dims[k]: the length of every array at level k (the root is level 0), -1 until the first one closes
        int[] dims = new int[maxRank];
        int[] counts = new int[maxRank];
        Arrays.fill(dims, -1);
        int level = 0;
        int rank = -1;
        while (true) {
            // an element of the array at `level`, or its end
            in.skipWhitespace();
            if (in.pos < in.limit && buf[in.pos] == '[') {
                in.pos++;
                if (rank >= 0 && level + 1 >= rank || level + 2 >= maxRank) {
                    throw decline();
                }
                counts[++level] = 0;
                continue;
            }
            if (rank < 0) {
                rank = level + 1;
            } else if (level + 1 != rank) {
                throw decline();
            }
            level = afterElements(level, dims, counts);
            if (level < 0) {
                break;
            }
        }
        if (rank < minRank) {
            throw decline();
        }
        return toTensor(Arrays.copyOf(dims, rank));
    }

    // Reads the numbers of an innermost array, then closes it and every array that ends with it;
    // returns the level whose next element follows, or -1 when the root array closed.
    private int afterElements(int level, int[] dims, int[] counts) {
        counts[level] += numbers();
        while (true) {
            // the array at `level` has just closed
            int length = counts[level];
            if (length == 0 || dims[level] >= 0 && dims[level] != length) {
                throw decline();
            }
            dims[level] = length;
            if (level == 0) {
                return -1;
            }
            level--;
            counts[level]++;
            if (in.consume(',')) {
                return level;
            }
            if (!in.consume(']')) {
                throw decline();
            }
        }
    }

    // Numbers separated by commas up to and including the closing ']'; returns how many.
    private int numbers() {
        return f32 ? floatNumbers() : anyNumbers();
    }

    // numbers() for float32, the common case: plain tokens are converted without the parser's
    // state and written straight into the array, the rest go through scan() as in anyNumbers().
    private int floatNumbers() {
        byte[] buf = this.buf;
        int limit = in.limit;
        int plainLimit = limit - DecimalParser.PLAIN_WINDOW;
        int maxLength = in.maxNumberLength;
        int pos = in.pos;
        int first = size;
        int runLimit = limit - RUN_BYTES - Math.max(DecimalParser.PLAIN_WINDOW, DecimalParser.BOUNDED_WINDOW);
        int noRun = 0;
        while (true) {
            if (pos <= runLimit) {
                // after a run that read nothing, a few tokens one by one before the next scan,
                // so that text the runs never take (whitespace after commas) is scanned rarely
                if (noRun > 0) {
                    noRun--;
                } else {
                    int before = size;
                    pos = commaRun(buf, pos, runLimit, maxLength);
                    noRun = size == before ? RUN_PAUSE : 0;
                }
            }
            if (size == floats.length || size == maxElements) {
                makeRoom();
            }
            pos = skipWhitespace(buf, pos, limit);
            long plain = pos <= plainLimit ? DecimalParser.plainFloat(buf, pos) : -1;
            int end;
            if (plain >= 0) {
                end = DecimalParser.plainEnd(plain);
                floats[size++] = DecimalParser.plainValue(plain);
            } else {
                end = number.scan(buf, pos, limit);
                if (end < 0) {
                    throw decline();
                }
                append();
            }
            if (end - pos > maxLength) {
                throw decline();
            }
            pos = end;
            byte b = pos < limit ? buf[pos] : 0;
            if (b != ',' && b != ']') {
                pos = skipWhitespace(buf, pos, limit);
                b = pos < limit ? buf[pos] : 0;
            }
            pos++;
            if (b == ']') {
                in.pos = pos;
                return size - first;
            }
            if (b != ',') {
                throw decline();
            }
        }
    }

    // Reads the tokens from pos that are each followed by a comma while they are plain numbers
    // (boundedFloat, or else plainFloat), with the commas found first by CommaScan, one stretch of
    // RUN_BYTES at a time; whitespace before a token is skipped. Stops, without reading it, at the
    // first other token (the last of an array, one with whitespace before its comma or with an
    // exponent, anything malformed or too long) or when the array is full, and returns its
    // position: floatNumbers then reads it one by one as before.
    private int commaRun(byte[] buf, int pos, int runLimit, int maxLength) {
        float[] floats = this.floats;
        int[] ends = this.ends;
        int size = this.size;
        int room = Math.min(floats.length, maxElements);
        scans:
        while (pos <= runLimit) {
            int count = Math.min(CommaScan.commas(buf, pos, RUN_BYTES / 8, ends), room - size);
            if (count == 0) {
                break;
            }
            for (int k = 0; k < count; k++) {
                int end = ends[k];
                // whitespace before a token, as Python's json.dumps writes (", "), stops at the
                // comma at the latest
                while (isWhitespace(buf[pos])) {
                    pos++;
                }
                long bits = DecimalParser.boundedFloat(buf, pos, end);
                if (bits < 0) {
                    bits = otherPlainFloat(buf, pos, end);
                }
                if (bits < 0 || end - pos > maxLength) {
                    break scans;
                }
                floats[size++] = Float.intBitsToFloat((int) bits);
                pos = end + 1;
            }
        }
        this.size = size;
        return pos;
    }

    // plainFloat's bits for a token that must end at `end`, or -1
    private static long otherPlainFloat(byte[] buf, int pos, int end) {
        long plain = DecimalParser.plainFloat(buf, pos);
        return plain >= 0 && DecimalParser.plainEnd(plain) == end ? plain & 0xFFFF_FFFFL : -1;
    }

    private int anyNumbers() {
        byte[] buf = this.buf;
        int limit = in.limit;
        int maxLength = in.maxNumberLength;
        int pos = in.pos;
        int n = 0;
        while (true) {
            pos = skipWhitespace(buf, pos, limit);
            int end = number.scan(buf, pos, limit);
            if (end < 0 || end - pos > maxLength) {
                throw decline();
            }
            append();
            n++;
            pos = skipWhitespace(buf, end, limit);
            byte b = pos < limit ? buf[pos] : 0;
            pos++;
            if (b == ']') {
                in.pos = pos;
                return n;
            }
            if (b != ',') {
                throw decline();
            }
        }
    }

    private static int skipWhitespace(byte[] buf, int pos, int limit) {
        while (pos < limit && isWhitespace(buf[pos])) {
            pos++;
        }
        return pos;
    }

    // JSON's four whitespace bytes
    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private void append() {
        if (size == maxElements) {
            throw decline();
        }
        if (f32) {
            makeRoom();
            float v = number.toFloat();
            if (Float.isInfinite(v)) {
                throw decline();
            }
            floats[size++] = v;
        } else {
            if (size == doubles.length) {
                doubles = grow(doubles);
            }
            double v = number.toDouble();
            if (Double.isInfinite(v)) {
                throw decline();
            }
            doubles[size++] = v;
        }
    }

    // From just after '{' to just after '}': "shape" and "data" once each, in either order.
    private Tensor flat(int minRank) {
        int[] shape = null;
        long shapeSize = -1;
        boolean data = false;
        do {
            if (in.name(FLAT_NAMES) == SHAPE) {
                if (shape != null) {
                    throw decline();
                }
                shape = shape();
                shapeSize = 1;
                for (int d : shape) {
                    shapeSize *= d;
                    if (shapeSize > maxElements) {
                        throw decline();
                    }
                }
                if (data && shapeSize != size) {
                    throw decline();
                }
            } else {
                if (data) {
                    throw decline();
                }
                data = true;
                if (shape == null) {
                    useScratch();
                } else {
                    allocate((int) shapeSize);
                }
                in.expect('[');
                size = 0;
                numbers();
                if (shape != null && size != shapeSize) {
                    throw decline();
                }
            }
        } while (in.consume(','));
        in.expect('}');
        if (shape == null || !data || shape.length < minRank) {
            throw decline();
        }
        return toTensor(shape);
    }

    // '[' positive integers ']', each plain (no sign, fraction or exponent).
    private int[] shape() {
        in.expect('[');
        int[] dims = new int[maxRank];
        int rank = 0;
        do {
            if (rank + 1 >= maxRank) {
                throw decline();
            }
            in.skipWhitespace();
            int start = in.pos;
            int d = 0;
            while (in.pos < in.limit && buf[in.pos] >= '0' && buf[in.pos] <= '9' && in.pos - start < MAX_DIMENSION_DIGITS) {
                d = 10 * d + buf[in.pos++] - '0';
            }
            if (in.pos == start || buf[start] == '0' || in.pos < in.limit && isNumberPart(buf[in.pos])) {
                throw decline();
            }
            dims[rank++] = d;
        } while (in.consume(','));
        in.expect(']');
        return Arrays.copyOf(dims, rank);
    }

    private static boolean isNumberPart(byte b) {
        return b >= '0' && b <= '9' || b == '.' || b == 'e' || b == 'E' || b == '-' || b == '+';
    }

    // Room for one more float: past the element limit declines, a full array grows.
    private void makeRoom() {
        if (size == maxElements) {
            throw decline();
        }
        if (size == floats.length) {
            floats = grow(floats);
        }
    }

    private void useScratch() {
        scratch = true;
        if (f32) {
            floats = ArrayRecycler.FLOATS.take(1024);
        } else {
            doubles = ArrayRecycler.DOUBLES.take(1024);
        }
    }

    private void allocate(int n) {
        if (f32) {
            floats = new float[n];
        } else {
            doubles = new double[n];
        }
    }

    private float[] grow(float[] a) {
        if (!scratch) {
            // more data than the shape said
            throw decline();
        }
        float[] bigger = ArrayRecycler.FLOATS.take((int) Math.min(maxElements, 2L * a.length));
        System.arraycopy(a, 0, bigger, 0, size);
        ArrayRecycler.FLOATS.give(a);
        return bigger;
    }

    private double[] grow(double[] a) {
        if (!scratch) {
            throw decline();
        }
        double[] bigger = ArrayRecycler.DOUBLES.take((int) Math.min(maxElements, 2L * a.length));
        System.arraycopy(a, 0, bigger, 0, size);
        ArrayRecycler.DOUBLES.give(a);
        return bigger;
    }

    private Tensor toTensor(int[] shape) {
        if (f32) {
            return new Tensor.F32(shape, scratch ? Arrays.copyOf(floats, size) : floats);
        }
        return new Tensor.F64(shape, scratch ? Arrays.copyOf(doubles, size) : doubles);
    }

    private void releaseScratch() {
        if (scratch) {
            if (floats != null) {
                ArrayRecycler.FLOATS.give(floats);
            }
            if (doubles != null) {
                ArrayRecycler.DOUBLES.give(doubles);
            }
            floats = null;
            doubles = null;
            scratch = false;
        }
    }
}
