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

    /**
     * Limits; exceeding one is a 413 or 409 problem (414 or 431 for the request head) and changes
     * nothing.
     *
     * @param maxRequestHeadSize the request line and header fields, in bytes; must stay under the
     *     connector's own limit ({@code server.max-http-request-header-size}), which refuses a
     *     request by dropping the connection before its body is read
     */
    public record Limits(
            @DefaultValue("64MB") DataSize maxRequestSize,
            @DefaultValue("8KB") DataSize maxRequestHeadSize,
            @DefaultValue("16777216") int maxTensorElements,
            @DefaultValue("1048576") int maxStatisticsElements,
            @DefaultValue("64") int maxNestingDepth,
            @DefaultValue("100000") long maxPendingOpsPerSession,
            @DefaultValue("16777216") long maxPendingElementsPerSession,
            @DefaultValue("100000") long maxSessions,
            @DefaultValue("100") int defaultPageSize,
            @DefaultValue("1000") int maxPageSize) {

        public Limits {
            require(maxRequestSize.toBytes() > 0, "max-request-size must be positive");
            require(maxRequestHeadSize.toBytes() > 0, "max-request-head-size must be positive");
            require(maxTensorElements > 0 && maxStatisticsElements > 0, "element limits must be positive");
            require(maxNestingDepth >= 2, "max-nesting-depth must be at least 2");
            require(maxPendingOpsPerSession >= 2 && maxPendingElementsPerSession >= 2, "pending-op limits must allow one training forward");
            require(maxSessions > 0, "max-sessions must be positive");
            require(defaultPageSize > 0 && defaultPageSize <= maxPageSize, "default-page-size must be from 1 to max-page-size");
        }
    }

    /** Where sessions live. */
    public record Store(@DefaultValue("memory") Type type, @DefaultValue("10s") Duration sweepInterval, @DefaultValue Redis redis) {

        public Store {
            require(!sweepInterval.isNegative() && !sweepInterval.isZero(), "batchnorm.store.sweep-interval must be positive");
        }
    }

    /**
     * The Redis store (connection settings are Spring's {@code spring.data.redis.*}).
     *
     * @param keyPrefix namespace of every key; replicas sharing sessions use the same one
     * @param indexSweepInterval how often index entries of expired sessions are removed
     */
    public record Redis(@DefaultValue("batchnorm") String keyPrefix, @DefaultValue("10m") Duration indexSweepInterval) {

        public Redis {
            require(keyPrefix.matches("[A-Za-z0-9._:-]{1,64}"), "batchnorm.store.redis.key-prefix must be 1 to 64 characters from [A-Za-z0-9._:-]");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("batchnorm." + (message.startsWith("batchnorm.") ? message.substring(10) : "limits." + message));
        }
    }

    /** The store implementations. */
    public enum Type {
        MEMORY,
        REDIS
    }
}
