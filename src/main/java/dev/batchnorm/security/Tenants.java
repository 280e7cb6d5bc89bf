package dev.batchnorm.security;

import dev.batchnorm.security.SecurityProperties.Quota;
import dev.batchnorm.store.TenantScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every tenant's quotas and rate bucket, built once per name from the properties. */
final class Tenants {

    /** The one tenant of mode none: the empty namespace, so sessions keep their ids. */
    static final String DEFAULT = "default";

    private final SecurityProperties props;
    private final Map<String, Tenant> byName = new ConcurrentHashMap<>();
    private final Tenant unscoped;

    Tenants(SecurityProperties props) {
        this.props = props;
        this.unscoped = build(DEFAULT, "", props.quota());
    }

    /** The tenant of mode none. */
    Tenant unscoped() {
        return unscoped;
    }

    /** A named tenant (mode api-key); its namespace is its name. */
    Tenant named(String name) {
        return byName.computeIfAbsent(name, n -> build(n, n, props.tenants().getOrDefault(n, props.quota()).orElse(props.quota())));
    }

    private static Tenant build(String name, String namespace, Quota q) {
        TenantScope scope = new TenantScope(namespace, orMax(q.maxSessions()), orMax(q.maxPendingOpsPerSession()),
                orMax(q.maxPendingElementsPerSession()));
        if (q.requestsPerSecond() == null) {
            return new Tenant(name, scope, TokenBucket.unlimited(), 0, 0);
        }
        int burst = q.burst() != null ? q.burst() : (int) Math.max(1, Math.ceil(q.requestsPerSecond()));
        return new Tenant(name, scope, new TokenBucket(q.requestsPerSecond(), burst), q.requestsPerSecond(), burst);
    }

    private static long orMax(Long value) {
        return value == null ? Long.MAX_VALUE : value;
    }
}
