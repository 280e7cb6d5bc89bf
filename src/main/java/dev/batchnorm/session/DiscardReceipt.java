package dev.batchnorm.session;

/**
 * The result of discarding pending ops.
 *
 * @param discarded ids discarded by this call
 * @param notPending requested ids that were already applied or discarded (left as they were)
 */
public record DiscardReceipt(long[] discarded, long[] notPending, long version) {}
