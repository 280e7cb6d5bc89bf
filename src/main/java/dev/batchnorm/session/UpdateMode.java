package dev.batchnorm.session;

/** What a forward does to the moving averages. */
public enum UpdateMode {
    /** Not training: no update ops. */
    NONE,
    /** Training with in-place updates, or with {@code applyUpdates}: both ops run with the forward. */
    APPLY,
    /** Training with a named collection: both ops are left pending. */
    DEFER
}
