/**
 * Tenants and abuse resistance: API keys (SHA-256 hashes from properties, the environment or a
 * mounted file), the request filter that authenticates, rate-limits and sets security headers,
 * and the request's tenant, which the store layer turns into a namespace and quotas.
 */
package dev.batchnorm.security;
