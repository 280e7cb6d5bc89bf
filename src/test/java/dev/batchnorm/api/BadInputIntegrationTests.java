package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Every class of bad input, over real HTTP: each gets application/problem+json with a stable code
 * and a pointer to what is wrong, and changes nothing. Small limits make the 413 and 409 cases
 * cheap to reach.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "batchnorm.limits.max-request-size=64KB",
    "batchnorm.limits.max-tensor-elements=1000",
    "batchnorm.limits.max-nesting-depth=8",
    "batchnorm.limits.max-pending-ops-per-session=6",
    "batchnorm.limits.max-sessions=40",
    "batchnorm.limits.max-statistics-elements=100",
})
class BadInputIntegrationTests {

    static final String F = "/v1/sessions/victim/forward";
    static final String OK_INPUTS = "[[1, 0], [2, 0], [3, 6]]";

    @LocalServerPort
    int port;

    HttpApi api;

    @BeforeEach
    void setUp() {
        api = new HttpApi(port);
        api.delete("/v1/sessions/victim");
        assertThat(api.post("/v1/sessions", "{\"id\": \"victim\"}").status()).isEqualTo(201);
        // one training forward: the input shape is fixed and two ops are pending
        assertThat(api.post(F, "{\"inputs\": " + OK_INPUTS + ", \"isTraining\": true}").status()).isEqualTo(200);
        api.delete("/v1/sessions/wide");
        api.post("/v1/sessions", "{\"id\": \"wide\"}");
    }

