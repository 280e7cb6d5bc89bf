package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Many clients on one session over real HTTP. The batches all have the same statistics, so every
 * update is the same function f and the result after n updates is f^n whatever the order: a lost
 * or doubled update shows as a different number.
 */
class ConcurrencyIntegrationTests extends IntegrationTestBase {




    @Test
    void inPlaceForwards_FromEightThreads_ShouldLandExactly800Updates() throws Exception {
        createSession("{\"id\": \"race-inplace\", \"updateOpsCollection\": null}");
        Concurrent.run(8, () -> {
            for (int i = 0; i < 100; i++) {
                forward("race-inplace", Concurrent.CONSTANT);
            }
            return null;
        });
        JsonNode s = api.get("/v1/sessions/race-inplace").json();
        float[] expected = Concurrent.afterUpdates(800);
        assertThat(s.get("variables").get("movingMean").get("data").get(0).floatValue()).isEqualTo(expected[0]);
        // moving variance is d^800 in exact arithmetic; f^799 and f^801 differ from f^800 in float32
        assertThat(s.get("variables").get("movingVariance").get("data").get(1).floatValue())
                .isEqualTo(expected[1])
                .isNotEqualTo(Concurrent.afterUpdates(799)[1])
                .isNotEqualTo(Concurrent.afterUpdates(801)[1]);
        assertThat(s.get("counters").get("forwards").asLong()).isEqualTo(800);
        assertThat(s.get("counters").get("updateOpsApplied").asLong()).isEqualTo(1600);
    }

    @Test
    void deferredForwards_FromEightThreads_ShouldGetUniqueIncreasingIds() throws Exception {
        createSession("{\"id\": \"race-ids\"}");
        List<List<Long>> perThread = Concurrent.run(8, () -> {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                JsonNode ops = forward("race-ids", Concurrent.CONSTANT).get("updateOps");
                assertThat(ops.get(1).get("id").asLong()).isEqualTo(ops.get(0).get("id").asLong() + 1);
                ids.add(ops.get(0).get("id").asLong());
                ids.add(ops.get(1).get("id").asLong());
            }
            return ids;
        });
        Set<Long> all = new HashSet<>();
        for (List<Long> ids : perThread) {
            assertThat(ids).isSorted();
            all.addAll(ids);
        }
        assertThat(all).hasSize(400);
        assertThat(all).allMatch(id -> id >= 1 && id <= 400);
    }

    @Test
    void applies_WithOverlappingIds_ShouldApplyEachOpOnce() throws Exception {
        createSession("{\"id\": \"race-apply\"}");
        for (int i = 0; i < 100; i++) {
            forward("race-apply", Concurrent.CONSTANT);
        }
        // 8 clients each apply a window of 60 ids; windows overlap heavily
        List<Integer> starts = List.of(1, 21, 41, 61, 81, 101, 121, 141);
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<JsonNode> results = Concurrent.run(8, () -> {
            int from = starts.get(next.getAndIncrement());
            StringBuilder ids = new StringBuilder();
            for (int id = from; id < from + 60 && id <= 200; id++) {
                ids.append(ids.isEmpty() ? "" : ",").append(id);
            }
            HttpApi.Response r = api.post("/v1/sessions/race-apply/updates/apply", "{\"ids\": [" + ids + "]}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            return r.json();
        });
        Set<Long> applied = new HashSet<>();
        for (JsonNode r : results) {
            for (JsonNode id : r.get("applied")) {
                assertThat(applied.add(id.asLong())).as("op %d applied twice", id.asLong()).isTrue();
            }
        }
        assertThat(applied).hasSize(200);
        JsonNode s = api.get("/v1/sessions/race-apply").json();
        assertThat(s.get("counters").get("updateOpsApplied").asLong()).isEqualTo(200);
        assertThat(s.get("variables").get("movingMean").get("data").get(0).floatValue()).isEqualTo(Concurrent.afterUpdates(100)[0]);
        assertThat(s.get("variables").get("movingVariance").get("data").get(0).floatValue()).isEqualTo(Concurrent.afterUpdates(100)[1]);
    }

    @Test
    void forwardsRacingAssignments_ShouldUseTheBetaOfTheVersionTheyReport() throws Exception {
        createSession("{\"id\": \"race-beta\"}");
        forward("race-beta", Concurrent.CONSTANT);
        // a constant batch normalizes to exactly beta; each assignment sets beta = [i, i]
        java.util.concurrent.ConcurrentSkipListMap<Long, Double> betaAtVersion = new java.util.concurrent.ConcurrentSkipListMap<>();
        betaAtVersion.put(api.get("/v1/sessions/race-beta").json().get("version").asLong(), 0.0);
        List<long[]> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger roles = new java.util.concurrent.atomic.AtomicInteger();
        Concurrent.run(6, () -> {
            boolean writer = roles.getAndIncrement() == 0;
            for (int i = 1; i <= 60; i++) {
                if (writer) {
                    JsonNode put = api.put("/v1/sessions/race-beta/variables/beta", "[[" + i + ", " + i + "]]", null).json();
                    betaAtVersion.put(put.get("version").asLong(), (double) i);
                } else {
                    JsonNode r = forward("race-beta", Concurrent.CONSTANT.replace("true", "false"));
                    seen.add(new long[] {r.get("version").asLong(), (long) r.get("outputs").get(0).get(0).asDouble()});
                }
            }
            return null;
        });
        assertThat(seen).hasSize(300);
        for (long[] v : seen) {
            double expected = betaAtVersion.floorEntry(v[0]).getValue();
            assertThat((double) v[1]).as("forward answered at version %d", v[0]).isEqualTo(expected);
        }
    }
}
