package dev.batchnorm.store;

import dev.batchnorm.session.ApplyReceipt;
import dev.batchnorm.session.AssignReceipt;
import dev.batchnorm.session.DiscardReceipt;
import dev.batchnorm.session.ForwardCommit;
import dev.batchnorm.session.ForwardReceipt;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.OpSelector;
import dev.batchnorm.session.PendingPage;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionState;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Times every store operation: {@code batchnorm.store.operations}, tagged by operation and store. */
public final class TimedSessionStore implements SessionStore {

    private final SessionStore delegate;
    private final String storeName;
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public TimedSessionStore(SessionStore delegate, String storeName, MeterRegistry registry) {
        this.delegate = delegate;
        this.storeName = storeName;
        this.registry = registry;
    }

    /** The store being timed. */
    public SessionStore delegate() {
        return delegate;
    }

    private <T> T timed(String operation, Supplier<T> call) {
        Timer timer = timers.computeIfAbsent(operation, op -> Timer.builder("batchnorm.store.operations")
                .description("Session store operations, by operation")
                .tags("operation", op, "store", storeName)
                .register(registry));
        return timer.record(call);
    }

    @Override
    public Optional<SessionSnapshot> createIfAbsent(SessionState session, long maxSessions) {
        return timed("create", () -> delegate.createIfAbsent(session, maxSessions));
    }

    @Override
    public Optional<SessionSnapshot> find(String id) {
        return timed("find", () -> delegate.find(id));
    }

    @Override
    public Optional<SessionSnapshot> findForForward(String id) {
        return timed("find_for_forward", () -> delegate.findForForward(id));
    }

    @Override
    public boolean delete(String id) {
        return timed("delete", () -> delegate.delete(id));
    }

    @Override
    public List<SessionSnapshot> list(String afterId, int limit) {
        return timed("list", () -> delegate.list(afterId, limit));
    }

    @Override
    public ForwardReceipt commitForward(String id, ForwardCommit commit, Limits limits) {
        return timed("commit_forward", () -> delegate.commitForward(id, commit, limits));
    }

    @Override
    public ApplyReceipt apply(String id, OpSelector selector) {
        return timed("apply", () -> delegate.apply(id, selector));
    }

    @Override
    public DiscardReceipt discard(String id, OpSelector selector) {
        return timed("discard", () -> delegate.discard(id, selector));
    }

    @Override
    public AssignReceipt assign(String id, Variable variable, StatValue value, String expectedUid, Long ifMatch) {
        return timed("assign", () -> delegate.assign(id, variable, value, expectedUid, ifMatch));
    }

    @Override
    public PendingPage pendingOps(String id, long afterId, int limit) {
        return timed("pending_ops", () -> delegate.pendingOps(id, afterId, limit));
    }

    @Override
    public List<String> sessionsWithPendingOps(String collection, String afterId, int limit) {
        return timed("sessions_with_pending_ops", () -> delegate.sessionsWithPendingOps(collection, afterId, limit));
    }

    @Override
    public long sessionCount() {
        return delegate.sessionCount();
    }

    @Override
    public long sessionCount(String idPrefix) {
        return timed("count", () -> delegate.sessionCount(idPrefix));
    }

    @Override
    public long pendingOpCount() {
        return delegate.pendingOpCount();
    }

    @Override
    public boolean isAvailable() {
        return delegate.isAvailable();
    }
}
