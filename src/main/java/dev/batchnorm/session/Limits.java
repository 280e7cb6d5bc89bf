package dev.batchnorm.session;

/** The limits the session services enforce. */
public record Limits(long maxSessions, long maxPendingOpsPerSession) {}
