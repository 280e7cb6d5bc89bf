package dev.batchnorm.session;

/**
 * A forward was computed from a snapshot whose parameters changed before it could commit (a
 * concurrent variable assignment, or the session was replaced). The forward is recomputed.
 */
public final class StaleSnapshotException extends RuntimeException {

    public StaleSnapshotException() {
        super("stale snapshot", null, false, false);
    }
}
