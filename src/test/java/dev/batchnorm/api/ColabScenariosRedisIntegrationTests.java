package dev.batchnorm.api;

import dev.batchnorm.store.RedisTestServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The colab's scenarios again, with every session in a real Redis. */
class ColabScenariosRedisIntegrationTests extends ColabScenariosIntegrationTests {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("batchnorm.store.type", () -> "redis");
        registry.add("batchnorm.store.redis.key-prefix", () -> "colab" + UUID.randomUUID());
        registry.add("spring.data.redis.url", RedisTestServer::url);
    }

    @Test
    void sessions_ShouldLiveInRedis() {
        createSession("{\"id\": \"where\"}");
        assertThat(api.get("/actuator/prometheus").text())
                .containsPattern("batchnorm_store_operations_seconds_count\\{[^}]*operation=\"create\"[^}]*store=\"redis\"[^}]*\\} [1-9]");
    }
}