    static Stream<Arguments> badRequests() {
        String big = "{\"inputs\": [" + "[1, 2],".repeat(501) + "[1, 2]], \"isTraining\": true}";
        String huge = "{\"inputs\": [[1, 2]], \"isTraining\": true" + " ".repeat(70_000) + "}";
        return Stream.of(
                // forward: tensors
                bad("ragged, row too short", "POST", F, "{\"inputs\": [[1, 2], [3]], \"isTraining\": true}", 400, "ragged_tensor", "/inputs/1"),
                bad("ragged, row too long", "POST", F, "{\"inputs\": [[1, 2], [3, 4, 5]], \"isTraining\": true}", 400, "ragged_tensor", "/inputs/1/2"),
                bad("ragged, scalar for a row", "POST", F, "{\"inputs\": [[1, 2], 3], \"isTraining\": true}", 400, "ragged_tensor", "/inputs/1"),
                bad("string number", "POST", F, "{\"inputs\": [[1, \"2\"]], \"isTraining\": true}", 400, "non_numeric_value", "/inputs/0/1"),
                bad("null element", "POST", F, "{\"inputs\": [[1, null]], \"isTraining\": true}", 400, "non_numeric_value", "/inputs/0/1"),
                bad("boolean element", "POST", F, "{\"inputs\": [[true, 1]], \"isTraining\": true}", 400, "non_numeric_value", "/inputs/0/0"),
                bad("NaN", "POST", F, "{\"inputs\": [[NaN, 1]], \"isTraining\": true}", 400, "non_finite_value", "/inputs/0/0"),
                bad("-Infinity", "POST", F, "{\"inputs\": [[1, -Infinity]], \"isTraining\": true}", 400, "non_finite_value", "/inputs/0/1"),
                bad("float32 overflow", "POST", F, "{\"inputs\": [[1e39, 1]], \"isTraining\": true}", 400, "non_finite_value", "/inputs/0/0"),
                bad("absurd exponent", "POST", F, "{\"inputs\": [[1e999999999, 1]], \"isTraining\": true}", 400, "non_finite_value", "/inputs/0/0"),
                bad("flat data too short", "POST", F, "{\"inputs\": {\"shape\": [2, 2], \"data\": [1, 2, 3]}, \"isTraining\": true}", 400, "shape_data_mismatch", null),
                bad("flat negative dim", "POST", F, "{\"inputs\": {\"shape\": [2, -1], \"data\": []}, \"isTraining\": true}", 400, "invalid_shape", null),
                bad("empty batch", "POST", F, "{\"inputs\": [], \"isTraining\": true}", 400, "empty_tensor", "/inputs"),
                bad("empty row", "POST", F, "{\"inputs\": [[]], \"isTraining\": true}", 400, "empty_tensor", null),
                bad("rank 1", "POST", F, "{\"inputs\": [1, 2], \"isTraining\": true}", 400, "invalid_rank", "/inputs"),
                bad("statistics overflow", "POST", F, "{\"inputs\": [[3e38, 0], [-3e38, 0]], \"isTraining\": true}", 400, "non_finite_result", "/inputs"),
                bad("other channel count", "POST", F, "{\"inputs\": [[1, 2, 3]], \"isTraining\": true}", 422, "shape_mismatch", null),
                bad("other rank", "POST", F, "{\"inputs\": [[[1, 2]]], \"isTraining\": true}", 422, "shape_mismatch", null),
                bad("too many elements", "POST", F, big, 413, "too_many_elements", null),
                bad("too many statistics", "POST", "/v1/sessions/wide/forward", "{\"inputs\": [[" + "1,".repeat(101) + "1]], \"isTraining\": true}", 413, "too_many_statistics", null),
                bad("nesting too deep", "POST", F, "{\"inputs\": [[[[[[[[[[1]]]]]]]]]], \"isTraining\": true}", 413, "nesting_too_deep", null),
                bad("body too large", "POST", F, huge, 413, "request_too_large", null),
                // forward: the request object
                bad("trailing content", "POST", F, "{\"inputs\": [[1, 2]], \"isTraining\": true} {}", 400, "trailing_content", null),
                bad("truncated JSON", "POST", F, "{\"inputs\": [[1, 2]", 400, "malformed_json", null),
                bad("duplicate key", "POST", F, "{\"inputs\": [[1, 2]], \"isTraining\": true, \"isTraining\": false}", 400, "malformed_json", null),
                bad("missing isTraining", "POST", F, "{\"inputs\": [[1, 2]]}", 400, "missing_field", "/isTraining"),
                bad("missing inputs", "POST", F, "{\"isTraining\": true}", 400, "missing_field", "/inputs"),
                bad("isTraining as a string", "POST", F, "{\"inputs\": [[1, 2]], \"isTraining\": \"true\"}", 400, "invalid_field", "/isTraining"),
                bad("testLocalStats null", "POST", F, "{\"inputs\": [[1, 2]], \"isTraining\": false, \"testLocalStats\": null}", 400, "invalid_field", "/testLocalStats"),
                bad("snake_case field", "POST", F, "{\"inputs\": [[1, 2]], \"is_training\": true}", 400, "unknown_field", "/is_training"),
                bad("array body", "POST", F, "[1]", 400, "invalid_body", ""),
                bad("empty body", "POST", F, "", 400, "missing_body", ""),
                bad("unknown session", "POST", "/v1/sessions/nobody/forward", "{\"inputs\": [[1, 2]], \"isTraining\": true}", 404, "session_not_found", null),
                // create
                bad("decayRate above 1", "POST", "/v1/sessions", "{\"id\": \"x1\", \"decayRate\": 1.5}", 400, "invalid_session_spec", "/decayRate"),
                bad("eps zero", "POST", "/v1/sessions", "{\"id\": \"x1\", \"eps\": 0}", 400, "invalid_session_spec", "/eps"),
                bad("repeated axis", "POST", "/v1/sessions", "{\"id\": \"x1\", \"axis\": [0, 0]}", 400, "invalid_session_spec", "/axis/1"),
                bad("negative axis", "POST", "/v1/sessions", "{\"id\": \"x1\", \"axis\": [-1]}", 400, "invalid_session_spec", "/axis/0"),
                bad("gamma without scale", "POST", "/v1/sessions", "{\"id\": \"x1\", \"initializers\": {\"gamma\": 2}}", 400, "invalid_session_spec", "/initializers/gamma"),
                bad("unknown initializer", "POST", "/v1/sessions", "{\"id\": \"x1\", \"initializers\": {\"moving_mean\": 2}}", 400, "invalid_session_spec", "/initializers/moving_mean"),
                bad("NaN initializer", "POST", "/v1/sessions", "{\"id\": \"x1\", \"initializers\": {\"movingMean\": [[NaN, 1]]}}", 400, "invalid_session_spec", "/initializers/movingMean/0/0"),
                bad("negative variance initializer", "POST", "/v1/sessions", "{\"id\": \"x1\", \"initializers\": {\"movingVariance\": -1}}", 400, "invalid_session_spec", "/initializers/movingVariance"),
                bad("initializer not a statistics shape", "POST", "/v1/sessions", "{\"id\": \"x1\", \"initializers\": {\"movingMean\": [[1, 2], [3, 4]]}}", 400, "invalid_session_spec", "/initializers/movingMean"),
                bad("path in id", "POST", "/v1/sessions", "{\"id\": \"../x\"}", 400, "invalid_session_spec", "/id"),
                bad("dot-dot id", "POST", "/v1/sessions", "{\"id\": \"..\"}", 400, "invalid_session_spec", "/id"),
                bad("non-ASCII id", "POST", "/v1/sessions", "{\"id\": \"caf\u00e9\"}", 400, "invalid_session_spec", "/id"),
                bad("float16", "POST", "/v1/sessions", "{\"id\": \"x1\", \"dtype\": \"float16\"}", 400, "invalid_session_spec", "/dtype"),
                bad("ttl zero", "POST", "/v1/sessions", "{\"id\": \"x1\", \"ttlSeconds\": 0}", 400, "invalid_session_spec", "/ttlSeconds"),
                bad("unknown create field", "POST", "/v1/sessions", "{\"id\": \"x1\", \"decay_rate\": 0.9}", 400, "invalid_session_spec", "/decay_rate"),
                bad("create nesting too deep", "POST", "/v1/sessions", "{\"axis\": [[[[[[[[[[1]]]]]]]]]]}", 413, "nesting_too_deep", null),
                bad("initializer beyond the statistics limit", "POST", "/v1/sessions", "{\"id\": \"x1\", \"initializers\": {\"movingMean\": [" + "1,".repeat(100) + "1]}}", 413, "too_many_elements", null),
                bad("eps that underflows float32", "POST", "/v1/sessions", "{\"id\": \"x1\", \"eps\": 1e-50}", 400, "invalid_session_spec", "/eps"),
                bad("flat initializers of two lengths", "POST", "/v1/sessions", "{\"id\": \"x1\", \"initializers\": {\"movingMean\": [1, 2], \"beta\": [1, 2, 3]}}", 400, "invalid_session_spec", "/initializers/beta"),
                bad("flat list against an array initializer", "POST", "/v1/sessions", "{\"id\": \"x1\", \"initializers\": {\"movingMean\": [[1, 2]], \"beta\": [1, 2, 3]}}", 400, "invalid_session_spec", "/initializers/beta"),
                bad("variable beyond the statistics limit", "PUT", "/v1/sessions/victim/variables/beta", "[" + "1,".repeat(100) + "1]", 413, "too_many_elements", null),
                bad("existing id, other spec", "POST", "/v1/sessions", "{\"id\": \"victim\", \"scale\": true}", 409, "session_exists", null),
                // variables
                bad("stale If-Match", "PUT", "/v1/sessions/victim/variables/movingMean?ifMatch=\"1\"", "[[5, 5]]", 412, "version_mismatch", null),
                bad("variable of another shape", "PUT", "/v1/sessions/victim/variables/movingMean", "[[1, 2, 3]]", 422, "shape_mismatch", null),
                bad("variable that does not exist", "PUT", "/v1/sessions/victim/variables/gamma", "[[1, 2]]", 404, "variable_not_found", null),
                bad("unknown variable name", "PUT", "/v1/sessions/victim/variables/weights", "[[1, 2]]", 404, "variable_not_found", null),
                bad("negative variance", "PUT", "/v1/sessions/victim/variables/movingVariance", "[[-1, 1]]", 400, "invalid_value", ""),
                bad("non-finite variable", "PUT", "/v1/sessions/victim/variables/beta", "[[NaN, 1]]", 400, "non_finite_value", "/0/0"),
                // updates
                bad("apply an id that never existed", "POST", "/v1/sessions/victim/updates/apply", "{\"ids\": [1, 999]}", 404, "update_not_found", null),
                bad("apply through an id that never existed", "POST", "/v1/sessions/victim/updates/apply", "{\"throughId\": 999}", 404, "update_not_found", null),
                bad("apply a string id", "POST", "/v1/sessions/victim/updates/apply", "{\"ids\": [\"1\"]}", 400, "invalid_field", "/ids/0"),
                bad("apply ids and throughId", "POST", "/v1/sessions/victim/updates/apply", "{\"ids\": [1], \"throughId\": 2}", 400, "invalid_field", "/throughId"),
                bad("apply unknown field", "POST", "/v1/sessions/victim/updates/apply", "{\"all\": true}", 400, "unknown_field", "/all"),
                bad("discard ids not integers", "DELETE", "/v1/sessions/victim/updates?ids=1,abc", null, 400, "invalid_parameter", null),
                bad("discard an id that never existed", "DELETE", "/v1/sessions/victim/updates?ids=1,999", null, 404, "update_not_found", null),
                bad("forged page token", "GET", "/v1/sessions/victim/updates?pageToken=%21%21", null, 400, "invalid_page_token", null),
                bad("page size zero", "GET", "/v1/sessions/victim/updates?pageSize=0", null, 400, "invalid_parameter", null),
                bad("page size huge", "GET", "/v1/sessions?pageSize=100000", null, 400, "invalid_parameter", null),
                bad("page size not a number", "GET", "/v1/sessions?pageSize=ten", null, 400, "invalid_parameter", null),
                // the rest of the surface
                bad("wrong method", "PUT", "/v1/sessions", "{}", 405, "method_not_allowed", null),
                bad("unknown path", "GET", "/v1/nothing-here", null, 404, "not_found", null),
                bad("text body", "POST-TEXT", F, "inputs=1", 415, "unsupported_media_type", null));
    }

