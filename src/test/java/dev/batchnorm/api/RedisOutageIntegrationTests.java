package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.store.RedisTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Redis stops mid-run: requests answer 503 with Retry-After within the timeout, readiness goes
 * DOWN, and when Redis is back the service recovers by itself with no acknowledged update lost.
 * The Redis here is our own process with an append-only file synced on every write, so a crash
 * keeps what it acknowledged.
 */
class RedisOutageIntegrationTests {

    ConfigurableApplicationContext app;
    Process redis;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.destroyForcibly();
        }
    }

    @Test
    void outage_ShouldAnswer503ThenRecoverWithEveryAcknowledgedUpdate() throws Exception {
        int port = RedisTestServer.freePort();
        Path dir = Files.createTempDirectory("redis-outage-");
        String[] durable = {"--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString()};
        redis = RedisTestServer.startExtra(port, durable);
        app = RedisReplicasIntegrationTests.startInstance("redis://127.0.0.1:" + port, "outage" + UUID.randomUUID());
        HttpApi api = RedisReplicasIntegrationTests.client(app);
        api.post("/v1/sessions", "{\"id\": \"o\", \"updateOpsCollection\": null}");
        int acknowledged = 0;
        for (int i = 0; i < 20; i++) {
            if (api.post("/v1/sessions/o/forward", Concurrent.CONSTANT).status() == 200) {
                acknowledged++;
            }
        }
        assertThat(acknowledged).isEqualTo(20);

        redis.destroyForcibly().waitFor();
        long start = System.nanoTime();
        HttpApi.Response down = api.post("/v1/sessions/o/forward", Concurrent.CONSTANT);
        long took = System.nanoTime() - start;
        assertThat(down.status()).as(down.text()).isEqualTo(503);
        assertThat(down.header("Retry-After")).isEqualTo("1");
        assertThat(down.header("Content-Type")).startsWith("application/problem+json");
        assertThat(down.json().get("code").asString()).isEqualTo("store_unavailable");
        assertThat(Duration.ofNanos(took)).as("answered within the configured timeout").isLessThan(Duration.ofSeconds(10));
        assertThat(api.get("/v1/sessions/o").status()).isEqualTo(503);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(503);
        assertThat(api.get("/actuator/health/liveness").status()).as("liveness does not depend on the store").isEqualTo(200);

        redis = RedisTestServer.startExtra(port, durable);
        JsonNode session = null;
        for (int i = 0; i < 100 && session == null; i++) {
            HttpApi.Response r = api.get("/v1/sessions/o");
            if (r.status() == 200) {
                session = r.json();
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(session).as("the service recovers by itself").isNotNull();
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(session.get("counters").get("forwards").asLong()).isEqualTo(acknowledged);
        assertThat(session.get("variables").get("movingMean").get("data").get(0).floatValue())
                .isEqualTo(Concurrent.afterUpdates(acknowledged)[0]);
        assertThat(api.post("/v1/sessions/o/forward", Concurrent.CONSTANT).status()).isEqualTo(200);
    }
}
