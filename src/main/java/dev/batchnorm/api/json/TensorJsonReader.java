package dev.batchnorm.api.json;

import static dev.batchnorm.api.json.TensorFormatException.INVALID_RANK;
import static dev.batchnorm.api.json.TensorFormatException.MALFORMED_JSON;
import static dev.batchnorm.api.json.TensorFormatException.NON_NUMERIC_VALUE;
import static dev.batchnorm.api.json.TensorFormatException.TRAILING_CONTENT;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;

/**
 * Reads a tensor from a streaming parser straight into a primitive array, in either JSON form:
 * nested arrays (rank = nesting depth) or {@code {"shape": [..], "data": [..]}}. Values are
 * converted to the dtype exactly as {@link Float#parseFloat} / {@link Double#parseDouble} would
 * convert the token text, and must be finite in it.
 *
 * <p>Every problem is a {@link TensorFormatException} or a {@link TensorLimitException} whose
 * pointer names the first offending element in document order. Instances are immutable and
 * may be shared between threads.
 */
public final class TensorJsonReader {

    private final int maxElements;
    private final int maxDepth;

    /**
     * @param maxElements the most elements a tensor may have
     * @param maxDepth the deepest a nested tensor may be (its rank); also caps a flat shape's length
     */
    public TensorJsonReader(int maxElements, int maxDepth) {
        if (maxElements < 1 || maxDepth < 1) {
            throw new IllegalArgumentException("limits must be positive: maxElements=" + maxElements + ", maxDepth=" + maxDepth);
        }
        this.maxElements = maxElements;
        this.maxDepth = maxDepth;
    }

    /** The most elements a tensor may have. */
    public int maxElements() {
        return maxElements;
    }

    /** The deepest a nested tensor may be. */
    public int maxDepth() {
        return maxDepth;
    }

    /**
     * Reads the tensor value whose first token is the parser's current token, leaving the parser
     * on the value's last token.
     *
     * @param pointer the JSON Pointer of the value in the document, such as {@code "/inputs"}
     * @param minRank the lowest rank accepted; a bare number (rank 0) is read only when this is 0
     */
    public ParsedTensor read(JsonParser p, DType dtype, String pointer, int minRank) {
        Cursor cursor = new Cursor(pointer);
        ParsedTensor parsed;
        try {
            parsed = readValue(p, dtype, cursor);
        } catch (StreamReadException | StreamConstraintsException e) {
            throw JacksonErrors.translate(e, p, cursor.pointer());
        }
        int rank = parsed.tensor().shape().length;
        if (rank < minRank) {
            throw new TensorFormatException(INVALID_RANK, pointer, "expected a tensor of rank " + minRank + " or more, found rank " + rank);
        }
        return parsed;
    }

    /** Asserts that the root value was the whole document: nothing but whitespace may follow. */
    public static void expectEnd(JsonParser p) {
        JsonToken next;
        try {
            next = p.nextToken();
        } catch (StreamReadException | StreamConstraintsException e) {
            throw trailingContent(e.getLocation() == null ? p.currentLocation() : e.getLocation());
        }
        if (next != null) {
            throw trailingContent(p.currentTokenLocation());
        }
    }

    private ParsedTensor readValue(JsonParser p, DType dtype, Cursor cursor) {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw cursor.formatError(MALFORMED_JSON, "expected a tensor, found the end of the input");
        }
        return switch (t) {
            case START_ARRAY -> new ParsedTensor(new NestedReader(p, cursor, dtype, maxElements, maxDepth).read(), TensorForm.NESTED);
            case START_OBJECT -> new ParsedTensor(new FlatReader(p, cursor, dtype, maxElements, maxDepth).read(), TensorForm.FLAT);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new ParsedTensor(readScalar(p, dtype, cursor), TensorForm.NESTED);
            case VALUE_STRING, VALUE_NULL, VALUE_TRUE, VALUE_FALSE, VALUE_EMBEDDED_OBJECT ->
                    throw cursor.formatError(NON_NUMERIC_VALUE, "expected a tensor, found " + NestedReader.describe(t));
            case END_ARRAY, END_OBJECT, PROPERTY_NAME, NOT_AVAILABLE ->
                    throw new IllegalStateException("the parser is not at the start of a value: " + t);
        };
    }

    private static Tensor readScalar(JsonParser p, DType dtype, Cursor cursor) {
        NumberBuffer value = NumberBuffer.of(dtype, 1, 1);
        value.append(p, cursor);
        return value.toTensor(new int[0]);
    }

    private static TensorFormatException trailingContent(TokenStreamLocation location) {
        return new TensorFormatException(TRAILING_CONTENT, "", "unexpected content after the JSON value" + JacksonErrors.at(location));
    }
}
