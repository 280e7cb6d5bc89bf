package dev.batchnorm.security;

import dev.batchnorm.store.RedisTestServer;
import java.time.Duration;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same fuzzing with every session in a real Redis, for half the time. */
class FuzzRedisIntegrationTests extends FuzzIntegrationTests {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("batchnorm.store.type", () -> "redis");
        registry.add("batchnorm.store.redis.key-prefix", () -> "fuzz" + UUID.randomUUID().toString().substring(0, 8));
        registry.add("spring.data.redis.url", RedisTestServer::url);
    }

    @Override
    Duration budget() {
        return BUDGET.dividedBy(2);
    }
}
