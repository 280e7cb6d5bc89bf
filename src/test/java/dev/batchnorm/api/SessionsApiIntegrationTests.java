package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Sessions and variables over real HTTP: create, idempotent retry, read, list, delete, assign. */
class SessionsApiIntegrationTests extends IntegrationTestBase {

    @Test
    void create_ShouldAnswer201WithLocationETagAndSonnetDefaults() {
        HttpApi.Response r = api.post("/v1/sessions", "{\"id\": \"defaults\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo("/v1/sessions/defaults");
        assertThat(r.header("ETag")).isEqualTo("\"1\"");
        JsonNode spec = r.json().get("spec");
        assertThat(spec.get("axis").isNull()).isTrue();
        assertThat(spec.get("offset").asBoolean()).isTrue();
        assertThat(spec.get("scale").asBoolean()).isFalse();
        assertThat(spec.get("decayRate").asDouble()).isEqualTo(0.999);
        assertThat(spec.get("eps").asDouble()).isEqualTo(0.001);
        assertThat(spec.get("updateOpsCollection").asString()).isEqualTo("update_ops");
        assertThat(spec.get("dtype").asString()).isEqualTo("float32");
        assertThat(spec.get("ttlSeconds").isNull()).isTrue();
        assertThat(r.json().get("inputShape").isNull()).isTrue();
        assertThat(r.json().get("variables").propertyNames()).containsExactly("movingMean", "movingVariance", "beta");
        assertThat(r.json().get("counters").get("forwards").asLong()).isZero();
    }

    @Test
    void create_WithoutId_ShouldGenerateOne() {
        String id = createSession("{}");
        assertThat(id).matches("[A-Za-z0-9._-]{1,128}");
        assertThat(api.get("/v1/sessions/" + id).status()).isEqualTo(200);
    }

    @Test
    void create_RetriedWithIdenticalSpec_ShouldAnswer200WithTheSameSession() {
        String body = "{\"id\": \"retry\", \"scale\": true, \"initializers\": {\"gamma\": 2}}";
        assertThat(api.post("/v1/sessions", body).status()).isEqualTo(201);
        forward("retry", "{\"inputs\": [[1, 2], [3, 4]], \"isTraining\": true}");
        HttpApi.Response again = api.post("/v1/sessions", body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("counters").get("forwards").asLong()).isEqualTo(1);
        assertThat(api.post("/v1/sessions", "{\"id\": \"retry\"}").status()).isEqualTo(409);
    }

    @Test
    void create_RetriedWithTheEffectiveSpec_ShouldBeIdempotent() {
        HttpApi.Response first = api.post("/v1/sessions", "{\"id\": \"effective\", \"initializers\": {\"movingMean\": [[1, 2]]}}");
        assertThat(first.status()).isEqualTo(201);
        // the spec as GET shows it (defaults filled in) is the same spec
        String spec = api.get("/v1/sessions/effective").json().get("spec").toString();
        HttpApi.Response again = api.post("/v1/sessions", spec);
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(api.post("/v1/sessions", "{\"id\": \"effective\", \"initializers\": {\"movingMean\": [[1, 2]], \"beta\": 0}}").status()).isEqualTo(200);
        assertThat(api.post("/v1/sessions", "{\"id\": \"effective\", \"initializers\": {\"movingMean\": [[1, 3]]}}").status()).isEqualTo(409);
    }

    @Test
    void explicitNullCollection_ShouldMeanInPlaceUpdates() {
        HttpApi.Response r = api.post("/v1/sessions", "{\"id\": \"inplace\", \"updateOpsCollection\": null}");
        assertThat(r.json().get("spec").get("updateOpsCollection").isNull()).isTrue();
        JsonNode f = forward("inplace", "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}");
        assertThat(f.get("updatesApplied").asBoolean()).isTrue();
        // SEMANTICS E2: one update from [0, 0] with batch mean [2, 2]
        assertThat(api.get("/v1/sessions/inplace/variables").json().get("variables").get("movingMean").get("data").toString())
                .isEqualTo("[0.002,0.002]");
    }

    @Test
    void firstForward_ShouldFixTheInputShapeAndLayOutTheVariables() {
        createSession("{\"id\": \"shape\", \"axis\": [0, 1, 2]}");
        forward("shape", "{\"inputs\": {\"shape\": [2, 2, 2, 3], \"data\": [" + "1,2,3,".repeat(7) + "1,2,3]}, \"isTraining\": false}");
        JsonNode s = api.get("/v1/sessions/shape").json();
        assertThat(s.get("inputShape").toString()).isEqualTo("[null,null,null,3]");
        assertThat(s.get("variables").get("movingVariance").get("shape").toString()).isEqualTo("[1,1,1,3]");
        assertThat(s.get("variables").get("movingVariance").get("data").toString()).isEqualTo("[1.0,1.0,1.0]");
        // another batch size is fine: reduced axes may vary, as in Sonnet
        forward("shape", "{\"inputs\": {\"shape\": [1, 3, 1, 3], \"data\": [1,2,3,4,5,6,7,8,9]}, \"isTraining\": false}");
    }

    @Test
    void arrayInitializer_ShouldFixTheInputShapeAtCreation() {
        HttpApi.Response r = api.post("/v1/sessions", "{\"id\": \"init\", \"initializers\": {\"movingMean\": [[10, 10]], \"movingVariance\": [1, 4]}}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("inputShape").toString()).isEqualTo("[null,2]");
        assertThat(r.json().get("variables").get("movingVariance").toString()).isEqualTo("{\"shape\":[1,2],\"data\":[1.0,4.0]}");
        assertThat(r.json().get("spec").get("initializers").get("movingMean").toString()).isEqualTo("{\"shape\":[1,2],\"data\":[10.0,10.0]}");
        assertThat(api.post("/v1/sessions/init/forward", "{\"inputs\": [[1, 2, 3]], \"isTraining\": false}").status()).isEqualTo(422);
    }

    @Test
    void flatListInitializer_ShouldBeCheckedAtTheFirstForward() {
        createSession("{\"id\": \"flat\", \"initializers\": {\"movingMean\": [1, 2, 3]}}");
        HttpApi.Response wrong = api.post("/v1/sessions/flat/forward", "{\"inputs\": [[1, 2]], \"isTraining\": false, \"testLocalStats\": false}");
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(api.get("/v1/sessions/flat").json().get("inputShape").isNull()).isTrue();
        JsonNode ok = forward("flat", "{\"inputs\": [[1, 2, 3]], \"isTraining\": false, \"testLocalStats\": false}");
        // (x - mean) / sqrt(1 + eps) with mean = [1, 2, 3]: all zeros
        assertThat(doubles(ok.get("outputs").get(0))).containsExactly(0, 0, 0);
    }

    @Test
    void float64Session_ShouldComputeInDoublePrecision() {
        createSession("{\"id\": \"f64\", \"dtype\": \"float64\"}");
        JsonNode r = forward("f64", "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}");
        // SEMANTICS E1 in double: -1.2238273448..., -0.7070625912..., 1.4141251823...
        JsonNode out = r.get("outputs");
        assertThat(out.get(0).get(0).asDouble()).isCloseTo(-1.2238273448, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(out.get(0).get(1).asDouble()).isCloseTo(-0.7070625912, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(out.get(2).get(1).asDouble()).isCloseTo(1.4141251823, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.get("batchVariance").get("data").get(0).asDouble()).isEqualTo(2.0 / 3.0);
    }

    @Test
    void scaleAndOffset_ShouldMatchTheWorkedExample() {
        createSession("{\"id\": \"e4\", \"scale\": true, \"initializers\": {\"gamma\": [[2, 0.5]], \"beta\": [[1, -1]]}}");
        JsonNode out = forward("e4", "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}").get("outputs");
        // SEMANTICS E4
        double[][] expected = {{-1.4476546897, -1.3535312956}, {1.0, -1.3535312956}, {3.4476546897, -0.2929374088}};
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 2; c++) {
                assertThat(out.get(i).get(c).asDouble()).isCloseTo(expected[i][c], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void list_ShouldPageThroughEverySessionOnce() {
        for (int i = 0; i < 7; i++) {
            createSession("{\"id\": \"page-" + i + "\"}");
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = api.get("/v1/sessions?pageSize=3" + (token == null ? "" : "&pageToken=" + token)).json();
            assertThat(page.get("sessions").size()).isLessThanOrEqualTo(3);
            for (JsonNode s : page.get("sessions")) {
                assertThat(s.has("variables")).isFalse();
                assertThat(s.get("spec").has("initializers")).isFalse();
                seen.add(s.get("id").asString());
            }
            token = page.get("nextPageToken").isNull() ? null : page.get("nextPageToken").asString();
        } while (token != null);
        assertThat(seen).doesNotHaveDuplicates().isSorted();
        assertThat(seen.stream().filter(s -> s.startsWith("page-"))).hasSize(7);
    }

    @Test
    void delete_ShouldRemoveTheSessionAndItsPendingOps() {
        createSession("{\"id\": \"gone\"}");
        forward("gone", "{\"inputs\": [[1, 2], [3, 4]], \"isTraining\": true}");
        assertThat(api.delete("/v1/sessions/gone").status()).isEqualTo(204);
        assertThat(api.get("/v1/sessions/gone").status()).isEqualTo(404);
        assertThat(api.get("/v1/sessions/gone/updates").status()).isEqualTo(404);
        assertThat(api.delete("/v1/sessions/gone").status()).isEqualTo(404);
        JsonNode all = api.get("/v1/updates?collection=update_ops&pageSize=1000").json().get("updates");
        for (JsonNode op : all) {
            assertThat(op.get("sessionId").asString()).isNotEqualTo("gone");
        }
    }

    @Test
    void assign_WithIfMatch_ShouldBumpTheVersionAndRefuseStaleWrites() {
        createSession("{\"id\": \"vars\"}");
        forward("vars", "{\"inputs\": [[1, 2], [3, 4]], \"isTraining\": true}");
        HttpApi.Response read = api.get("/v1/sessions/vars/variables");
        String etag = read.header("ETag");
        assertThat(etag).isEqualTo("\"" + read.json().get("version").asLong() + "\"");
        HttpApi.Response put = api.put("/v1/sessions/vars/variables/movingMean", "{\"shape\": [1, 2], \"data\": [10, 20]}", etag);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.json().get("value").toString()).isEqualTo("{\"shape\":[1,2],\"data\":[10.0,20.0]}");
        assertThat(put.json().get("version").asLong()).isEqualTo(read.json().get("version").asLong() + 1);
        assertThat(put.header("ETag")).isEqualTo("\"" + put.json().get("version").asLong() + "\"");
        assertThat(api.put("/v1/sessions/vars/variables/movingMean", "[[0, 0]]", etag).status()).isEqualTo(412);
        // a scalar broadcasts; no If-Match writes unconditionally
        assertThat(api.put("/v1/sessions/vars/variables/beta", "{\"shape\": [], \"data\": [0.5]}", null).json().get("value").get("data").toString())
                .isEqualTo("[0.5,0.5]");
        // the assigned moving statistics normalize the next test-time forward: (x - 10) / sqrt(1.001)
        JsonNode out = forward("vars", "{\"inputs\": [[10, 20]], \"isTraining\": false, \"testLocalStats\": false}").get("outputs");
        assertThat(doubles(out.get(0))).containsExactly(0.5, 0.5);
    }
}
