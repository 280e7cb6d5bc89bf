package dev.batchnorm.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code batchnorm.security.*}: who may call, and how much.
 *
 * @param mode {@code none} (everyone is one tenant, the default) or {@code api-key}
 * @param keys entries {@code <tenant>:<sha256 hex of the key>} (a list, or one comma-separated
 *     string such as {@code BATCHNORM_SECURITY_KEYS})
 * @param keysFile a file of such entries, one per line ({@code #} comments), e.g. a mounted Secret
 * @param keysReloadInterval how often the file is read again: a key removed from it stops working then
 * @param quota every tenant's quotas, unless {@code tenants.<name>} says otherwise
 * @param tenants per-tenant quotas, by tenant name
 * @param restrict which of the non-API endpoints need a key too (health never does)
 */
@ConfigurationProperties("batchnorm.security")
public record SecurityProperties(
        @DefaultValue("none") Mode mode,
        @DefaultValue List<String> keys,
        Path keysFile,
        @DefaultValue("30s") Duration keysReloadInterval,
        @DefaultValue Quota quota,
        @DefaultValue Map<String, Quota> tenants,
        @DefaultValue Restrict restrict) {

    public SecurityProperties {
        if (keysReloadInterval.isNegative() || keysReloadInterval.isZero()) {
            throw new IllegalArgumentException("batchnorm.security.keys-reload-interval must be positive");
        }
        for (String name : tenants.keySet()) {
            if (!dev.batchnorm.store.TenantScope.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("batchnorm.security.tenants: a tenant name is 1 to 63 characters from [a-z0-9-]");
            }
        }
    }

    /** How callers are identified. */
    public enum Mode {
        NONE,
        API_KEY
    }

    /**
     * A tenant's quotas; an absent value means the default quota's, and absent there, no quota
     * beyond the service's limits ({@code batchnorm.limits.*}).
     *
     * @param maxSessions live sessions of the tenant (409 {@code session_quota_reached})
     * @param maxPendingOpsPerSession pending ops in each of its sessions (409 {@code pending_ops_limit_reached});
     *     with {@code maxSessions} it bounds all the tenant's pending ops
     * @param maxPendingElementsPerSession values held by one session's pending ops (409)
     * @param requestsPerSecond sustained API request rate (429 {@code rate_limited} with Retry-After)
     * @param burst requests allowed at once before the rate applies (default: one second's worth)
     */
    public record Quota(Long maxSessions, Long maxPendingOpsPerSession, Long maxPendingElementsPerSession,
            Double requestsPerSecond, Integer burst) {

        public Quota {
            positive(maxSessions, "max-sessions", 1);
            positive(maxPendingOpsPerSession, "max-pending-ops-per-session", 2);
            positive(maxPendingElementsPerSession, "max-pending-elements-per-session", 2);
            if (requestsPerSecond != null && !(requestsPerSecond > 0 && requestsPerSecond <= 1e9)) {
                throw new IllegalArgumentException("batchnorm.security quota requests-per-second must be positive");
            }
            positive(burst == null ? null : burst.longValue(), "burst", 1);
        }

        /** This quota, with {@code defaults} filling what it leaves out. */
        Quota orElse(Quota defaults) {
            return new Quota(maxSessions != null ? maxSessions : defaults.maxSessions,
                    maxPendingOpsPerSession != null ? maxPendingOpsPerSession : defaults.maxPendingOpsPerSession,
                    maxPendingElementsPerSession != null ? maxPendingElementsPerSession : defaults.maxPendingElementsPerSession,
                    requestsPerSecond != null ? requestsPerSecond : defaults.requestsPerSecond,
                    burst != null ? burst : defaults.burst);
        }

        private static void positive(Long value, String name, long min) {
            if (value != null && value < min) {
                throw new IllegalArgumentException("batchnorm.security quota " + name + " must be at least " + min);
            }
        }
    }

    /**
     * Endpoints that need a key in mode {@code api-key}, besides the API itself.
     *
     * @param metrics {@code /actuator/prometheus}
     * @param apiDocs {@code /v3/api-docs} (Swagger UI loads it, so restricting it leaves the UI empty)
     * @param swaggerUi {@code /swagger-ui.html} and {@code /swagger-ui/**}
     */
    public record Restrict(@DefaultValue("true") boolean metrics, @DefaultValue("false") boolean apiDocs,
            @DefaultValue("false") boolean swaggerUi) {}
}
