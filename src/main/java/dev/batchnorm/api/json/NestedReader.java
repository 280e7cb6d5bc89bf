package dev.batchnorm.api.json;

import static dev.batchnorm.api.json.TensorFormatException.EMPTY_TENSOR;
import static dev.batchnorm.api.json.TensorFormatException.MALFORMED_JSON;
import static dev.batchnorm.api.json.TensorFormatException.NON_NUMERIC_VALUE;
import static dev.batchnorm.api.json.TensorFormatException.RAGGED_TENSOR;
import static dev.batchnorm.api.json.TensorLimitException.NESTING_TOO_DEEP;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.util.Arrays;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads one nested-array tensor, iteratively. The first number fixes the rank (its nesting
 * level); the first array to close at each level fixes that dimension. Every later element is
 * checked against both as it streams by, so the first ragged element in document order is the
 * one reported: a row that is too long at its first extra element, a row that is too short
 * when it closes.
 */
final class NestedReader {

    private final JsonParser p;
    private final Cursor cursor;
    private final NumberBuffer buffer;
    private final int maxDepth;
    // dims[k]: length of every array at level k (the root array is level 0), -1 until known
    private int[] dims = new int[8];
    private int rank = -1;

    NestedReader(JsonParser p, Cursor cursor, DType dtype, int maxElements, int maxDepth) {
        this.p = p;
        this.cursor = cursor;
        this.buffer = NumberBuffer.of(dtype, 16, maxElements);
        this.maxDepth = maxDepth;
        Arrays.fill(dims, -1);
    }

    /** Reads from the current START_ARRAY to its END_ARRAY. */
    Tensor read() {
        cursor.pushIndex();
        while (cursor.depth() > 0) {
            // the element at cursor.pointer() sits at this level (elements of the root are level 1)
            int level = cursor.depth();
            JsonToken t = p.nextToken();
            if (t == null) {
                throw cursor.formatError(MALFORMED_JSON, "unexpected end of input inside an array");
            } else if (t == JsonToken.END_ARRAY) {
                closeArray(level);
            } else {
                checkIndex(level);
                if (t == JsonToken.START_ARRAY) {
                    openArray(level);
                } else if (t.isNumeric()) {
                    readNumber(level);
                } else {
                    throw notAValue(level);
                }
            }
        }
        return buffer.toTensor(Arrays.copyOf(dims, rank));
    }

    private void openArray(int level) {
        if (rank >= 0 && level >= rank) {
            throw cursor.formatError(RAGGED_TENSOR, "expected a number, found an array");
        }
        if (level + 1 > maxDepth) {
            throw cursor.limitError(NESTING_TOO_DEEP, maxDepth, "the tensor is nested deeper than " + maxDepth + " levels");
        }
        cursor.pushIndex();
    }

    private void readNumber(int level) {
        if (rank < 0) {
            rank = level;
        } else if (level < rank) {
            throw cursor.formatError(RAGGED_TENSOR, "expected an array, found a number");
        }
        buffer.append(p, cursor);
        cursor.advance();
    }

    private void closeArray(int level) {
        int length = cursor.index();
        cursor.pop();
        if (length == 0) {
            throw cursor.formatError(EMPTY_TENSOR, "empty arrays are not allowed: every dimension needs at least one element");
        }
        int arrayLevel = level - 1;
        if (arrayLevel >= dims.length) {
            dims = Arrays.copyOf(dims, dims.length * 2);
            Arrays.fill(dims, arrayLevel, dims.length, -1);
        }
        if (dims[arrayLevel] < 0) {
            dims[arrayLevel] = length;
        } else if (length < dims[arrayLevel]) {
            throw cursor.formatError(RAGGED_TENSOR, "this array has " + length + " elements, expected " + dims[arrayLevel]);
        }
        if (cursor.depth() > 0) {
            cursor.advance();
        }
    }

    // A row that is too long is reported at its first extra element.
    private void checkIndex(int level) {
        int expected = level - 1 < dims.length ? dims[level - 1] : -1;
        if (expected >= 0 && cursor.index() >= expected) {
            throw cursor.formatError(RAGGED_TENSOR, "this array has more than " + expected + " elements");
        }
    }

    private TensorFormatException notAValue(int level) {
        if (rank >= 0 && level < rank) {
            return cursor.formatError(RAGGED_TENSOR, "expected an array, found " + describe(p.currentToken()));
        }
        return cursor.formatError(NON_NUMERIC_VALUE, "expected a number, found " + describe(p.currentToken()));
    }

    static String describe(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            default -> "an unexpected value";
        };
    }
}