    static Arguments bad(String name, String method, String path, String body, int status, String code, String pointer) {
        return Arguments.of(name, method, path, body, status, code, pointer);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequest_ShouldGetProblemAndChangeNothing(String name, String method, String path, String body, int status, String code, String pointer) {
        JsonNode before = state();
        HttpApi.Response r = send(method, path, body);
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asString()).isEqualTo("https://batchnorm.dev/problems/" + code.replace('_', '-'));
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain("java.", "Exception", "tools.jackson", "\tat ");
        if (pointer != null) {
            assertThat(problem.get("errors").get(0).get("pointer").asString()).isEqualTo(pointer);
        }
        assertThat(state()).as("the session after '%s'", name).isEqualTo(before);
        assertThat(api.get("/v1/sessions/x1").status()).isEqualTo(404);
    }

    @Test
    void outputOverflow_ShouldGetProblemBeforeTheForwardCounts() {
        // gamma 3e38 times the normalized 1.41 is past float32's 3.4e38; updates in place, so a
        // forward that got as far as its commit would move the moving statistics
        api.delete("/v1/sessions/hot");
        assertThat(api.post("/v1/sessions", "{\"id\": \"hot\", \"scale\": true, \"updateOpsCollection\": null, "
                + "\"initializers\": {\"gamma\": 3e38}}").status()).isEqualTo(201);
        HttpApi.Response before = api.get("/v1/sessions/hot");

        HttpApi.Response r = api.post("/v1/sessions/hot/forward", "{\"inputs\": " + OK_INPUTS + ", \"isTraining\": true}");

        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("code").asString()).isEqualTo("non_finite_result");
        HttpApi.Response after = api.get("/v1/sessions/hot");
        assertThat(after.json()).isEqualTo(before.json());
        assertThat(after.header("ETag")).isEqualTo(before.header("ETag"));
        // with gamma 1e37 the same forward fits (x * scale, the first product, stays below the limit), and counts
        assertThat(api.put("/v1/sessions/hot/variables/gamma", "[[1e37, 1e37]]", null).status()).isEqualTo(200);
        assertThat(api.post("/v1/sessions/hot/forward", "{\"inputs\": " + OK_INPUTS + ", \"isTraining\": true}").status()).isEqualTo(200);
        assertThat(api.get("/v1/sessions/hot").header("ETag")).isNotEqualTo(after.header("ETag"));
    }

    @Test
    void malformedRequestLines_ShouldGetProblemJsonNotHtml() throws Exception {
        for (String path : new String[] {"/v1/sessions/a%zz", "/v1/sessions/a%00b", "/v1/sessions/[x"}) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(response).as(path).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/problem+json")
                        .contains("\"code\":\"bad_request\"").doesNotContainIgnoringCase("<html");
            }
        }
    }

    @Test
    void manyBadFields_ShouldListTheFirstTwentyAndCountTheRest() {
        StringBuilder body = new StringBuilder("{\"id\": \"x2\"");
        for (int i = 0; i < 500; i++) {
            body.append(", \"junk").append(i).append("\": 1");
        }
        HttpApi.Response r = api.post("/v1/sessions", body.append('}').toString());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").size()).isEqualTo(20);
        assertThat(r.json().get("detail").asString()).contains("500 fields are invalid");
        assertThat(r.text().length()).isLessThan(body.length());
    }

    @Test
    void pendingOpsLimit_ShouldRefuseTheForwardThatWouldPassIt() {
        String train = "{\"inputs\": " + OK_INPUTS + ", \"isTraining\": true}";
        assertThat(api.post(F, train).status()).isEqualTo(200);
        assertThat(api.post(F, train).status()).isEqualTo(200);
        JsonNode before = state();
        HttpApi.Response r = api.post(F, train);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("code").asString()).isEqualTo("pending_ops_limit_reached");
        assertThat(r.json().get("limit").asLong()).isEqualTo(6);
        assertThat(state()).isEqualTo(before);
        // inference still works, and applying frees room
        assertThat(api.post(F, "{\"inputs\": " + OK_INPUTS + ", \"isTraining\": false}").status()).isEqualTo(200);
        assertThat(api.post("/v1/sessions/victim/updates/apply", "{}").status()).isEqualTo(200);
        assertThat(api.post(F, train).status()).isEqualTo(200);
    }

    @Test
    void sessionLimit_ShouldRefuseTheCreateThatWouldPassIt() {
        int created = 0;
        HttpApi.Response r;
        while ((r = api.post("/v1/sessions", "{}")).status() == 201) {
            created++;
            assertThat(created).isLessThanOrEqualTo(40);
        }
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("code").asString()).isEqualTo("session_limit_reached");
        JsonNode page = api.get("/v1/sessions?pageSize=1000").json();
        assertThat(page.get("sessions").size()).isEqualTo(40);
        for (JsonNode s : page.get("sessions")) {
            if (!s.get("id").asString().equals("victim")) {
                api.delete("/v1/sessions/" + s.get("id").asString());
            }
        }
    }

    @Test
    void discardedOp_ShouldNeverBeApplied() {
        assertThat(api.delete("/v1/sessions/victim/updates?ids=1").json().get("discarded").get(0).asLong()).isEqualTo(1);
        JsonNode before = state();
        HttpApi.Response r = api.post("/v1/sessions/victim/updates/apply", "{\"ids\": [1, 2]}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("code").asString()).isEqualTo("update_discarded");
        assertThat(r.json().get("ids").get(0).asLong()).isEqualTo(1);
        assertThat(state()).isEqualTo(before);
    }

    /** Everything observable about the victim session. */
    JsonNode state() {
        HttpApi.Response s = api.get("/v1/sessions/victim");
        HttpApi.Response u = api.get("/v1/sessions/victim/updates");
        assertThat(s.status()).isEqualTo(200);
        return HttpApi.JSON.createArrayNode().add(s.json()).add(u.json()).add(s.header("ETag"));
    }

    HttpApi.Response send(String method, String path, String body) {
        if (method.equals("POST-TEXT")) {
            return api.send("POST", path, "text/plain", body);
        }
        if (method.equals("PUT") && path.contains("?ifMatch=")) {
            String ifMatch = path.substring(path.indexOf("?ifMatch=") + 9);
            return api.put(path.substring(0, path.indexOf('?')), body, ifMatch);
        }
        return api.send(method, path, body == null ? null : "application/json", body);
    }
}
