package dev.batchnorm.session;

/** The session has no variable of that name (beta needs offset, gamma needs scale). */
public final class VariableNotFoundException extends RuntimeException {

    public VariableNotFoundException(String name) {
        super("This session has no variable '" + name + "'; it has movingMean, movingVariance, beta (when offset) and gamma (when scale).");
    }
}
