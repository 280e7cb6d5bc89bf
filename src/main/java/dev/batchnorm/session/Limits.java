package dev.batchnorm.session;

/**
 * The limits the session services and stores enforce.
 *
 * @param maxPendingElementsPerSession values held by a session's pending ops (each op holds a statistic)
 * @param maxStatisticsElements statistics per moment of one input: its non-reduced size
 */
public record Limits(long maxSessions, long maxPendingOpsPerSession, long maxPendingElementsPerSession, long maxStatisticsElements) {}
