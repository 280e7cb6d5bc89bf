package dev.batchnorm.session;

/** An input or a variable whose shape does not fit the session's fixed shape. */
public final class ShapeMismatchException extends RuntimeException {

    public ShapeMismatchException(String message) {
        super(message);
    }
}
