package dev.batchnorm.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.store.RedisTestServer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Tenancy with every session in a real Redis. */
class TenancyRedisIntegrationTests extends TenancyIntegrationTests {

    static final String PREFIX = "tenancy" + UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    RedisConnectionFactory redis;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        keys(registry);
        registry.add("batchnorm.store.type", () -> "redis");
        registry.add("batchnorm.store.redis.key-prefix", () -> PREFIX);
        registry.add("spring.data.redis.url", RedisTestServer::url);
    }

    @Test
    void keys_ShouldCarryTheTenantsNamespaceInsideTheHashTag() {
        String id = unique("where");
        sessionWithPendingOps(BOB, id, "update_ops");
        try (RedisConnection c = redis.getConnection()) {
            assertThat(c.keyCommands().exists(bytes(PREFIX + ":{bob~" + id + "}"))).isTrue();
            assertThat(c.keyCommands().exists(bytes(PREFIX + ":{bob~" + id + "}:ops"))).isTrue();
            assertThat(c.keyCommands().exists(bytes(PREFIX + ":{" + id + "}"))).isFalse();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
