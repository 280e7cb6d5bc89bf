package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.BatchNormApplication;
import dev.batchnorm.store.RedisTestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Several service instances on one real Redis, over real HTTP: exactly-once updates from clients
 * spread across replicas, unique op ids, racing applies, and sessions that survive a restart.
 */
class RedisReplicasIntegrationTests {


    final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    final String prefix = "it" + UUID.randomUUID();

    /** Starts one more service instance on the shared Redis and key prefix. */
    static ConfigurableApplicationContext startInstance(String redisUrl, String prefix) {
        // command-line arguments: they win over application.yml, as an operator's would
        return new SpringApplicationBuilder(BatchNormApplication.class).run(
                "--server.port=0",
                "--batchnorm.store.type=redis",
                "--batchnorm.store.redis.key-prefix=" + prefix,
                "--spring.data.redis.url=" + redisUrl,
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN");
    }

    static HttpApi client(ConfigurableApplicationContext app) {
        return new HttpApi(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
    }

    HttpApi start() {
        ConfigurableApplicationContext app = startInstance(RedisTestServer.url(), prefix);
        apps.add(app);
        return client(app);
    }

    @AfterEach
    void stop() {
        apps.forEach(ConfigurableApplicationContext::close);
    }



    @Test
    void inPlaceForwards_From16ClientsOnTwoReplicas_ShouldLandExactlyOnce() throws Exception {
        HttpApi[] replicas = {start(), start()};
        assertThat(replicas[0].post("/v1/sessions", "{\"id\": \"shared\", \"updateOpsCollection\": null}").status()).isEqualTo(201);
        AtomicInteger client = new AtomicInteger();
        Concurrent.run(16, () -> {
            HttpApi api = replicas[client.getAndIncrement() % 2];
            for (int i = 0; i < 25; i++) {
                HttpApi.Response r = api.post("/v1/sessions/shared/forward", Concurrent.CONSTANT);
                assertThat(r.status()).as(r.text()).isEqualTo(200);
            }
            return null;
        });
        for (HttpApi api : replicas) {
            JsonNode s = api.get("/v1/sessions/shared").json();
            assertThat(s.get("counters").get("forwards").asLong()).isEqualTo(400);
            float[] expected = Concurrent.afterUpdates(400);
            assertThat(s.get("variables").get("movingMean").get("data").get(0).floatValue()).isEqualTo(expected[0]);
            assertThat(s.get("variables").get("movingVariance").get("data").get(1).floatValue())
                    .isEqualTo(expected[1]).isNotEqualTo(Concurrent.afterUpdates(399)[1]).isNotEqualTo(Concurrent.afterUpdates(401)[1]);
        }
    }

    @Test
    void deferredForwardsAndApplies_AcrossReplicas_ShouldGetUniqueIdsAndApplyEachOnce() throws Exception {
        HttpApi[] replicas = {start(), start()};
        assertThat(replicas[1].post("/v1/sessions", "{\"id\": \"deferred\"}").status()).isEqualTo(201);
        AtomicInteger client = new AtomicInteger();
        List<List<Long>> ids = Concurrent.run(16, () -> {
            HttpApi api = replicas[client.getAndIncrement() % 2];
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                JsonNode ops = api.post("/v1/sessions/deferred/forward", Concurrent.CONSTANT).json().get("updateOps");
                mine.add(ops.get(0).get("id").asLong());
                mine.add(ops.get(1).get("id").asLong());
            }
            return mine;
        });
        Set<Long> all = new HashSet<>();
        for (List<Long> mine : ids) {
            assertThat(mine).isSorted();
            all.addAll(mine);
        }
        assertThat(all).hasSize(320).allMatch(id -> id >= 1 && id <= 320);

        AtomicInteger window = new AtomicInteger();
        List<JsonNode> applies = Concurrent.run(16, () -> {
            int w = window.getAndIncrement();
            HttpApi api = replicas[w % 2];
            StringBuilder body = new StringBuilder();
            for (long id = 1 + w * 20L; id < 1 + w * 20L + 60 && id <= 320; id++) {
                body.append(body.isEmpty() ? "" : ",").append(id);
            }
            HttpApi.Response r = api.post("/v1/sessions/deferred/updates/apply", "{\"ids\": [" + body + "]}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            return r.json();
        });
        Set<Long> applied = new HashSet<>();
        for (JsonNode r : applies) {
            for (JsonNode id : r.get("applied")) {
                assertThat(applied.add(id.asLong())).as("op %d applied twice", id.asLong()).isTrue();
            }
        }
        assertThat(applied).hasSize(320);
        JsonNode s = replicas[0].get("/v1/sessions/deferred").json();
        assertThat(s.get("counters").get("updateOpsApplied").asLong()).isEqualTo(320);
        assertThat(s.get("variables").get("movingMean").get("data").get(0).floatValue()).isEqualTo(Concurrent.afterUpdates(160)[0]);
    }

    @Test
    void restart_ShouldKeepSessionsVariablesAndPendingOpsUnchanged() {
        HttpApi first = start();
        first.post("/v1/sessions", "{\"id\": \"durable\", \"scale\": true, \"initializers\": {\"gamma\": [[2, 0.5]]}}");
        first.post("/v1/sessions/durable/forward", "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}");
        first.post("/v1/sessions/durable/forward", "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true, \"applyUpdates\": true}");
        first.put("/v1/sessions/durable/variables/beta", "[[1, -1]]", null);
        String session = first.get("/v1/sessions/durable").text();
        String updates = first.get("/v1/sessions/durable/updates").text();
        apps.removeFirst().close();

        HttpApi second = start();
        assertThat(second.get("/v1/sessions/durable").json()).isEqualTo(HttpApi.JSON.readTree(session));
        assertThat(second.get("/v1/sessions/durable/updates").json()).isEqualTo(HttpApi.JSON.readTree(updates));
        // and it carries on where it left off
        JsonNode applied = second.post("/v1/sessions/durable/updates/apply", "{}").json();
        assertThat(applied.get("applied").toString()).isEqualTo("[1,2]");
        assertThat(second.post("/v1/sessions/durable/forward", "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}")
                .json().get("updateOps").get(0).get("id").asLong()).isEqualTo(3);
    }

    @Test
    void forwardOnOneReplica_AfterChangesOnAnother_ShouldNeverUseAStaleSnapshot() {
        HttpApi a = start();
        HttpApi b = start();
        a.post("/v1/sessions", "{\"id\": \"cached\"}");
        assertThat(a.post("/v1/sessions/cached/forward", Concurrent.CONSTANT).status()).isEqualTo(200);
        // a constant batch normalizes to exactly beta
        b.put("/v1/sessions/cached/variables/beta", "[[5, 5]]", null);
        JsonNode out = a.post("/v1/sessions/cached/forward", Concurrent.CONSTANT).json().get("outputs");
        assertThat(out.get(0).get(0).asDouble()).isEqualTo(5.0);

        // re-created on b with another spec: a must not run the old one's plan on it
        b.delete("/v1/sessions/cached");
        b.post("/v1/sessions", "{\"id\": \"cached\", \"dtype\": \"float64\", \"initializers\": {\"beta\": 7}}");
        HttpApi.Response first = a.post("/v1/sessions/cached/forward", Concurrent.CONSTANT);
        assertThat(first.status()).as(first.text()).isIn(200, 409);
        if (first.status() == 409) {
            assertThat(first.json().get("code").asString()).isEqualTo("concurrent_modification");
            assertThat(first.header("Retry-After")).isEqualTo("1");
        }
        JsonNode again = a.post("/v1/sessions/cached/forward", Concurrent.CONSTANT).json();
        assertThat(again.get("outputs").get(0).get(0).asDouble()).isEqualTo(7.0);
        JsonNode session = b.get("/v1/sessions/cached").json();
        assertThat(session.get("spec").get("dtype").asString()).isEqualTo("float64");
        assertThat(session.get("counters").get("forwards").asLong()).isEqualTo(first.status() == 200 ? 2 : 1);
    }

    @Test
    void cachedSnapshot_OfASessionReCreatedWithAnotherShape_ShouldNotRefuseTheNewShape() {
        HttpApi a = start();
        HttpApi b = start();
        a.post("/v1/sessions", "{\"id\": \"reshaped\"}");
        assertThat(a.post("/v1/sessions/reshaped/forward", "{\"inputs\": [[1, 2], [3, 4]], \"isTraining\": true}").status()).isEqualTo(200);
        b.delete("/v1/sessions/reshaped");
        b.post("/v1/sessions", "{\"id\": \"reshaped\"}");
        HttpApi.Response r = a.post("/v1/sessions/reshaped/forward", "{\"inputs\": [[1, 2, 3], [4, 5, 6]], \"isTraining\": true}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(b.get("/v1/sessions/reshaped").json().get("inputShape").toString()).isEqualTo("[null,3]");
    }
}
