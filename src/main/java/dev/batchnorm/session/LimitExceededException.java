package dev.batchnorm.session;

/** A configured limit would be exceeded; nothing was changed. */
public final class LimitExceededException extends RuntimeException {

    /** Which limit. */
    public enum Limit {
        SESSIONS,
        /** A tenant's session quota (security mode api-key, or the one tenant of mode none). */
        TENANT_SESSIONS,
        PENDING_OPS,
        /** Statistics per moment of one input (its non-reduced size). */
        STATISTICS
    }

    private final Limit limit;
    private final long max;

    public LimitExceededException(Limit limit, long max, String message) {
        super(message);
        this.limit = limit;
        this.max = max;
    }

    public Limit limit() {
        return limit;
    }

    public long max() {
        return max;
    }
}
