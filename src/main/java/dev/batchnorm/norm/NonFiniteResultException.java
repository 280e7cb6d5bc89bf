package dev.batchnorm.norm;

import java.io.Serial;

/**
 * A computation on finite inputs produced an infinite or NaN result in the tensor's dtype, e.g. a
 * float32 variance whose value exceeds {@link Float#MAX_VALUE}. The message names what overflowed.
 */
public final class NonFiniteResultException extends ArithmeticException {

    @Serial
    private static final long serialVersionUID = 1L;

    public NonFiniteResultException(String message) {
        super(message);
    }
}
