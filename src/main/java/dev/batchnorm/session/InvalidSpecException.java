package dev.batchnorm.session;

/** A create request whose values are individually valid but do not fit together. */
public final class InvalidSpecException extends RuntimeException {

    private final String pointer;

    public InvalidSpecException(String pointer, String message) {
        super(message);
        this.pointer = pointer;
    }

    /** JSON Pointer of the offending field in the create request. */
    public String pointer() {
        return pointer;
    }
}
