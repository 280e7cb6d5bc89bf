package dev.batchnorm.api.json;

import static dev.batchnorm.api.json.TensorFormatException.EMPTY_TENSOR;
import static dev.batchnorm.api.json.TensorFormatException.INVALID_SHAPE;
import static dev.batchnorm.api.json.TensorFormatException.MALFORMED_JSON;
import static dev.batchnorm.api.json.TensorFormatException.NON_NUMERIC_VALUE;
import static dev.batchnorm.api.json.TensorFormatException.SHAPE_DATA_MISMATCH;
import static dev.batchnorm.api.json.TensorLimitException.NESTING_TOO_DEEP;
import static dev.batchnorm.api.json.TensorLimitException.TOO_MANY_ELEMENTS;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.util.Arrays;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads one flat tensor, {@code {"shape": [..], "data": [..]}}, with the fields in either
 * order. When {@code shape} comes first the data buffer is sized exactly from it and extra data
 * is reported at its first extra element; when {@code data} comes first the lengths are
 * compared once the shape is known.
 */
final class FlatReader {

    private static final int MAX_PREALLOCATION = 1 << 20;
    private static final int INITIAL_DATA_CAPACITY = 16;

    private final JsonParser p;
    private final Cursor cursor;
    private final DType dtype;
    private final int maxElements;
    private final int maxRank;
    private final String dataPointer;
    private int[] shape;
    private int shapeSize;
    private NumberBuffer data;

    FlatReader(JsonParser p, Cursor cursor, DType dtype, int maxElements, int maxRank) {
        this.p = p;
        this.cursor = cursor;
        this.dtype = dtype;
        this.maxElements = maxElements;
        this.maxRank = maxRank;
        // length mismatches are reported at "data", whichever field came last
        this.dataPointer = cursor.pointer() + "/data";
    }

    /** Reads from the current START_OBJECT to its END_OBJECT. */
    Tensor read() {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            cursor.pushName(name);
            switch (name) {
                case "shape" -> readShape();
                case "data" -> readData();
                default -> throw cursor.formatError(INVALID_SHAPE, "unknown field \"" + name + "\": a flat tensor has only \"shape\" and \"data\"");
            }
            cursor.pop();
        }
        if (shape == null || data == null) {
            throw cursor.formatError(INVALID_SHAPE, "a flat tensor needs both \"shape\" and \"data\"");
        }
        return data.toTensor(shape);
    }

    private void readShape() {
        if (shape != null) {
            throw cursor.formatError(MALFORMED_JSON, "duplicate field \"shape\"");
        }
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw cursor.formatError(INVALID_SHAPE, "\"shape\" must be an array of positive integers");
        }
        int[] dims = new int[4];
        long size = 1;
        cursor.pushIndex();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int i = cursor.index();
            if (i == maxRank) {
                throw cursor.limitError(NESTING_TOO_DEEP, maxRank, "the tensor has more than " + maxRank + " dimensions");
            }
            long dim = dimension();
            size *= dim;
            if (size > maxElements) {
                throw cursor.limitError(TOO_MANY_ELEMENTS, maxElements, "the shape has more than " + maxElements + " elements");
            }
            if (i == dims.length) {
                dims = Arrays.copyOf(dims, 2 * i);
            }
            dims[i] = (int) dim;
            cursor.advance();
        }
        int rank = cursor.index();
        cursor.pop();
        shape = Arrays.copyOf(dims, rank);
        shapeSize = (int) size;
        if (data != null && data.size() != shapeSize) {
            throw mismatch(data.size());
        }
    }

    // A positive integer; anything above the element limit is as good as infinite here.
    private long dimension() {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw cursor.formatError(INVALID_SHAPE, "a dimension must be a positive integer, found " + NestedReader.describe(p.currentToken()));
        }
        long dim = switch (p.getNumberType()) {
            case INT, LONG -> p.getLongValue();
            default -> p.getBigIntegerValue().signum() > 0 ? Long.MAX_VALUE : 0;
        };
        if (dim <= 0) {
            throw cursor.formatError(INVALID_SHAPE, "a dimension must be a positive integer, found " + p.getString());
        }
        return Math.min(dim, (long) maxElements + 1);
    }

    private void readData() {
        if (data != null) {
            throw cursor.formatError(MALFORMED_JSON, "duplicate field \"data\"");
        }
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw cursor.formatError(INVALID_SHAPE, "\"data\" must be a flat array of numbers");
        }
        // trust a declared shape only so far: a tiny body must not reserve the whole element limit
        int capacity = shape != null ? Math.min(shapeSize, MAX_PREALLOCATION) : INITIAL_DATA_CAPACITY;
        NumberBuffer values = NumberBuffer.of(dtype, capacity, maxElements);
        cursor.pushIndex();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.START_ARRAY) {
                throw cursor.formatError(INVALID_SHAPE, "\"data\" must be a flat array of numbers, found a nested array");
            }
            if (!t.isNumeric()) {
                throw cursor.formatError(NON_NUMERIC_VALUE, "expected a number, found " + NestedReader.describe(t));
            }
            if (shape != null && values.size() == shapeSize) {
                throw cursor.formatError(SHAPE_DATA_MISMATCH, "\"data\" has more than the " + shapeSize + " elements of the shape");
            }
            values.append(p, cursor);
            cursor.advance();
        }
        cursor.pop();
        if (values.size() == 0) {
            throw cursor.formatError(EMPTY_TENSOR, "\"data\" is empty: a tensor needs at least one element");
        }
        if (shape != null && values.size() != shapeSize) {
            throw mismatch(values.size());
        }
        data = values;
    }

    private TensorFormatException mismatch(int length) {
        String message = "\"data\" has " + length + " elements, the shape " + Arrays.toString(shape) + " has " + shapeSize;
        return new TensorFormatException(SHAPE_DATA_MISMATCH, dataPointer, message);
    }
}
