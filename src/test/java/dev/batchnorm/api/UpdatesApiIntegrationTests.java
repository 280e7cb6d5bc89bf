package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Pending update ops over real HTTP: list, page, apply (all, ids, through), discard, collections. */
class UpdatesApiIntegrationTests extends IntegrationTestBase {

    static final String TRAIN = "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}";

    void train(String id, int times) {
        for (int i = 0; i < times; i++) {
            forward(id, TRAIN);
        }
    }

    @Test
    void list_ShouldShowWhatEachOpWillDoAndPage() {
        createSession("{\"id\": \"ops\"}");
        train("ops", 3);
        JsonNode first = api.get("/v1/sessions/ops/updates?pageSize=4").json();
        assertThat(first.get("count").asLong()).isEqualTo(6);
        assertThat(first.get("updates")).hasSize(4);
        JsonNode op = first.get("updates").get(1);
        assertThat(op.get("id").asLong()).isEqualTo(2);
        assertThat(op.get("collection").asString()).isEqualTo("update_ops");
        assertThat(op.get("variable").asString()).isEqualTo("movingVariance");
        assertThat(op.get("value").toString()).isEqualTo("{\"shape\":[1,2],\"data\":[0.6666667,8.0]}");
        assertThat(op.get("decay").asDouble()).isEqualTo(0.999);
        assertThat(op.get("createdAt").asString()).isNotBlank();
        JsonNode second = api.get("/v1/sessions/ops/updates?pageSize=4&pageToken=" + first.get("nextPageToken").asString()).json();
        assertThat(second.get("updates")).hasSize(2);
        assertThat(second.get("updates").get(0).get("id").asLong()).isEqualTo(5);
        assertThat(second.get("nextPageToken").isNull()).isTrue();
    }

    @Test
    void apply_ByIds_ShouldReportAlreadyAppliedOnRetry() {
        createSession("{\"id\": \"ids\"}");
        train("ids", 2);
        JsonNode r = api.post("/v1/sessions/ids/updates/apply", "{\"ids\": [2, 1]}").json();
        assertThat(r.get("applied").toString()).isEqualTo("[1,2]");
        assertThat(r.get("alreadyApplied").toString()).isEqualTo("[]");
        // SEMANTICS E2 after one update
        assertThat(r.get("variables").get("movingVariance").get("data").toString()).isEqualTo("[0.9996667,1.007]");
        JsonNode retry = api.post("/v1/sessions/ids/updates/apply", "{\"ids\": [1, 2, 3]}").json();
        assertThat(retry.get("applied").toString()).isEqualTo("[3]");
        assertThat(retry.get("alreadyApplied").toString()).isEqualTo("[1,2]");
        JsonNode counters = api.get("/v1/sessions/ids").json().get("counters");
        assertThat(counters.get("updateOpsApplied").asLong()).isEqualTo(3);
        assertThat(counters.get("updateOpsPending").asLong()).isEqualTo(1);
    }

    @Test
    void apply_EmptyBody_ShouldApplyEverythingPending() {
        createSession("{\"id\": \"nobody\"}");
        train("nobody", 2);
        HttpApi.Response r = api.send("POST", "/v1/sessions/nobody/updates/apply", null, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("applied")).hasSize(4);
        // SEMANTICS E2 after two updates with the same batch: mm = 0.003998
        assertThat(r.json().get("variables").get("movingMean").get("data").get(0).asDouble())
                .isCloseTo(0.003998, org.assertj.core.data.Offset.offset(1e-8));
    }

    @Test
    void applyUpdatesFlag_ShouldApplyOnlyThisForwardsOps() {
        createSession("{\"id\": \"flag\"}");
        train("flag", 1);
        JsonNode r = forward("flag", TRAIN.replace("}", ", \"applyUpdates\": true}"));
        assertThat(r.get("updatesApplied").asBoolean()).isTrue();
        assertThat(r.get("updateOps")).isEmpty();
        assertThat(api.get("/v1/sessions/flag/updates").json().get("count").asLong()).isEqualTo(2);
        assertThat(api.get("/v1/sessions/flag/variables").json().get("variables").get("movingMean").get("data").toString())
                .isEqualTo("[0.002,0.002]");
    }

