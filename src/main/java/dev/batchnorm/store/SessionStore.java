package dev.batchnorm.store;

import dev.batchnorm.session.ApplyReceipt;
import dev.batchnorm.session.AssignReceipt;
import dev.batchnorm.session.DiscardReceipt;
import dev.batchnorm.session.ForwardCommit;
import dev.batchnorm.session.ForwardReceipt;
import dev.batchnorm.session.OpSelector;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.PendingPage;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionState;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import java.util.List;
import java.util.Optional;

/**
 * Stores sessions. Each mutating method changes one session atomically with respect to every other
 * call on that session, from any thread or replica, and changes nothing when it throws. The
 * semantics of each mutation are those of the same-named {@link SessionState} method. Methods that
 * name a session throw {@link dev.batchnorm.session.SessionNotFoundException} when no live session
 * has the id; an expired session is not live. Using a session refreshes its idle expiry.
 */
public interface SessionStore {

    /**
     * Stores a new session unless its id is taken.
     *
     * @return empty when stored; otherwise the existing session, and nothing was stored
     * @throws dev.batchnorm.session.LimitExceededException when {@code maxSessions} live sessions exist
     */
    Optional<SessionSnapshot> createIfAbsent(SessionState session, long maxSessions);

    /** A snapshot of the session, or empty when no live session has the id. */
    Optional<SessionSnapshot> find(String id);

    /**
     * A snapshot for a forward to compute from. It may be slightly stale, because every commit
     * checks what the forward used (incarnation, shape, parameter versions), so a remote store
     * may serve it from a local cache and save a round trip.
     */
    default Optional<SessionSnapshot> findForForward(String id) {
        return find(id);
    }

    /** Deletes the session with its pending ops; false when there was none. */
    boolean delete(String id);

    /** Live sessions with ids after {@code afterId} ({@code null}: from the first), in id order. */
    List<SessionSnapshot> list(String afterId, int limit);

    /** See {@link SessionState#commitForward}. */
    ForwardReceipt commitForward(String id, ForwardCommit commit, Limits limits);

    /** See {@link SessionState#apply}. */
    ApplyReceipt apply(String id, OpSelector selector);

    /** See {@link SessionState#discard}. */
    DiscardReceipt discard(String id, OpSelector selector);

    /** See {@link SessionState#assign}. */
    AssignReceipt assign(String id, Variable variable, StatValue value, String expectedUid, Long ifMatch);

    /** The session's pending ops with ids after {@code afterId}, in id order, with their total. */
    PendingPage pendingOps(String id, long afterId, int limit);

    /** Ids of live sessions with ops pending in {@code collection}, after {@code afterId}, in id order. */
    List<String> sessionsWithPendingOps(String collection, String afterId, int limit);

    /** How many live sessions there are (may lag expiry slightly). */
    long sessionCount();

    /**
     * How many live sessions have ids that start with {@code idPrefix} (a tenant's namespace); may
     * lag expiry slightly, as {@link #sessionCount()} does.
     */
    long sessionCount(String idPrefix);

    /** How many ops are pending across all sessions. */
    long pendingOpCount();

    /** Whether the store answers; readiness reports this. */
    boolean isAvailable();
}
