package dev.batchnorm.session;

/**
 * A session's counters. Every training forward creates two update ops; ops applied in place or
 * with {@code applyUpdates} count as created and applied without ever being pending.
 */
public record Counters(long forwards, long updateOpsCreated, long updateOpsApplied, long updateOpsPending, long updateOpsDiscarded) {}
