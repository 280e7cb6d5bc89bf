package dev.batchnorm.session;

/**
 * The store's answer to a committed forward.
 *
 * @param opIds ids of the update ops this forward left pending (empty when none)
 * @param updatesApplied whether this forward's updates were applied with it
 */
public record ForwardReceipt(long version, long[] opIds, boolean updatesApplied) {}
