package dev.batchnorm.session;

import java.time.Instant;

/**
 * One pending moving-average update op: applying it does
 * {@code variable <- variable - (variable - value) * (1 - decay)} (TensorFlow's assign_moving_average).
 *
 * @param value the batch statistic, in the statistics' shape
 */
public record PendingOp(long id, String collection, Variable variable, StatValue value, double decay, Instant createdAt) {}