    @Test
    void discard_ShouldDropOpsAndNeverReuseTheirIds() {
        createSession("{\"id\": \"drop\"}");
        train("drop", 2);
        JsonNode d = api.delete("/v1/sessions/drop/updates?throughId=2").json();
        assertThat(d.get("discarded").toString()).isEqualTo("[1,2]");
        JsonNode rest = api.delete("/v1/sessions/drop/updates").json();
        assertThat(rest.get("discarded").toString()).isEqualTo("[3,4]");
        assertThat(api.delete("/v1/sessions/drop/updates?ids=1,4").json().get("notPending").toString()).isEqualTo("[1,4]");
        assertThat(forward("drop", TRAIN).get("updateOps").get(0).get("id").asLong()).isEqualTo(5);
        assertThat(api.get("/v1/sessions/drop/variables").json().get("variables").get("movingMean").get("data").toString())
                .isEqualTo("[0.0,0.0]");
    }

    @Test
    void collectionApply_ShouldReportASessionThatOverflowsAndApplyTheOthers() {
        createSession("{\"id\": \"ovf-a\", \"updateOpsCollection\": \"ovf\"}");
        createSession("{\"id\": \"ovf-b\", \"updateOpsCollection\": \"ovf\"}");
        createSession("{\"id\": \"ovf-c\", \"updateOpsCollection\": \"ovf\"}");
        train("ovf-a", 1);
        train("ovf-c", 1);
        // b's pending op moves the mean from 3.4e38 toward -1e37: (v - value) overflows float32
        forward("ovf-b", "{\"inputs\": [[-1e37, 0]], \"isTraining\": true}");
        api.put("/v1/sessions/ovf-b/variables/movingMean", "[[3.4e38, 0]]", null);
        JsonNode r = api.post("/v1/updates/apply?collection=ovf", "").json();
        assertThat(r.get("appliedCount").asLong()).isEqualTo(4);
        assertThat(r.get("sessions")).hasSize(3);
        assertThat(r.get("sessions").get(1).get("sessionId").asString()).isEqualTo("ovf-b");
        assertThat(r.get("sessions").get(1).get("error").get("code").asString()).isEqualTo("non_finite_result");
        assertThat(api.get("/v1/sessions/ovf-b/updates").json().get("count").asLong()).isEqualTo(2);
        assertThat(api.get("/v1/sessions/ovf-c/updates").json().get("count").asLong()).isZero();
    }

    @Test
    void collection_ShouldListAndApplyAcrossSessions() {
        createSession("{\"id\": \"col-a\", \"updateOpsCollection\": \"col_test\"}");
        createSession("{\"id\": \"col-b\", \"updateOpsCollection\": \"col_test\"}");
        createSession("{\"id\": \"col-other\", \"updateOpsCollection\": \"elsewhere\"}");
        train("col-a", 2);
        train("col-b", 1);
        train("col-other", 1);
        List<String> listed = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = api.get("/v1/updates?collection=col_test&pageSize=2" + (token == null ? "" : "&pageToken=" + token)).json();
            for (JsonNode op : page.get("updates")) {
                listed.add(op.get("sessionId").asString() + "#" + op.get("id").asLong());
            }
            token = page.get("nextPageToken").isNull() ? null : page.get("nextPageToken").asString();
        } while (token != null);
        assertThat(listed).containsExactly("col-a#1", "col-a#2", "col-a#3", "col-a#4", "col-b#1", "col-b#2");

        JsonNode applied = api.post("/v1/updates/apply?collection=col_test", "").json();
        assertThat(applied.get("appliedCount").asLong()).isEqualTo(6);
        assertThat(applied.get("sessions")).hasSize(2);
        assertThat(applied.get("sessions").get(1).get("sessionId").asString()).isEqualTo("col-b");
        assertThat(applied.get("sessions").get(1).get("applied").toString()).isEqualTo("[1,2]");
        assertThat(api.get("/v1/updates?collection=col_test").json().get("updates")).isEmpty();
        assertThat(api.get("/v1/sessions/col-other/updates").json().get("count").asLong()).isEqualTo(2);
    }
}
