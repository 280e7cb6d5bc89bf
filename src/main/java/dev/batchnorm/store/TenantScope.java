package dev.batchnorm.store;

import dev.batchnorm.session.Limits;
import java.util.regex.Pattern;

/**
 * Whose sessions a request sees, and that tenant's quotas. A tenant's session {@code demo} is
 * stored as {@code team-a~demo}: {@code ~} cannot occur in a session id ({@code [A-Za-z0-9._-]})
 * nor in a tenant name, so no id a client sends can reach into another namespace. The empty
 * namespace (security mode {@code none}) stores ids unchanged and sees no namespaced session.
 *
 * @param namespace the tenant's name, or empty for the one tenant of mode {@code none}
 * @param maxSessions the tenant's live sessions at most ({@link Long#MAX_VALUE}: only the service's limit)
 * @param maxPendingOpsPerSession pending ops per session of this tenant, at most (within the service's limit)
 * @param maxPendingElementsPerSession values held by a session's pending ops, at most (within the service's limit)
 */
public record TenantScope(String namespace, long maxSessions, long maxPendingOpsPerSession, long maxPendingElementsPerSession) {

    /** Separates a tenant's namespace from the session id in store ids. */
    public static final char SEPARATOR = '~';

    /** Tenant names: lowercase letters, digits and dashes, so they also work as Spring map keys. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** The empty namespace without quotas: what mode {@code none} uses unless quotas are configured. */
    public static final TenantScope UNSCOPED = new TenantScope("", Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

    public TenantScope {
        if (!namespace.isEmpty() && !NAME.matcher(namespace).matches()) {
            throw new IllegalArgumentException("a tenant name is 1 to 63 characters from [a-z0-9-], starting with a letter or digit");
        }
        if (maxSessions < 1 || maxPendingOpsPerSession < 2 || maxPendingElementsPerSession < 2) {
            throw new IllegalArgumentException("a tenant needs room for one session and one training forward");
        }
    }

    public boolean unscoped() {
        return namespace.isEmpty();
    }

    /** What every store id of this tenant starts with ({@code team-a~}); empty when unscoped. */
    public String idPrefix() {
        return unscoped() ? "" : namespace + SEPARATOR;
    }

    /** Whether a client's id can name a session at all: ids never contain the separator. */
    public static boolean addressable(String id) {
        return id.indexOf(SEPARATOR) < 0;
    }

    /** The id the store keeps for this tenant's session {@code id}. */
    public String storeId(String id) {
        return unscoped() ? id : idPrefix() + id;
    }

    /** Whether a store id belongs to this tenant. */
    public boolean owns(String storeId) {
        return unscoped() ? addressable(storeId) : storeId.startsWith(idPrefix());
    }

    /** The id the client knows for one of this tenant's store ids. */
    public String clientId(String storeId) {
        return unscoped() ? storeId : storeId.substring(idPrefix().length());
    }

    /** The service's limits, tightened by this tenant's quotas. */
    public Limits limits(Limits service) {
        return new Limits(service.maxSessions(), Math.min(service.maxPendingOpsPerSession(), maxPendingOpsPerSession),
                Math.min(service.maxPendingElementsPerSession(), maxPendingElementsPerSession), service.maxStatisticsElements());
    }
}
