package dev.batchnorm.security;

import dev.batchnorm.store.TenantScope;
import java.util.function.Supplier;

/**
 * The tenant of the request being served, bound by {@link SecurityFilter} for the request's
 * duration. The store layer asks it for the namespace and quotas on every operation. Outside a
 * request (tests, tools) mode none means the one tenant; mode api-key refuses: no store call may
 * run for nobody.
 */
public final class CurrentTenant implements Supplier<TenantScope> {

    static final ScopedValue<Tenant> TENANT = ScopedValue.newInstance();

    private final Tenant outsideRequests;

    /**
     * @param outsideRequests the tenant when none is bound, or {@code null} to refuse
     */
    CurrentTenant(Tenant outsideRequests) {
        this.outsideRequests = outsideRequests;
    }

    @Override
    public TenantScope get() {
        if (TENANT.isBound()) {
            return TENANT.get().scope();
        }
        if (outsideRequests != null) {
            return outsideRequests.scope();
        }
        throw new IllegalStateException("No tenant is bound: a session operation ran outside an authenticated request");
    }
}
