package dev.batchnorm.api.json;

/**
 * A tensor in a request exceeds a configured limit: more elements than allowed
 * ({@code too_many_elements}) or nested deeper than allowed ({@code nesting_too_deep}).
 */
public final class TensorLimitException extends RuntimeException {

    static final String TOO_MANY_ELEMENTS = "too_many_elements";
    static final String NESTING_TOO_DEEP = "nesting_too_deep";

    private final String code;
    private final String pointer;
    private final long limit;

    public TensorLimitException(String code, String pointer, long limit, String message) {
        super(message);
        this.code = code;
        this.pointer = pointer;
        this.limit = limit;
    }

    /** {@code too_many_elements} or {@code nesting_too_deep}. */
    public String code() {
        return code;
    }

    /** Where the limit was crossed: a JSON Pointer into the request document. */
    public String pointer() {
        return pointer;
    }

    /** The limit that was exceeded. */
    public long limit() {
        return limit;
    }
}
