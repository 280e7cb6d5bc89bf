package dev.batchnorm.security;

import dev.batchnorm.store.TenantScope;

/**
 * A caller's tenant: its name, its namespace and quotas in the store, and its request-rate bucket.
 *
 * @param name the tenant's name ({@code default} in mode none)
 */
record Tenant(String name, TenantScope scope, TokenBucket rate, double requestsPerSecond, int burst) {}
