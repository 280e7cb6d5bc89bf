package dev.batchnorm.store;

import dev.batchnorm.session.ApplyReceipt;
import dev.batchnorm.session.AssignReceipt;
import dev.batchnorm.session.DiscardReceipt;
import dev.batchnorm.session.ForwardCommit;
import dev.batchnorm.session.ForwardReceipt;
import dev.batchnorm.session.LimitExceededException;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.OpSelector;
import dev.batchnorm.session.PendingPage;
import dev.batchnorm.session.SessionNotFoundException;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionState;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The store as the current tenant sees it: the one place where tenancy meets storage, for every
 * store. Ids go in namespaced ({@link TenantScope#storeId}) and come out as the client knows them;
 * lists and collections show only the tenant's sessions; another tenant's session is "not found",
 * with exactly the answer of an id nobody has. The tenant's quotas are enforced here too.
 */
public final class TenantScopedSessionStore implements SessionStore {

    private final SessionStore delegate;
    private final Supplier<TenantScope> scope;
    /** Creates of one tenant run one at a time per replica, so its session quota holds exactly here. */
    private final Map<String, Object> createLocks = new ConcurrentHashMap<>();

    /**
     * @param scope the current request's tenant; called on every operation
     */
    public TenantScopedSessionStore(SessionStore delegate, Supplier<TenantScope> scope) {
        this.delegate = delegate;
        this.scope = scope;
    }

    @Override
    public Optional<SessionSnapshot> createIfAbsent(SessionState session, long maxSessions) {
        TenantScope t = scope.get();
        SessionState stored = t.unscoped() ? session : session.withId(t.storeId(session.id()));
        if (t.maxSessions() == Long.MAX_VALUE) {
            return delegate.createIfAbsent(stored, maxSessions).map(s -> toClient(t, s));
        }
        synchronized (createLocks.computeIfAbsent(t.namespace(), n -> new Object())) {
            Optional<SessionSnapshot> existing = delegate.find(stored.id());
            if (existing.isPresent()) {
                return existing.map(s -> toClient(t, s)); // a retried create answers the session, even at the quota
            }
            // unscoped, the whole store counts: mode none has one tenant
            long count = t.unscoped() ? delegate.sessionCount() : delegate.sessionCount(t.idPrefix());
            if (count >= t.maxSessions()) {
                throw new LimitExceededException(LimitExceededException.Limit.TENANT_SESSIONS, t.maxSessions(),
                        "Your tenant holds its quota of " + t.maxSessions() + " sessions; delete some first.");
            }
            return delegate.createIfAbsent(stored, maxSessions).map(s -> toClient(t, s));
        }
    }

    @Override
    public Optional<SessionSnapshot> find(String id) {
        TenantScope t = scope.get();
        return TenantScope.addressable(id) ? delegate.find(t.storeId(id)).map(s -> toClient(t, s)) : Optional.empty();
    }

    @Override
    public Optional<SessionSnapshot> findForForward(String id) {
        TenantScope t = scope.get();
        return TenantScope.addressable(id) ? delegate.findForForward(t.storeId(id)).map(s -> toClient(t, s)) : Optional.empty();
    }

    @Override
    public boolean delete(String id) {
        TenantScope t = scope.get();
        return TenantScope.addressable(id) && delegate.delete(t.storeId(id));
    }

    @Override
    public List<SessionSnapshot> list(String afterId, int limit) {
        TenantScope t = scope.get();
        return ownedInOrder(t, afterId, limit, (cursor, n) -> delegate.list(cursor, n), SessionSnapshot::id, s -> toClient(t, s));
    }

    @Override
    public ForwardReceipt commitForward(String id, ForwardCommit commit, Limits limits) {
        TenantScope t = scope.get();
        return on(id, storeId -> delegate.commitForward(storeId, commit, t.limits(limits)));
    }

    @Override
    public ApplyReceipt apply(String id, OpSelector selector) {
        return on(id, storeId -> delegate.apply(storeId, selector));
    }

    @Override
    public DiscardReceipt discard(String id, OpSelector selector) {
        return on(id, storeId -> delegate.discard(storeId, selector));
    }

    @Override
    public AssignReceipt assign(String id, Variable variable, StatValue value, String expectedUid, Long ifMatch) {
        return on(id, storeId -> delegate.assign(storeId, variable, value, expectedUid, ifMatch));
    }

    @Override
    public PendingPage pendingOps(String id, long afterId, int limit) {
        return on(id, storeId -> delegate.pendingOps(storeId, afterId, limit));
    }

    @Override
    public List<String> sessionsWithPendingOps(String collection, String afterId, int limit) {
        TenantScope t = scope.get();
        return ownedInOrder(t, afterId, limit, (cursor, n) -> delegate.sessionsWithPendingOps(collection, cursor, n),
                Function.identity(), t::clientId);
    }

    /** The whole store's count: for gauges, not for a tenant. */
    @Override
    public long sessionCount() {
        return delegate.sessionCount();
    }

    @Override
    public long sessionCount(String idPrefix) {
        return delegate.sessionCount(idPrefix);
    }

    @Override
    public long pendingOpCount() {
        return delegate.pendingOpCount();
    }

    @Override
    public boolean isAvailable() {
        return delegate.isAvailable();
    }

    /** Runs a call on the tenant's session; a not-found names the client's id, never the store's. */
    private <R> R on(String id, Function<String, R> call) {
        TenantScope t = scope.get();
        if (!TenantScope.addressable(id)) {
            throw new SessionNotFoundException(id);
        }
        try {
            return call.apply(t.storeId(id));
        } catch (SessionNotFoundException e) {
            throw new SessionNotFoundException(id);
        }
    }

    private static SessionSnapshot toClient(TenantScope t, SessionSnapshot s) {
        return t.unscoped() ? s : s.withId(t.clientId(s.id()));
    }

    /** One page of an id-ordered listing of the store. */
    private interface Page<T> {
        List<T> after(String cursor, int limit);
    }

    /**
     * The tenant's entries of an id-ordered listing, after the client id {@code afterId}. A
     * tenant's store ids share a prefix, so they are contiguous: the listing starts at the prefix
     * and stops at the first id past it. The unscoped tenant skips namespaced ids wherever they are.
     */
    private static <T, R> List<R> ownedInOrder(TenantScope t, String afterId, int limit, Page<T> page, Function<T, String> idOf, Function<T, R> toClient) {
        String cursor = afterId != null ? t.storeId(afterId) : t.unscoped() ? null : t.idPrefix();
        List<R> out = new ArrayList<>();
        while (out.size() < limit) {
            int wanted = limit - out.size();
            List<T> batch = page.after(cursor, wanted);
            for (T item : batch) {
                String storeId = idOf.apply(item);
                cursor = storeId;
                if (t.owns(storeId)) {
                    out.add(toClient.apply(item));
                } else if (!t.unscoped()) {
                    return out; // past this tenant's ids
                }
            }
            if (batch.size() < wanted) {
                break; // the store has no more
            }
        }
        return out;
    }
}
