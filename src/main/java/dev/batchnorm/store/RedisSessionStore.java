package dev.batchnorm.store;

import static dev.batchnorm.store.RedisSessionCodec.str;
import static dev.batchnorm.store.RedisSessionCodec.utf8;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.NonFiniteResultException;
import dev.batchnorm.session.ApplyReceipt;
import dev.batchnorm.session.AssignReceipt;
import dev.batchnorm.session.Counters;
import dev.batchnorm.session.DiscardReceipt;
import dev.batchnorm.session.ForwardCommit;
import dev.batchnorm.session.ForwardReceipt;
import dev.batchnorm.session.LimitExceededException;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.OpSelector;
import dev.batchnorm.session.PendingOp;
import dev.batchnorm.session.PendingPage;
import dev.batchnorm.session.SessionNotFoundException;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionState;
import dev.batchnorm.session.ShapeMismatchException;
import dev.batchnorm.session.ShapeRules;
import dev.batchnorm.session.StaleSnapshotException;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.UpdateOpsException;
import dev.batchnorm.session.Variable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Sessions in Redis, shared by every replica and kept across restarts. Each session is a hash
 * ({@code prefix:{id}}), a sorted set of pending ops ({@code prefix:{id}:ops}) and a set of
 * discarded ids ({@code prefix:{id}:disc}); the hash tag keeps them in one cluster slot. Every
 * mutation is one Lua script, so it is atomic in Redis and takes one round trip; the moving
 * averages are updated inside the script with float32 arithmetic emulated exactly. Two sorted sets
 * index sessions for listing and by collection; they are written before a session is created and
 * cleaned after it is gone, so no live session is ever missing from them.
 */
public final class RedisSessionStore implements SessionStore {

    private static final RedisSerializer<byte[]> BYTES = RedisSerializer.byteArray();

