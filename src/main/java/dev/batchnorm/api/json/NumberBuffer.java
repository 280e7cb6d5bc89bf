package dev.batchnorm.api.json;

import static dev.batchnorm.api.json.TensorFormatException.NON_FINITE_VALUE;
import static dev.batchnorm.api.json.TensorLimitException.TOO_MANY_ELEMENTS;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.util.Arrays;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A growable primitive array of one dtype that number tokens are appended to. It grows
 * geometrically up to the element limit and is trimmed once, when the tensor is built.
 *
 * <p>Conversion is exact: a float token goes to the dtype in one rounding ({@code getFloatValue}
 * parses the token text as float, it does not narrow a double), and integer tokens are
 * converted with a single IEEE rounding too (int and long casts, or a parse of the text).
 */
abstract sealed class NumberBuffer permits NumberBuffer.F32, NumberBuffer.F64 {

    private static final int MIN_CAPACITY = 16;
    private static final int MAX_TEXT_IN_MESSAGE = 40;

    private final int limit;
    int size;

    private NumberBuffer(int limit) {
        this.limit = limit;
    }

    /** A buffer with room for {@code capacity} values that refuses more than {@code limit}. */
    static NumberBuffer of(DType dtype, int capacity, int limit) {
        int initial = Math.min(capacity, limit);
        return switch (dtype) {
            case FLOAT32 -> new F32(initial, limit);
            case FLOAT64 -> new F64(initial, limit);
        };
    }

    int size() {
        return size;
    }

    /** Appends the parser's current number token; the cursor points at it for errors. */
    final void append(JsonParser p, Cursor cursor) {
        if (size == limit) {
            throw cursor.limitError(TOO_MANY_ELEMENTS, limit, "the tensor has more than " + limit + " elements");
        }
        if (p.isNaN()) {
            throw cursor.formatError(NON_FINITE_VALUE, text(p) + " is not a finite number");
        }
        if (size == capacity()) {
            resize((int) Math.min(limit, Math.max(MIN_CAPACITY, 2L * size)));
        }
        store(p, cursor);
        size++;
    }

    /** The values as a tensor of the given shape (the caller has checked the size). */
    abstract Tensor toTensor(int[] shape);

    abstract int capacity();

    abstract void resize(int capacity);

    /** Converts the current number token and stores it at index {@link #size}. */
    abstract void store(JsonParser p, Cursor cursor);

    static TensorFormatException outOfRange(JsonParser p, Cursor cursor, DType dtype) {
        return cursor.formatError(NON_FINITE_VALUE, text(p) + " is outside the " + dtype.wireName() + " range");
    }

    // The parser turns the integer token "-0" into int 0; JSON means -0.0 for float types.
    static boolean isNegativeZeroInteger(JsonParser p) {
        return p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getStringCharacters()[p.getStringOffset()] == '-';
    }

    private static String text(JsonParser p) {
        String text = p.getString();
        return text.length() <= MAX_TEXT_IN_MESSAGE ? text : text.substring(0, MAX_TEXT_IN_MESSAGE) + "...";
    }

    static final class F32 extends NumberBuffer {
        private float[] data;

        F32(int capacity, int limit) {
            super(limit);
            data = new float[capacity];
        }

        @Override
        void store(JsonParser p, Cursor cursor) {
            float v = p.getFloatValue();
            if (Float.isInfinite(v)) {
                throw outOfRange(p, cursor, DType.FLOAT32);
            }
            data[size] = v == 0 && isNegativeZeroInteger(p) ? -0.0f : v;
        }

        @Override
        int capacity() {
            return data.length;
        }

        @Override
        void resize(int capacity) {
            data = Arrays.copyOf(data, capacity);
        }

        @Override
        Tensor toTensor(int[] shape) {
            return new Tensor.F32(shape, size == data.length ? data : Arrays.copyOf(data, size));
        }
    }

    static final class F64 extends NumberBuffer {
        private double[] data;

        F64(int capacity, int limit) {
            super(limit);
            data = new double[capacity];
        }

        @Override
        void store(JsonParser p, Cursor cursor) {
            double v = p.getDoubleValue();
            if (Double.isInfinite(v)) {
                throw outOfRange(p, cursor, DType.FLOAT64);
            }
            data[size] = v == 0 && isNegativeZeroInteger(p) ? -0.0 : v;
        }

        @Override
        int capacity() {
            return data.length;
        }

        @Override
        void resize(int capacity) {
            data = Arrays.copyOf(data, capacity);
        }

        @Override
        Tensor toTensor(int[] shape) {
            return new Tensor.F64(shape, size == data.length ? data : Arrays.copyOf(data, size));
        }
    }
}
