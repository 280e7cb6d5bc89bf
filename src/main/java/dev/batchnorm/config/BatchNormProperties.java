package dev.batchnorm.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every tunable of the service ({@code batchnorm.*}). The defaults are generous for real use: the
 * colab's 1000 training forwards leave 2000 pending ops, far under the per-session limit.
 */
@ConfigurationProperties("batchnorm")
public record BatchNormProperties(@DefaultValue Limits limits, @DefaultValue Store store) {

    /** Limits; exceeding one is a 413 or 409 problem and changes nothing. */
    public record Limits(
            @DefaultValue("64MB") DataSize maxRequestSize,
            @DefaultValue("16777216") int maxTensorElements,
            @DefaultValue("64") int maxNestingDepth,
            @DefaultValue("100000") long maxPendingOpsPerSession,
            @DefaultValue("100000") long maxSessions,
            @DefaultValue("100") int defaultPageSize,
            @DefaultValue("1000") int maxPageSize) {}

    /** Where sessions live. */
    public record Store(@DefaultValue("memory") Type type, @DefaultValue("10s") Duration sweepInterval) {}

    /** The store implementations. */
    public enum Type {
        MEMORY,
        REDIS
    }
}