    private final RedisTemplate<byte[], byte[]> redis;
    /** The scripts' fast path on Lettuce; null with another client, which then goes through the template. */
    private final LettuceScripts scripts;
    private final String prefix;
    private final Clock clock;
    private final ExecutorService gaugeWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "redis-gauge");
        t.setDaemon(true);
        return t;
    });
    @SuppressWarnings("rawtypes")
    private final RedisScript<List> commit = script(List.class, "commit", "commit_one");
    /** Concurrent forwards' commits, sent together; null without Lettuce. */
    private final ScriptBatcher commits;
    @SuppressWarnings("rawtypes")
    private final RedisScript<List> apply = script(List.class, "apply");
    @SuppressWarnings("rawtypes")
    private final RedisScript<List> discard = script(List.class, "discard");
    @SuppressWarnings("rawtypes")
    private final RedisScript<List> pending = script(List.class, "pending");
    @SuppressWarnings("rawtypes")
    private final RedisScript<List> find = script(List.class, "find");
    private final RedisScript<Long> create = script(Long.class, "create");
    private final RedisScript<Long> cas = script(Long.class, "cas");

    /** Snapshots forwards compute from; the commit script rejects a stale one, which is then re-read. */
    private final Map<String, SessionSnapshot> forwardCache = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int FORWARD_CACHE_SIZE = 10_000;
    /** At most this many variable values (doubles) held by cached snapshots. */
    private static final long FORWARD_CACHE_VALUES = 4L << 20;
    private final java.util.concurrent.atomic.AtomicLong cachedValues = new java.util.concurrent.atomic.AtomicLong();

    /** The template this store needs: raw bytes for keys, values and hash entries. */
    public static RedisTemplate<byte[], byte[]> bytesTemplate(org.springframework.data.redis.connection.RedisConnectionFactory factory) {
        RedisTemplate<byte[], byte[]> t = new RedisTemplate<>();
        t.setConnectionFactory(factory);
        t.setKeySerializer(BYTES);
        t.setValueSerializer(BYTES);
        t.setHashKeySerializer(BYTES);
        t.setHashValueSerializer(BYTES);
        t.afterPropertiesSet();
        return t;
    }

    public RedisSessionStore(RedisTemplate<byte[], byte[]> redis, String prefix, Clock clock) {
        this.redis = redis;
        this.scripts = redis.getConnectionFactory() instanceof org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory lettuce
                ? new LettuceScripts(lettuce, RedisSessionStore::unavailable) : null;
        this.commits = scripts == null ? null : new ScriptBatcher(scripts, commit, script(List.class, "commit", "commit_many"), 3);
        this.prefix = prefix;
        this.clock = clock;
    }

    @Override
    public Optional<SessionSnapshot> createIfAbsent(SessionState session, long maxSessions) {
        return call(() -> {
            String id = session.id();
            SessionSnapshot s = session.snapshot();
            long ttlMs = s.spec().ttlSeconds() == null ? 0 : s.spec().ttlSeconds() * 1000;
            List<byte[]> args = new ArrayList<>();
            args.add(utf8(Long.toString(ttlMs)));
            RedisSessionCodec.fields(s, ttlMs).forEach((k, v) -> {
                args.add(utf8(k));
                args.add(v);
            });
            for (int attempt = 0; attempt < 8; attempt++) {
                Optional<SessionSnapshot> existing = peek(id);
                if (existing.isPresent()) {
                    return existing; // a retried create answers the session, even at the limit
                }
                // approximate across replicas: two creates at the limit may both pass
                if (sessionCount() >= maxSessions) {
                    throw new LimitExceededException(LimitExceededException.Limit.SESSIONS, maxSessions,
                            "The service holds its maximum of " + maxSessions + " sessions; delete some first.");
                }
                redis.opsForZSet().add(sessionsKey(), utf8(id), 0);
                Long created = redis.execute(create, keys(id), args.toArray());
                if (created == 1) {
                    index(s.spec().updateOpsCollection(), id); // again: a concurrent cleanup may have run between
                    return Optional.<SessionSnapshot>empty();
                }
                // the id existed: loop to read it (it may have been deleted meanwhile, then create again)
            }
            throw new dev.batchnorm.session.ContentionException("The id kept being created and deleted concurrently; retry.");
        });
    }

    @Override
    public Optional<SessionSnapshot> find(String id) {
        return call(() -> read(id, true));
    }

    /** A snapshot without refreshing the idle expiry or filling the forward cache (listing, creates). */
    private Optional<SessionSnapshot> peek(String id) {
        return read(id, false);
    }

    private Optional<SessionSnapshot> read(String id, boolean use) {
        List<Object> r = exec(find, id, utf8(use ? "1" : "0"));
        if (r.isEmpty()) {
            forwardCache.remove(id);
            return Optional.empty();
        }
        List<?> flat = (List<?>) r.get(0);
        Map<String, byte[]> fields = new HashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            fields.put(str((byte[]) flat.get(i)), (byte[]) flat.get(i + 1));
        }
        SessionSnapshot s = RedisSessionCodec.snapshot(fields, (Long) r.get(1), clock.instant());
        if (use) {
            cacheForForwards(s);
        }
        return Optional.of(s);
    }

    /** Caches a snapshot for forwards, within a budget of variable values (not just of entries). */
    private void cacheForForwards(SessionSnapshot s) {
        long weight = s.variables().values().stream().mapToLong(StatValue::size).sum();
        if (weight > FORWARD_CACHE_VALUES / 16) {
            forwardCache.remove(s.id());
            return;
        }
        if (forwardCache.size() >= FORWARD_CACHE_SIZE || cachedValues.addAndGet(weight) > FORWARD_CACHE_VALUES) {
            forwardCache.clear();
            cachedValues.set(weight);
        }
        forwardCache.put(s.id(), s);
    }

    @Override
    public Optional<SessionSnapshot> findForForward(String id) {
        SessionSnapshot cached = forwardCache.get(id);
        return cached != null ? Optional.of(cached) : find(id);
    }

    @Override
    public boolean delete(String id) {
        return call(() -> {
            byte[] coll = (byte[]) redis.opsForHash().get(key(id), utf8("coll"));
            Long pendingBefore = redis.opsForZSet().zCard(opsKey(id));
            forwardCache.remove(id);
            Long removed = redis.delete(keys(id));
            if (removed == null || removed == 0) {
                return false;
            }
            unindex(coll == null ? null : str(coll), id);
            if (pendingBefore != null && pendingBefore > 0) {
                adjustPendingGauge(-pendingBefore);
            }
            return true;
        });
    }

    @Override
    public List<SessionSnapshot> list(String afterId, int limit) {
        return call(() -> {
            List<SessionSnapshot> out = new ArrayList<>();
            String cursor = afterId;
            while (out.size() < limit) {
                List<String> ids = range(sessionsKey(), cursor, limit - out.size());
                if (ids.isEmpty()) {
                    break;
                }
                for (String id : ids) {
                    peek(id).ifPresentOrElse(out::add, () -> cleanDangling(sessionsKey(), id));
                    cursor = id;
                }
            }
            return out;
        });
    }

    @Override
    public ForwardReceipt commitForward(String id, ForwardCommit c, Limits limits) {
        return call(() -> {
            List<Object> r = commitOnce(id, c, limits, null, -1);
            if (code(r) == -9) {
                // the first forward fixes the shape: fit the variables as read, and commit if they are still current
                SessionSnapshot s = find(id).orElseThrow(() -> new SessionNotFoundException(id));
                if (!s.uid().equals(c.uid())) {
                    throw new SessionNotFoundException(id);
                }
                Map<Variable, StatValue> fitted = s.pattern() == null
                        ? SessionState.fitAll(s.variables(), c.pattern(), c.inputShape()) : Map.of();
                r = commitOnce(id, c, limits, RedisSessionCodec.variableFields(fitted, s.spec().dtype()), s.statsVersion());
                if (code(r) == -9) {
                    throw new StaleSnapshotException();
                }
            }
            switch ((int) code(r)) {
                case 1 -> {}
                case -1 -> {
                    forwardCache.remove(id);
                    throw new SessionNotFoundException(id);
                }
                case -2 -> throw new StaleSnapshotException();
                case -3 -> throw ShapeRules.mismatch(RedisSessionCodec.ints(str((byte[]) r.get(1))), c.inputShape());
                case -4 -> throw new LimitExceededException(LimitExceededException.Limit.PENDING_OPS, limits.maxPendingOpsPerSession(),
                        "The session has " + r.get(1) + " pending update ops and allows " + limits.maxPendingOpsPerSession()
                                + "; apply or discard them before more training forwards.");
                case -5 -> throw new LimitExceededException(LimitExceededException.Limit.PENDING_OPS, limits.maxPendingElementsPerSession(),
                        "The session's pending update ops hold " + r.get(1) + " values and it allows "
                                + limits.maxPendingElementsPerSession() + "; apply or discard them before more training forwards.");
                case -6 -> throw new NonFiniteResultException("moving average update overflows the session's dtype");
                default -> throw new IllegalStateException("unexpected commit answer " + code(r));
            }
            long first = (Long) r.get(2);
            long delta = (Long) r.get(3);
            if (delta > 0) {
                adjustPendingGauge(delta);
            }
            long[] ids = first == 0 ? new long[0] : new long[] {first, first + 1};
            return new ForwardReceipt((Long) r.get(1), ids, c.mode() == dev.batchnorm.session.UpdateMode.APPLY);
        });
    }

    private List<Object> commitOnce(String id, ForwardCommit c, Limits limits, Map<String, byte[]> fitted, long fitSver) {
        List<byte[]> args = new ArrayList<>(List.of(
                utf8(c.uid()), utf8(Long.toString(c.paramsVersion())), utf8(Long.toString(c.statsVersion())),
                utf8(Long.toString(fitSver)), utf8(RedisSessionCodec.csv(c.pattern())),
                utf8(switch (c.mode()) {
                    case NONE -> "none";
                    case APPLY -> "apply";
                    case DEFER -> "defer";
                })));
        // batch statistics travel as float64 (exact for float32 values too): the script needs no read first
        args.add(c.batchMean() == null ? new byte[0] : RedisSessionCodec.values(c.batchMean(), DType.FLOAT64));
        args.add(c.batchVariance() == null ? new byte[0] : RedisSessionCodec.values(c.batchVariance(), DType.FLOAT64));
        args.add(utf8(Long.toString(c.now().toEpochMilli())));
        args.add(utf8(Long.toString(limits.maxPendingOpsPerSession())));
        args.add(utf8(Long.toString(limits.maxPendingElementsPerSession())));
        args.add(RedisSessionCodec.f64(c.now().toEpochMilli()));
        if (fitted != null) {
            fitted.forEach((k, v) -> {
                args.add(utf8(k));
                args.add(v);
            });
        }
        if (fitted == null && commits != null) {
            return commits.run(keys(id).toArray(new byte[0][]), args.toArray(new byte[0][]));
        }
        return exec(commit, id, args.toArray());
    }

    @Override
    public ApplyReceipt apply(String id, OpSelector selector) {
        return call(() -> {
            List<Object> r = exec(apply, id, selectorArgs(selector, true));
            checkOps(r, id);
            DType dtype = DType.fromWireName(str((byte[]) r.get(5)));
            long[] applied = longs(r.get(2));
            if (applied.length > 0) {
                adjustPendingGauge(-applied.length);
            }
            return new ApplyReceipt(applied, longs(r.get(3)), variables((List<?>) r.get(4), dtype), dtype, (Long) r.get(1));
        });
    }

    @Override
    public DiscardReceipt discard(String id, OpSelector selector) {
        return call(() -> {
            List<Object> r = exec(discard, id, selectorArgs(selector, false));
            checkOps(r, id);
            long[] discarded = longs(r.get(2));
            if (discarded.length > 0) {
                adjustPendingGauge(-discarded.length);
            }
            return new DiscardReceipt(discarded, longs(r.get(3)), (Long) r.get(1));
        });
    }

    @Override
    public AssignReceipt assign(String id, Variable variable, StatValue value, String expectedUid, Long ifMatch) {
        return call(() -> {
            for (int attempt = 0; attempt < 32; attempt++) {
                SessionSnapshot s = find(id).orElseThrow(() -> new SessionNotFoundException(id));
                if (expectedUid != null && !expectedUid.equals(s.uid())) {
                    throw new SessionNotFoundException(id);
                }
                // the rules are SessionState's; the write succeeds only if nothing changed since the read
                SessionState state = SessionState.restore(s);
                AssignReceipt r = state.assign(variable, value, null, ifMatch, clock.instant());
                SessionSnapshot after = state.snapshot();
                List<byte[]> args = new ArrayList<>(List.of(utf8(s.uid()), utf8(Long.toString(s.version()))));
                Map<String, byte[]> fields = new java.util.LinkedHashMap<>(RedisSessionCodec.variableFields(after.variables(), s.spec().dtype()));
                fields.put("pat", utf8(RedisSessionCodec.csv(after.pattern())));
                fields.put("ver", utf8(Long.toString(after.version())));
                fields.put("pver", utf8(Long.toString(after.paramsVersion())));
                fields.put("sver", utf8(Long.toString(after.statsVersion())));
                fields.put("upd", utf8(Long.toString(clock.instant().toEpochMilli())));
                fields.forEach((k, v) -> {
                    args.add(utf8(k));
                    args.add(v);
                });
                Long ok = redis.execute(cas, keys(id), args.toArray());
                if (ok == 1) {
                    return r;
                }
                if (ok == -1) {
                    throw new SessionNotFoundException(id);
                }
            }
            throw new dev.batchnorm.session.ContentionException("The session changed 32 times while a variable was being assigned; retry.");
        });
    }

    @Override
    public PendingPage pendingOps(String id, long afterId, int limit) {
        return call(() -> {
            List<Object> r = exec(pending, id, utf8(Long.toString(afterId)), utf8(Integer.toString(limit)));
            if (code(r) == -1) {
                throw new SessionNotFoundException(id);
            }
            DType dtype = DType.fromWireName(str((byte[]) r.get(3)));
            String coll = str((byte[]) r.get(4));
            int[] pattern = RedisSessionCodec.ints(str((byte[]) r.get(5)));
            int[] statsShape = pattern == null ? new int[0] : ShapeRules.statsShape(pattern);
            List<PendingOp> ops = new ArrayList<>();
            for (Object m : (List<?>) r.get(1)) {
                ops.add(RedisSessionCodec.op((byte[]) m, coll.isEmpty() ? null : coll, statsShape, dtype));
            }
            return new PendingPage(ops, (Long) r.get(2), dtype);
        });
    }

    @Override
    public List<String> sessionsWithPendingOps(String collection, String afterId, int limit) {
        return call(() -> {
            // the index holds every session of the collection; keep those with ops pending
            List<String> out = new ArrayList<>();
            String cursor = afterId;
            while (out.size() < limit) {
                List<String> candidates = range(collectionKey(collection), cursor, Math.max(limit, 64));
                if (candidates.isEmpty()) {
                    break;
                }
                for (String id : candidates) {
                    cursor = id;
                    Long n = redis.opsForZSet().zCard(opsKey(id));
                    if (n != null && n > 0) {
                        out.add(id);
                        if (out.size() == limit) {
                            break;
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public long sessionCount() {
        return call(() -> {
            Long n = redis.opsForZSet().zCard(sessionsKey());
            return n == null ? 0 : n;
        });
    }

    /** Counted in the session index, so a session that expired counts until the index sweep removes it. */
    @Override
    public long sessionCount(String idPrefix) {
        return call(() -> {
            Long n = redis.opsForZSet().lexCount(sessionsKey(),
                    Range.rightOpen(idPrefix, idPrefix + Character.MAX_VALUE));
            return n == null ? 0 : n;
        });
    }

    /**
     * The pending ops across sessions: a counter each replica adjusts off the request path; this
     * replica's own adjustments are flushed before it is read.
     */
    @Override
    public long pendingOpCount() {
        try {
            gaugeWriter.submit(() -> {}).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // read what is there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return call(() -> {
            byte[] v = redis.opsForValue().get(utf8(prefix + ":pending"));
            return v == null ? 0 : Math.max(0, Long.parseLong(str(v)));
        });
    }

    @Override
    public boolean isAvailable() {
        try {
            // a write, not a PING: a Redis that is read-only, loading or out of memory is not ready
            redis.opsForValue().set(utf8(prefix + ":health"), utf8("ok"), java.time.Duration.ofSeconds(5));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Removes index entries of sessions that expired, from the session index and every collection
     * index, and recounts the pending ops of the live ones into the gauge; returns how many entries
     * went. Called periodically.
     */
    public int sweepDangling() {
        return call(() -> {
            long[] pendingTotal = {0};
            int removed = sweepIndex(sessionsKey(), id -> {
                Long n = redis.opsForZSet().zCard(opsKey(id));
                pendingTotal[0] += n == null ? 0 : n;
            });
            java.util.Set<byte[]> collections = redis.opsForSet().members(utf8(prefix + ":collections"));
            for (byte[] c : collections == null ? java.util.Set.<byte[]>of() : collections) {
                removed += sweepIndex(collectionKey(str(c)), id -> {});
            }
            gaugeWriter.execute(() -> redis.opsForValue().set(utf8(prefix + ":pending"), utf8(Long.toString(pendingTotal[0]))));
            return removed;
        });
    }

    private int sweepIndex(byte[] indexKey, java.util.function.Consumer<String> live) {
        int removed = 0;
        String cursor = null;
        while (true) {
            List<String> ids = range(indexKey, cursor, 500);
            if (ids.isEmpty()) {
                return removed;
            }
            for (String id : ids) {
                if (Boolean.TRUE.equals(redis.hasKey(key(id)))) {
                    live.accept(id);
                } else if (cleanDangling(indexKey, id)) {
                    removed++;
                }
                cursor = id;
            }
        }
    }

    /** Stops the background gauge writer. */
    public void close() {
        gaugeWriter.shutdown();
    }

    // --- helpers

    private <T> T call(Supplier<T> body) {
        try {
            return body.get();
        } catch (DataAccessResourceFailureException | QueryTimeoutException e) {
            throw new StoreUnavailableException(e);
        } catch (org.springframework.data.redis.RedisSystemException e) {
            if (unavailable(e.getCause())) {
                throw new StoreUnavailableException(e);
            }
            throw e;
        }
    }

    /** Redis answers that mean "not now" rather than "wrong": timeouts, loading, busy, read-only, out of memory, cluster down. */
    private static boolean unavailable(Throwable cause) {
        if (cause instanceof io.lettuce.core.RedisBusyException || cause instanceof io.lettuce.core.RedisLoadingException
                || cause instanceof io.lettuce.core.RedisReadOnlyException) {
            return true;
        }
        if (cause instanceof io.lettuce.core.RedisException && !(cause instanceof io.lettuce.core.RedisCommandExecutionException)) {
            return true; // the connection, not the command: timeouts, refused, closed, "not connected"
        }
        String m = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        return m.startsWith("OOM") || m.startsWith("MASTERDOWN") || m.startsWith("CLUSTERDOWN") || m.startsWith("TRYAGAIN")
                || m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("READONLY");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<Object> exec(RedisScript<List> script, String id, Object... args) {
        if (scripts != null) {
            byte[][] argv = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                argv[i] = (byte[]) args[i];
            }
            return scripts.run(script, keys(id).toArray(new byte[0][]), argv);
        }
        List<Object> r = redis.execute(script, BYTES, (RedisSerializer) BYTES, keys(id), args);
        return r == null ? List.of() : r;
    }

    private static long code(List<Object> r) {
        return r.isEmpty() ? -1 : (Long) r.get(0);
    }

    private void checkOps(List<Object> r, String id) {
        switch ((int) code(r)) {
            case 1 -> {}
            case -1 -> throw new SessionNotFoundException(id);
            case -7 -> throw new UpdateOpsException(UpdateOpsException.Reason.NOT_FOUND, longs(r.get(1)));
            case -8 -> throw new UpdateOpsException(UpdateOpsException.Reason.DISCARDED, longs(r.get(1)));
            case -6 -> throw new NonFiniteResultException("moving average update overflows the session's dtype");
            default -> throw new IllegalStateException("unexpected answer " + code(r));
        }
    }

    private Object[] selectorArgs(OpSelector selector, boolean apply) {
        List<byte[]> args = new ArrayList<>();
        switch (selector) {
            case OpSelector.All a -> args.addAll(List.of(utf8("all"), utf8("")));
            case OpSelector.InCollection c -> args.addAll(List.of(utf8(apply ? "coll" : "all"), utf8(c.collection())));
            case OpSelector.Through t -> args.addAll(List.of(utf8("through"), utf8(Long.toString(t.id()))));
            case OpSelector.Ids i -> args.addAll(List.of(utf8("ids"), utf8("")));
        }
        args.add(utf8(Long.toString(clock.instant().toEpochMilli())));
        if (selector instanceof OpSelector.Ids i) {
            // ids are counted from 1 and Lua numbers are doubles: an id past 2^53 never existed
            long[] impossible = java.util.Arrays.stream(i.ids()).filter(id -> id >= (1L << 53)).toArray();
            if (impossible.length > 0) {
                throw new UpdateOpsException(UpdateOpsException.Reason.NOT_FOUND, impossible);
            }
            for (long id : i.ids()) {
                args.add(utf8(Long.toString(id)));
            }
        }
        if (selector instanceof OpSelector.Through t && t.id() >= (1L << 53)) {
            throw new UpdateOpsException(UpdateOpsException.Reason.NOT_FOUND, new long[] {t.id()});
        }
        return args.toArray();
    }

    private static Map<Variable, StatValue> variables(List<?> r, DType dtype) {
        Map<Variable, StatValue> out = new EnumMap<>(Variable.class);
        Variable[] order = {Variable.MOVING_MEAN, Variable.MOVING_VARIANCE, Variable.BETA, Variable.GAMMA};
        for (int i = 0; i < order.length; i++) {
            byte[] shape = (byte[]) r.get(2 * i);
            byte[] values = (byte[]) r.get(2 * i + 1);
            if (values != null) {
                out.put(order[i], RedisSessionCodec.stat(shape == null ? "" : str(shape), values, dtype));
            }
        }
        return out;
    }

    private static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(o -> (Long) o).toArray();
    }

    private List<String> range(byte[] indexKey, String afterId, int limit) {
        Range<String> range = afterId == null ? Range.unbounded()
                : Range.rightUnbounded(Range.Bound.exclusive(afterId));
        Set<byte[]> ids = redis.opsForZSet().rangeByLex(indexKey, range, Limit.limit().count(limit));
        List<String> out = new ArrayList<>();
        if (ids != null) {
            for (byte[] b : ids) {
                out.add(str(b));
            }
        }
        return out;
    }

    private void index(String collection, String id) {
        redis.opsForZSet().add(sessionsKey(), utf8(id), 0);
        if (collection != null) {
            redis.opsForSet().add(utf8(prefix + ":collections"), utf8(collection));
            redis.opsForZSet().add(collectionKey(collection), utf8(id), 0);
        }
    }

    /** Removes a deleted session from the indexes, unless a new one took its id meanwhile. */
    private void unindex(String collection, String id) {
        cleanDangling(sessionsKey(), id);
        if (collection != null && !collection.isEmpty()) {
            cleanDangling(collectionKey(collection), id);
        }
    }

    /** Drops an index entry whose session is gone, and puts it back if the session was created meanwhile. */
    private boolean cleanDangling(byte[] indexKey, String id) {
        redis.opsForZSet().remove(indexKey, (Object) utf8(id));
        if (Boolean.TRUE.equals(redis.hasKey(key(id)))) {
            redis.opsForZSet().add(indexKey, utf8(id), 0);
            return false;
        }
        return true;
    }

    private void adjustPendingGauge(long delta) {
        gaugeWriter.execute(() -> {
            try {
                redis.opsForValue().increment(utf8(prefix + ":pending"), delta);
            } catch (RuntimeException e) {
                // the gauge is best effort; the sessions themselves are exact
            }
        });
    }

    private List<byte[]> keys(String id) {
        return List.of(key(id), opsKey(id), utf8(prefix + ":{" + id + "}:disc"));
    }

    private byte[] key(String id) {
        return utf8(prefix + ":{" + id + "}");
    }

    private byte[] opsKey(String id) {
        return utf8(prefix + ":{" + id + "}:ops");
    }

    private byte[] sessionsKey() {
        return utf8(prefix + ":sessions");
    }

    private byte[] collectionKey(String collection) {
        return utf8(prefix + ":coll:" + collection);
    }

    /** A script made of the prelude and the named files of {@code resources/redis}, in order. */
    static <T> RedisScript<T> script(Class<T> type, String... names) {
        try {
            StringBuilder source = new StringBuilder(new ClassPathResource("redis/prelude.lua").getContentAsString(StandardCharsets.UTF_8));
            for (String name : names) {
                source.append('\n').append(new ClassPathResource("redis/" + name + ".lua").getContentAsString(StandardCharsets.UTF_8));
            }
            return new DefaultRedisScript<>(source.toString(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
