package dev.batchnorm.store;

import dev.batchnorm.session.ApplyReceipt;
import dev.batchnorm.session.AssignReceipt;
import dev.batchnorm.session.DiscardReceipt;
import dev.batchnorm.session.ForwardCommit;
import dev.batchnorm.session.ForwardReceipt;
import dev.batchnorm.session.LimitExceededException;
import dev.batchnorm.session.OpSelector;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.PendingPage;
import dev.batchnorm.session.SessionNotFoundException;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionState;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Sessions in this process's memory: lost on restart, not shared between replicas. Each session
 * is mutated under its own monitor; snapshots are copies, so callers never alias stored state.
 */
public final class InMemorySessionStore implements SessionStore {

    private final ConcurrentSkipListMap<String, SessionState> sessions = new ConcurrentSkipListMap<>();
    private final Map<String, ConcurrentSkipListSet<String>> pendingByCollection = new ConcurrentHashMap<>();
    private final AtomicLong sessionCount = new AtomicLong();
    private final AtomicLong pendingCount = new AtomicLong();
    private final Object createLock = new Object();
    private final Clock clock;

    public InMemorySessionStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<SessionSnapshot> createIfAbsent(SessionState session, long maxSessions) {
        synchronized (createLock) {
            SessionState existing = live(session.id());
            if (existing != null) {
                synchronized (existing) {
                    existing.touch(clock.instant());
                    return Optional.of(existing.snapshot());
                }
            }
            if (sessionCount.get() >= maxSessions) {
                sweepExpired(); // expired sessions must not count against the limit
            }
            if (sessionCount.get() >= maxSessions) {
                throw new LimitExceededException(LimitExceededException.Limit.SESSIONS, maxSessions,
                        "The service holds its maximum of " + maxSessions + " sessions; delete some first.");
            }
            sessions.put(session.id(), session);
            sessionCount.incrementAndGet();
            return Optional.empty();
        }
    }

    @Override
    public Optional<SessionSnapshot> find(String id) {
        SessionState s = live(id);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            s.touch(clock.instant());
            return Optional.of(s.snapshot());
        }
    }

    @Override
    public boolean delete(String id) {
        SessionState s = sessions.get(id);
        if (s == null) {
            return false;
        }
        boolean live;
        synchronized (s) {
            live = !s.isExpired(clock.instant());
        }
        return remove(s) && live;
    }

    @Override
    public List<SessionSnapshot> list(String afterId, int limit) {
        Map<String, SessionState> tail = afterId == null ? sessions : sessions.tailMap(afterId, false);
        List<SessionSnapshot> out = new ArrayList<>();
        Instant now = clock.instant();
        for (SessionState s : tail.values()) {
            if (out.size() == limit) {
                break;
            }
            synchronized (s) {
                if (!s.isExpired(now)) {
                    out.add(s.snapshot());
                }
            }
        }
        return out;
    }

    @Override
    public ForwardReceipt commitForward(String id, ForwardCommit commit, Limits limits) {
        return mutate(id, s -> s.commitForward(commit, limits));
    }

    @Override
    public ApplyReceipt apply(String id, OpSelector selector) {
        return mutate(id, s -> s.apply(selector, clock.instant()));
    }

    @Override
    public DiscardReceipt discard(String id, OpSelector selector) {
        return mutate(id, s -> s.discard(selector, clock.instant()));
    }

    @Override
    public AssignReceipt assign(String id, Variable variable, StatValue value, String expectedUid, Long ifMatch) {
        return mutate(id, s -> s.assign(variable, value, expectedUid, ifMatch, clock.instant()));
    }

    @Override
    public PendingPage pendingOps(String id, long afterId, int limit) {
        return mutate(id, s -> s.pendingAfter(afterId, limit));
    }

    @Override
    public List<String> sessionsWithPendingOps(String collection, String afterId, int limit) {
        ConcurrentSkipListSet<String> ids = pendingByCollection.get(collection);
        if (ids == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String id : afterId == null ? ids : ids.tailSet(afterId, false)) {
            if (out.size() == limit) {
                break;
            }
            if (live(id) != null) {
                out.add(id);
            }
        }
        return out;
    }

    @Override
    public long sessionCount() {
        return sessionCount.get();
    }

    @Override
    public long sessionCount(String idPrefix) {
        Instant now = clock.instant();
        long n = 0;
        for (SessionState s : sessions.subMap(idPrefix, true, idPrefix + Character.MAX_VALUE, false).values()) {
            synchronized (s) {
                if (!s.isExpired(now)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public long pendingOpCount() {
        return pendingCount.get();
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    /** Removes every expired session; returns how many. Called periodically. */
    public int sweepExpired() {
        Instant now = clock.instant();
        int removed = 0;
        for (SessionState s : sessions.values()) {
            if (removeIfExpired(s, now)) {
                removed++;
            }
        }
        return removed;
    }

    private <R> R mutate(String id, Function<SessionState, R> change) {
        SessionState s = require(id);
        synchronized (s) {
            if (sessions.get(id) != s || s.isExpired(clock.instant())) {
                throw new SessionNotFoundException(id); // deleted or expired while we waited for it
            }
            long before = s.pendingCount();
            R result = change.apply(s);
            s.touch(clock.instant());
            long after = s.pendingCount();
            if (after != before) {
                pendingCount.addAndGet(after - before);
                indexPending(s, after > 0);
            }
            return result;
        }
    }

    private SessionState require(String id) {
        SessionState s = live(id);
        if (s == null) {
            throw new SessionNotFoundException(id);
        }
        return s;
    }

    /** The session if present and not expired; an expired one is removed on the way. */
    private SessionState live(String id) {
        SessionState s = sessions.get(id);
        if (s == null || removeIfExpired(s, clock.instant())) {
            return null;
        }
        return s;
    }

    /** Removes the session if it is expired, deciding and removing under one hold of its lock. */
    private boolean removeIfExpired(SessionState s, Instant now) {
        synchronized (s) {
            return s.isExpired(now) && remove(s);
        }
    }

    private boolean remove(SessionState s) {
        synchronized (s) {
            if (!sessions.remove(s.id(), s)) {
                return false;
            }
            sessionCount.decrementAndGet();
            pendingCount.addAndGet(-s.pendingCount());
            indexPending(s, false);
            return true;
        }
    }

    /**
     * Keeps the collection index: ids of sessions with pending ops. A removed session only takes
     * its id out while no newer session holds that id, and an emptied set goes away.
     */
    private void indexPending(SessionState s, boolean hasPending) {
        String collection = s.spec().updateOpsCollection();
        if (collection == null) {
            return;
        }
        if (hasPending) {
            pendingByCollection.compute(collection, (c, ids) -> {
                ConcurrentSkipListSet<String> set = ids == null ? new ConcurrentSkipListSet<>() : ids;
                set.add(s.id());
                return set;
            });
        } else {
            pendingByCollection.computeIfPresent(collection, (c, ids) -> {
                SessionState current = sessions.get(s.id());
                if (current == null || current == s) {
                    ids.remove(s.id());
                }
                return ids.isEmpty() ? null : ids;
            });
        }
    }
}
