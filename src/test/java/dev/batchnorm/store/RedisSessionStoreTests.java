package dev.batchnorm.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.norm.DType;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.SessionState;
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
