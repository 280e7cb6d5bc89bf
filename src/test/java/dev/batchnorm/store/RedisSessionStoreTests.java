package dev.batchnorm.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.norm.DType;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionState;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.UpdateMode;
import dev.batchnorm.session.Variable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

/** The store contract against a real Redis (Testcontainers, or a local redis-server on a free port). */
class RedisSessionStoreTests extends SessionStoreContractTests {

    static LettuceConnectionFactory factory;
    static RedisTemplate<byte[], byte[]> template;

    @BeforeAll
    static void connect() throws Exception {
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(RedisTestServer.host(), RedisTestServer.port()));
        factory.afterPropertiesSet();
        factory.start();
        template = template(factory);
    }

    static RedisTemplate<byte[], byte[]> template(LettuceConnectionFactory factory) {
        return RedisSessionStore.bytesTemplate(factory);
    }

    @AfterAll
    static void disconnect() {
        factory.destroy();
    }

    @Override
    protected SessionStore newStore() {
        // a fresh namespace per test: the same server, no shared state
        return new RedisSessionStore(template, "t" + UUID.randomUUID(), clock);
    }

    /** Redis expires keys on its own clock, so this one runs in real time. */
    @Override
    @Test
    void ttl_IdleSession_ShouldExpireAndUseShouldRefreshIt() throws InterruptedException {
        SessionSpec spec = new SessionSpec("t", null, true, false, 0.999, 1e-3, "update_ops", Map.of(), DType.FLOAT32, 3L);
        store.createIfAbsent(SessionState.create(spec, clock.instant()), 1000);
        Thread.sleep(2000);
        assertThat(store.find("t")).isPresent();
        Thread.sleep(2000);
        assertThat(store.find("t")).as("4 s after creation, refreshed by the find 2 s ago").isPresent();
        assertThat(store.list(null, 10)).as("listing does not count as use").hasSize(1);
        Thread.sleep(3500);
        assertThat(store.find("t")).isEmpty();
        assertThat(store.list(null, 10)).isEmpty();
    }

    @Test
    void values_ShouldBeCompactBinary() {
        create("a", "update_ops");
        forward(store.find("a").orElseThrow(), dev.batchnorm.session.UpdateMode.APPLY);
        RedisSessionStore redis = (RedisSessionStore) store;
        byte[] mean = (byte[]) template.opsForHash().get(keyOf(redis, "a"), "v:movingMean".getBytes());
        assertThat(mean).hasSize(2 * 4); // two float32 values, 4 bytes each
    }

    @Test
    void scripts_ShouldBeReloadedWhenRedisLostThem() {
        create("a", null);
        forward(store.find("a").orElseThrow(), dev.batchnorm.session.UpdateMode.APPLY);
        // a restarted Redis, or a SCRIPT FLUSH, leaves EVALSHA with NOSCRIPT: the store sends the source once
        template.execute((org.springframework.data.redis.core.RedisCallback<Void>) c -> {
            c.scriptingCommands().scriptFlush();
            return null;
        });
        forward(store.find("a").orElseThrow(), dev.batchnorm.session.UpdateMode.APPLY);
        assertThat(store.find("a").orElseThrow().counters().forwards()).isEqualTo(2);
    }

    /**
     * Concurrent forwards share script calls (group commit), yet each commit keeps its own checks
     * and its own answer: in-place updates land exactly once, deferred ones get unique ids, a stale
     * one is refused and one of a replaced session is not found, all in the same calls.
     */
    @Test
    void commitForward_ConcurrentMixedCommits_ShouldShareCallsAndEachKeepItsOwnOutcome() throws Exception {
        SessionSnapshot inPlace = create("in-place", null);
        SessionSnapshot deferred = create("deferred", "update_ops");
        SessionSnapshot stale = create("stale", null);
        store.assign("stale", Variable.BETA, StatValue.scalar(1), null, null);
        SessionSnapshot gone = create("gone", null);
        store.delete("gone");
        create("gone", null); // the same id, another incarnation
        template.execute((org.springframework.data.redis.core.RedisCallback<Void>) c -> {
            c.scriptingCommands().scriptFlush(); // the batch script, too, must come back by itself
            c.serverCommands().resetConfigStats();
            return null;
        });
        int threads = 16;
        int perThread = 40;
        java.util.concurrent.ConcurrentLinkedQueue<Long> opIds = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger refusedStale = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger notFound = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<Thread> workers = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int kind = t % 4;
            workers.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        switch (kind) {
                            case 0 -> assertThat(forward(inPlace, UpdateMode.APPLY).updatesApplied()).isTrue();
                            case 1 -> {
                                for (long id : forward(deferred, UpdateMode.DEFER).opIds()) {
                                    opIds.add(id);
                                }
                            }
                            case 2 -> {
                                try {
                                    forward(stale, UpdateMode.APPLY);
                                } catch (dev.batchnorm.session.StaleSnapshotException e) {
                                    refusedStale.incrementAndGet();
                                }
                            }
                            default -> {
                                try {
                                    forward(gone, UpdateMode.APPLY);
                                } catch (dev.batchnorm.session.SessionNotFoundException e) {
                                    notFound.incrementAndGet();
                                }
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failures).isEmpty();
        int each = threads / 4 * perThread;
        // exactly once: the E1 update applied `each` times in float32
        float mm = 0;
        float mv = 1;
        for (int i = 0; i < each; i++) {
            mm = mm - (mm - 2f) * 0.001f;
            mv = mv - (mv - (float) (2.0 / 3.0)) * 0.001f;
        }
        SessionSnapshot a = store.find("in-place").orElseThrow();
        assertThat(a.variables().get(Variable.MOVING_MEAN).data()[0]).isEqualTo(mm);
        assertThat(a.variables().get(Variable.MOVING_VARIANCE).data()[0]).isEqualTo(mv);
        assertThat(a.counters().forwards()).isEqualTo(each);
        assertThat(opIds).hasSize(2 * each).doesNotHaveDuplicates();
        assertThat(store.find("deferred").orElseThrow().counters().updateOpsPending()).isEqualTo(2L * each);
        assertThat(refusedStale).hasValue(each);
        assertThat(store.find("stale").orElseThrow().counters().forwards()).isZero();
        assertThat(notFound).hasValue(each);
        assertThat(store.find("gone").orElseThrow().counters().forwards()).isZero();
        // and they shared calls: fewer script calls than commits
        java.util.Properties stats = template.execute((org.springframework.data.redis.core.RedisCallback<java.util.Properties>) c ->
                c.serverCommands().info("commandstats"));
        long calls = scriptCalls(stats, "cmdstat_evalsha") + scriptCalls(stats, "cmdstat_eval");
        assertThat(calls).isPositive().isLessThan(threads * perThread);
    }

    /** Calls of a command in INFO commandstats, summed over every node (a cluster prefixes each key with its node). */
    private static long scriptCalls(java.util.Properties stats, String command) {
        long calls = 0;
        for (String key : stats.stringPropertyNames()) {
            if (key.equals(command) || key.endsWith("." + command)) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("calls=(\\d+)").matcher(stats.getProperty(key));
                calls += m.find() ? Long.parseLong(m.group(1)) : 0;
            }
        }
        return calls;
    }

    private static byte[] keyOf(RedisSessionStore store, String id) {
        try {
            var m = RedisSessionStore.class.getDeclaredMethod("key", String.class);
            m.setAccessible(true);
            return (byte[]) m.invoke(store, id);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
