package dev.batchnorm.session;

import dev.batchnorm.store.SessionStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Creates, reads, lists and deletes sessions, and assigns variables. */
public final class SessionService {

    /** A created or found session; {@code created} is false for an idempotent retry. */
    public record Created(SessionSnapshot session, boolean created) {}

    private final SessionStore store;
    private final Limits limits;
    private final Clock clock;

    public SessionService(SessionStore store, Limits limits, Clock clock) {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Creates a session, or returns the existing one when a session with the same id and the
     * identical spec exists (a retried create).
     *
     * @throws SessionConflictException when the id exists with another spec
     * @throws InvalidSpecException when array initializers do not fit the axes or each other
     */
    public Created create(SessionSpec spec) {
        SessionState state;
        try {
            state = SessionState.create(spec, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("/initializers", "The initializers do not fit: " + e.getMessage() + ".");
        }
        Optional<SessionSnapshot> existing = store.createIfAbsent(state, limits.maxSessions());
        if (existing.isEmpty()) {
            return new Created(state.snapshot(), true);
        }
        if (!existing.get().spec().equals(spec)) {
            throw new SessionConflictException(spec.id());
        }
        return new Created(existing.get(), false);
    }

    /** @throws SessionNotFoundException when there is none */
    public SessionSnapshot get(String id) {
        return store.find(id).orElseThrow(() -> new SessionNotFoundException(id));
    }

    /** A snapshot to run a forward from; see {@link SessionStore#findForForward}. */
    public SessionSnapshot getForForward(String id) {
        return store.findForForward(id).orElseThrow(() -> new SessionNotFoundException(id));
    }

    public List<SessionSnapshot> list(String afterId, int limit) {
        return store.list(afterId, limit);
    }

    /** @throws SessionNotFoundException when there is none */
    public void delete(String id) {
        if (!store.delete(id)) {
            throw new SessionNotFoundException(id);
        }
    }

    /** Assigns a variable. See {@link SessionState#assign}. */
    public AssignReceipt assign(String id, Variable variable, StatValue value, String expectedUid, Long ifMatch) {
        return store.assign(id, variable, value, expectedUid, ifMatch);
    }
}
