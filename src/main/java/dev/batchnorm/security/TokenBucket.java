package dev.batchnorm.security;

/**
 * A token bucket: {@code burst} requests at once, refilled at {@code perSecond}. Thread-safe; time
 * comes from the caller, in nanoseconds, so tests need no sleeping clock. The {@link #unlimited()}
 * bucket, every tenant's when no rate is set (the default), has no state and takes no lock, so
 * requests never queue on it.
 */
final class TokenBucket {

    private static final TokenBucket UNLIMITED = new TokenBucket(Double.POSITIVE_INFINITY, 1);

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;
    private boolean started;

    TokenBucket(double perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.capacity = burst;
        this.tokens = burst;
    }

    static TokenBucket unlimited() {
        return UNLIMITED;
    }

    /**
     * Takes a token if there is one.
     *
     * @return 0 when taken, else how many nanoseconds until one is there (nothing is taken)
     */
    long tryTake(long nowNanos) {
        if (this == UNLIMITED) {
            return 0; // before any lock: one bucket shared by every tenant without a rate
        }
        synchronized (this) {
            if (started) {
                tokens = Math.min(capacity, tokens + (nowNanos - last) * perNano);
            }
            started = true;
            last = nowNanos;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
        }
    }
}
