package dev.batchnorm.api.json;

/**
 * A tensor in a request is not well formed. {@link #code()} is a stable snake_case name,
 * {@link #pointer()} a JSON Pointer (RFC 6901) into the request document, and the message is
 * meant for humans; none of them contains Java class names.
 */
public final class TensorFormatException extends RuntimeException {

    static final String MALFORMED_JSON = "malformed_json";
    static final String RAGGED_TENSOR = "ragged_tensor";
    static final String NON_NUMERIC_VALUE = "non_numeric_value";
    static final String NON_FINITE_VALUE = "non_finite_value";
    static final String SHAPE_DATA_MISMATCH = "shape_data_mismatch";
    static final String EMPTY_TENSOR = "empty_tensor";
    static final String INVALID_RANK = "invalid_rank";
    static final String INVALID_SHAPE = "invalid_shape";
    static final String TRAILING_CONTENT = "trailing_content";

    private final String code;
    private final String pointer;

    public TensorFormatException(String code, String pointer, String message) {
        super(message);
        this.code = code;
        this.pointer = pointer;
    }

    /** One of {@code malformed_json}, {@code ragged_tensor}, {@code non_numeric_value},
     * {@code non_finite_value}, {@code shape_data_mismatch}, {@code empty_tensor},
     * {@code invalid_rank}, {@code invalid_shape}, {@code trailing_content}. */
    public String code() {
        return code;
    }

    /** Where the problem is: a JSON Pointer into the request document ({@code ""} is the root). */
    public String pointer() {
        return pointer;
    }
}
