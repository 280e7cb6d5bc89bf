package dev.batchnorm.security;

import static dev.batchnorm.security.Http.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.security.Http.Request;
import dev.batchnorm.security.Http.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Tenants over real HTTP, in mode api-key: no key, a wrong key, a revoked key, and one tenant's key
 * on another tenant's sessions, listing and collections. Each is answered as specified and changes
 * nothing, which is checked by reading the other tenant's state with its own key before and after.
 * Each store runs it through a subclass.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "batchnorm.security.mode=api-key",
    "batchnorm.security.keys-reload-interval=100ms",
})
@AutoConfigureMetrics
@ExtendWith(OutputCaptureExtension.class)
abstract class TenancyIntegrationTests {

    static final String ALICE = Keys.newKey();
    /** Alice's second key; one test revokes it. */
    static final String ALICE_SPARE = Keys.newKey();
    static final String BOB = Keys.newKey();
    /** Configured by property rather than file; only the listing test uses this tenant. */
    static final String CAROL = Keys.newKey();

    static final String TRAIN = "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}";

    @LocalServerPort
    int port;

    @Value("${batchnorm.security.keys-file}")
    Path keysFile;

    Http http;

    /** Each subclass's context gets its own key file, since one test rewrites it. */
    static void keys(DynamicPropertyRegistry registry) {
        String file = Keys.file(Keys.entry("alice", ALICE), Keys.entry("alice", ALICE_SPARE), Keys.entry("bob", BOB)).toString();
        registry.add("batchnorm.security.keys-file", () -> file);
        registry.add("batchnorm.security.keys", () -> Keys.entry("carol", CAROL));
    }

    @BeforeEach
    void connect() {
        http = new Http(port);
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A session of the key's tenant with two pending ops. */
    String sessionWithPendingOps(String key, String id, String collection) {
        Response created = http.post("/v1/sessions", key, "{\"id\": \"" + id + "\", \"updateOpsCollection\": \"" + collection + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Response forward = http.post("/v1/sessions/" + id + "/forward", key, TRAIN);
        assertThat(forward.status()).as(forward.text()).isEqualTo(200);
        return id;
    }

    /** Everything a client can read of a session: the session, its variables and its pending ops. */
    String state(String key, String id) {
        Response s = http.get("/v1/sessions/" + id, key);
        assertThat(s.status()).as(s.text()).isEqualTo(200);
        return s.text() + http.get("/v1/sessions/" + id + "/variables", key).text() + http.get("/v1/sessions/" + id + "/updates", key).text();
    }

    /** Every endpoint that names a session, with bodies that would succeed for its owner. */
    static List<Request> sessionEndpoints(String id, String key) {
        String s = "/v1/sessions/" + id;
        return List.of(
                request("GET", s).key(key),
                request("GET", s + "/variables").key(key),
                request("PUT", s + "/variables/movingMean").key(key).json("[[5, 5]]"),
                request("POST", s + "/forward").key(key).json(TRAIN),
                request("POST", s + "/forward?isTraining=true").key(key).body("application/x-npy", NpyBytes.e1()),
                request("GET", s + "/updates").key(key),
                request("POST", s + "/updates/apply").key(key).json("{}"),
                request("DELETE", s + "/updates?ids=1").key(key),
                request("DELETE", s + "/updates").key(key),
                request("DELETE", s).key(key));
    }

    /** Every endpoint, including those that name no session. */
    static List<Request> allEndpoints(String id, String key) {
        List<Request> all = new ArrayList<>(sessionEndpoints(id, key));
        all.add(request("POST", "/v1/sessions").key(key).json("{\"id\": \"" + unique("new") + "\"}"));
        all.add(request("GET", "/v1/sessions").key(key));
        all.add(request("GET", "/v1/updates?collection=update_ops").key(key));
        all.add(request("POST", "/v1/updates/apply?collection=update_ops").key(key));
        return all;
    }

    static void assertProblem(Response r, int status, String code) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("code").asString()).isEqualTo(code);
        assertThat(p.get("type").asString()).isEqualTo("https://batchnorm.dev/problems/" + code.replace('_', '-'));
        assertThat(p.get("title").asString()).isNotBlank();
        assertThat(p.get("detail").asString()).isNotBlank();
        assertThat(p.get("instance").asString()).isNotBlank();
    }

    @Test
    void noKey_OnEveryEndpoint_ShouldBe401WithABearerChallengeAndChangeNothing() {
        String bobs = sessionWithPendingOps(BOB, unique("b"), "update_ops");
        String before = state(BOB, bobs);
        for (Request r : allEndpoints(bobs, null)) {
            Response resp = http.send(r);
            assertProblem(resp, 401, "missing_api_key");
            assertThat(resp.header("WWW-Authenticate")).as(r.toString()).isEqualTo("Bearer realm=\"batchnorm\"");
        }
        assertThat(state(BOB, bobs)).isEqualTo(before);
    }

    @Test
    void wrongOrMalformedKey_ShouldBe401InvalidTokenAndChangeNothing() {
        String bobs = sessionWithPendingOps(BOB, unique("b"), "update_ops");
        String before = state(BOB, bobs);
        List<String> headers = List.of("Bearer " + Keys.newKey(), "Bearer " + BOB.substring(1), "Bearer " + BOB + "x", "Bearer",
                "Bearer  ", "Basic " + Base64.getEncoder().encodeToString(("bob:" + BOB).getBytes(StandardCharsets.UTF_8)),
                BOB, "Token " + BOB, "Bearer " + BOB + " " + BOB, "Bearer " + "a".repeat(5000), "Bearer \u00e9t\u00e9");
        for (String header : headers) {
            for (Request r : allEndpoints(bobs, null)) {
                Response resp = http.send(r.header("Authorization", header));
                assertProblem(resp, 401, "invalid_api_key");
                assertThat(resp.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"batchnorm\", error=\"invalid_token\"");
            }
        }
        // two Authorization headers are refused even when one of them is right
        Response twice = http.send(request("GET", "/v1/sessions/" + bobs).key(BOB).key(Keys.newKey()));
        assertProblem(twice, 401, "invalid_api_key");
        assertThat(state(BOB, bobs)).isEqualTo(before);
    }

    @Test
    void revokedKey_ShouldStopWorkingWithoutARestartWhileTheOtherKeysWork() throws Exception {
        String mine = sessionWithPendingOps(ALICE_SPARE, unique("a"), "update_ops");
        assertThat(http.get("/v1/sessions/" + mine, ALICE).status()).as("both of alice's keys are alice").isEqualTo(200);

        // the operator removes the key from the mounted file
        Keys.write(keysFile, Keys.entry("alice", ALICE), Keys.entry("bob", BOB));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (http.get("/v1/sessions", ALICE_SPARE).status() != 401 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String before = state(ALICE, mine);
        for (Request r : allEndpoints(mine, ALICE_SPARE)) {
            assertProblem(http.send(r), 401, "invalid_api_key");
        }
        assertThat(state(ALICE, mine)).isEqualTo(before);
        assertThat(http.get("/v1/sessions", BOB).status()).isEqualTo(200);
        assertThat(http.get("/v1/sessions", CAROL).status()).as("keys from the property stay").isEqualTo(200);

        // a broken file leaves the keys as they were
        Keys.write(keysFile, "alice:not-a-hash");
        Thread.sleep(500);
        assertThat(http.get("/v1/sessions", ALICE).status()).isEqualTo(200);
        assertThat(http.get("/v1/sessions", ALICE_SPARE).status()).isEqualTo(401);
        Keys.write(keysFile, Keys.entry("alice", ALICE), Keys.entry("bob", BOB));
    }

    @Test
    void otherTenantsSession_ShouldBeNotFoundExactlyAsAnAbsentOneAndChangeNothing() {
        String bobs = sessionWithPendingOps(BOB, unique("b"), "update_ops");
        String ghost = unique("g");
        String before = state(BOB, bobs);
        List<Request> onBobs = sessionEndpoints(bobs, ALICE);
        List<Request> onGhost = sessionEndpoints(ghost, ALICE);
        for (int i = 0; i < onBobs.size(); i++) {
            Response seen = http.send(onBobs.get(i));
            Response absent = http.send(onGhost.get(i));
            assertProblem(seen, 404, "session_not_found");
            assertThat(seen.text()).as(onBobs.get(i).toString()).isEqualTo(absent.text().replace(ghost, bobs));
            assertThat(seen.text()).doesNotContain("bob", "~");
        }
        assertThat(state(BOB, bobs)).isEqualTo(before);

        // creating the same id makes alice a session of her own, and bob's stays as it was
        assertThat(http.post("/v1/sessions", ALICE, "{\"id\": \"" + bobs + "\", \"scale\": true}").status()).isEqualTo(201);
        assertThat(http.get("/v1/sessions/" + bobs, ALICE).json().get("spec").get("scale").asBoolean()).isTrue();
        assertThat(http.send(request("DELETE", "/v1/sessions/" + bobs).key(ALICE)).status()).isEqualTo(204);
        assertThat(state(BOB, bobs)).isEqualTo(before);
    }

    @Test
    void sameId_InTwoTenants_ShouldBeTwoIndependentSessions() {
        String id = unique("shared");
        assertThat(http.post("/v1/sessions", ALICE, "{\"id\": \"" + id + "\", \"updateOpsCollection\": null}").status()).isEqualTo(201);
        assertThat(http.post("/v1/sessions", BOB, "{\"id\": \"" + id + "\"}").status()).isEqualTo(201);
        assertThat(http.post("/v1/sessions/" + id + "/forward", ALICE, TRAIN).json().get("updatesApplied").asBoolean()).isTrue();
        JsonNode alices = http.get("/v1/sessions/" + id, ALICE).json();
        JsonNode bobs = http.get("/v1/sessions/" + id, BOB).json();
        assertThat(alices.get("id").asString()).isEqualTo(id);
        assertThat(alices.get("spec").get("id").asString()).isEqualTo(id);
        assertThat(alices.get("counters").get("forwards").asLong()).isEqualTo(1);
        assertThat(bobs.get("id").asString()).isEqualTo(id);
        assertThat(bobs.get("counters").get("forwards").asLong()).isZero();
        assertThat(bobs.get("spec").get("updateOpsCollection").asString()).isEqualTo("update_ops");
        Response created = http.post("/v1/sessions", BOB, "{\"id\": \"" + unique("loc") + "\"}");
        assertThat(created.header("Location")).startsWith("/v1/sessions/").doesNotContain("~", "bob");
    }

    @Test
    void listing_ShouldShowOnlyTheTenantsSessionsUnderTheirOwnIds() {
        for (String id : List.of("carol-3", "carol-1", "carol-2")) {
            assertThat(http.post("/v1/sessions", CAROL, "{\"id\": \"" + id + "\"}").status()).isEqualTo(201);
        }
        sessionWithPendingOps(BOB, unique("b"), "update_ops");
        sessionWithPendingOps(ALICE, unique("a"), "update_ops");
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = http.get("/v1/sessions?pageSize=1" + (token == null ? "" : "&pageToken=" + token), CAROL).json();
            page.get("sessions").forEach(s -> seen.add(s.get("id").asString()));
            token = page.get("nextPageToken").isNull() ? null : page.get("nextPageToken").asString();
        } while (token != null && seen.size() < 10);
        assertThat(seen).containsExactly("carol-1", "carol-2", "carol-3");
        for (String key : List.of(ALICE, BOB)) {
            List<String> ids = new ArrayList<>();
            http.get("/v1/sessions?pageSize=1000", key).json().get("sessions").forEach(s -> ids.add(s.get("id").asString()));
            assertThat(ids).isNotEmpty().noneMatch(id -> id.startsWith("carol-") || id.contains("~"));
        }
        // a forged page token cannot step out of the tenant's ids
        for (String position : List.of("~", "bob~", "carol-1~", "\uffff", "")) {
            String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
            JsonNode page = http.get("/v1/sessions?pageSize=1000&pageToken=" + forged, CAROL).json();
            page.get("sessions").forEach(s -> assertThat(s.get("id").asString()).startsWith("carol-"));
        }
    }

    @Test
    void collections_ShouldListAndApplyOnlyTheTenantsOps() {
        String coll = unique("coll");
        String alices = sessionWithPendingOps(ALICE, unique("a"), coll);
        String bobs = sessionWithPendingOps(BOB, unique("b"), coll);
        String bobBefore = state(BOB, bobs);

        JsonNode listed = http.get("/v1/updates?collection=" + coll, ALICE).json();
        assertThat(listed.get("updates")).hasSize(2).allSatisfy(op -> assertThat(op.get("sessionId").asString()).isEqualTo(alices));
        JsonNode applied = http.post("/v1/updates/apply?collection=" + coll, ALICE, "").json();
        assertThat(applied.get("appliedCount").asLong()).isEqualTo(2);
        assertThat(applied.get("sessions")).hasSize(1);
        assertThat(applied.get("sessions").get(0).get("sessionId").asString()).isEqualTo(alices);
        assertThat(http.get("/v1/sessions/" + alices + "/updates", ALICE).json().get("count").asLong()).isZero();
        assertThat(state(BOB, bobs)).isEqualTo(bobBefore);

        JsonNode bobsOps = http.get("/v1/updates?collection=" + coll + "&pageSize=1", BOB).json();
        assertThat(bobsOps.get("updates").get(0).get("sessionId").asString()).isEqualTo(bobs);
        assertThat(http.post("/v1/updates/apply?collection=" + coll, BOB, "").json().get("appliedCount").asLong()).isEqualTo(2);
    }

    @Test
    void idsReachingForAnotherNamespace_ShouldNeverFindIt() throws Exception {
        String bobs = sessionWithPendingOps(BOB, unique("b"), "update_ops");
        String before = state(BOB, bobs);
        for (String path : List.of("bob~" + bobs, "bob%7E" + bobs, "bob%7e" + bobs, "alice~..~bob~" + bobs, "~bob~" + bobs)) {
            for (Request r : sessionEndpoints(path, ALICE)) {
                Response resp = http.send(r);
                assertThat(resp.status()).as(r.toString()).isIn(400, 404);
                assertThat(resp.text()).doesNotContain("\"counters\"", "\"variables\"");
            }
        }
        assertThat(http.post("/v1/sessions", ALICE, "{\"id\": \"bob~" + bobs + "\"}").status()).isEqualTo(400);
        for (String raw : List.of("/v1/sessions/..%2Fbob~" + bobs, "/v1/sessions/bob~" + bobs + "/../" + bobs, "/v1/sessions/%2e%2e/sessions/" + bobs)) {
            String response = Http.raw(port, "DELETE " + raw + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ALICE
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(response).as(raw).doesNotStartWith("HTTP/1.1 2");
        }
        assertThat(state(BOB, bobs)).isEqualTo(before);
    }

    @Test
    void healthIsOpen_MetricsNeedAKey_DocsAreOpenByDefault_EverythingElseNeedsAKey() throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/livez", "/readyz")) {
            assertThat(http.get(path, null).status()).as(path).isEqualTo(200);
        }
        assertProblem(http.get("/actuator/prometheus", null), 401, "missing_api_key");
        Response metrics = http.get("/actuator/prometheus", BOB);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("batchnorm_security_rejections_total");
        assertThat(http.get("/v3/api-docs", null).status()).isEqualTo(200);
        assertThat(http.get("/swagger-ui/index.html", null).status()).isEqualTo(200);
        for (String path : List.of("/actuator", "/actuator/info", "/nothing-here", "/v1", "/error")) {
            assertProblem(http.get(path, null), 401, "missing_api_key");
        }
        // an open-looking path that normalizes to a restricted one is not open
        for (String raw : List.of("/actuator/health/..;/prometheus", "/actuator/health/../prometheus", "/livez/..;/actuator/prometheus",
                "/actuator/health/%2e%2e/prometheus", "/actuator/health;a=b/../prometheus")) {
            String response = Http.raw(port, "GET " + raw + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(response).as(raw).doesNotContain("jvm_memory").doesNotStartWith("HTTP/1.1 2");
        }
    }

    @Test
    void securityHeaders_ShouldBeOnEveryKindOfResponse() throws Exception {
        String bobs = sessionWithPendingOps(BOB, unique("b"), "update_ops");
        List<Response> api = List.of(
                http.get("/v1/sessions/" + bobs, BOB),
                http.get("/v1/sessions/" + bobs, null),
                http.get("/v1/sessions/" + bobs, ALICE),
                http.send(request("PATCH", "/v1/sessions/" + bobs).key(BOB).json("{}")),
                http.send(request("POST", "/v1/sessions/" + bobs + "/forward").key(BOB).body("text/plain", new byte[] {1})),
                http.post("/v1/sessions/" + bobs + "/forward", BOB, "{\"inputs\": [[1, 0]], \"isTraining\": true"),
                http.get("/actuator/health/readiness", null),
                http.get("/actuator/prometheus", BOB),
                http.get("/v3/api-docs", null));
        for (Response r : api) {
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
        Response page = http.get("/swagger-ui/index.html", null);
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("Content-Security-Policy")).isEqualTo("frame-ancestors 'none'");
        // the playground page is open (it holds no data; its API calls need a key) and may run only its own code
        for (String file : List.of("/", "/playground.js", "/playground.css")) {
            Response playground = http.get(file, null);
            assertThat(playground.status()).as(file).isEqualTo(200);
            assertThat(playground.header("Content-Security-Policy")).as(file)
                    .isEqualTo("default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
            assertThat(playground.header("X-Frame-Options")).isEqualTo("DENY");
        }
        assertThat(http.get("/index.htm", null).status()).as("other static-looking paths still need a key").isEqualTo(401);
        // Tomcat's own refusal of a malformed request line
        String raw = Http.raw(port, "GET /v1/sessions/a%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 400").containsIgnoringCase("X-Content-Type-Options: nosniff")
                .containsIgnoringCase("X-Frame-Options: DENY").containsIgnoringCase("Cache-Control: no-store");
    }

    @Test
    void keysInTheWrongPlace_ShouldNeverBeEchoedNorLogged(CapturedOutput output) throws Exception {
        String bobs = sessionWithPendingOps(BOB, unique("b"), "update_ops");
        String k = ALICE;
        String basic = Base64.getEncoder().encodeToString(("alice:" + k).getBytes(StandardCharsets.UTF_8));
        List<Response> responses = new ArrayList<>(List.of(
                http.get("/v1/sessions?api_key=" + k + "&access_token=" + k, null),
                http.send(request("GET", "/v1/sessions").header("X-Api-Key", k)),
                http.send(request("GET", "/v1/sessions").header("Authorization", k)),
                http.send(request("GET", "/v1/sessions").header("Authorization", "Basic " + basic)),
                http.send(request("GET", "/v1/sessions").header("Authorization", "Token " + k)),
                http.send(request("GET", "/v1/sessions").header("Authorization", "Bearer " + k + " " + k)),
                http.send(request("GET", "/v1/sessions").header("Cookie", "key=" + k)),
                http.send(request("GET", "/v1/sessions").key(k).key(BOB)),
                http.get("/v1/sessions/" + k, null),
                http.get("/v1/sessions/" + k + "/variables?key=" + k, BOB + "x"),
                http.post("/v1/sessions", null, "{\"id\": \"x\", \"apiKey\": \"" + k + "\"}"),
                http.post("/v1/sessions", BOB, "{\"id\": \"" + k + "!\", \"apiKey\": \"" + k + "\"}"),
                http.post("/v1/sessions/" + bobs + "/forward?key=" + k, BOB, "{\"inputs\": [[\"" + k + "\", 1]], \"isTraining\": true}"),
                http.post("/v1/sessions/" + bobs + "/forward", BOB, "{\"inputs\": [[1, 2]], \"isTraining\": \"" + k + "\"}"),
                http.post("/v1/sessions/" + bobs + "/updates/apply", BOB, "{\"ids\": [\"" + k + "\"]}"),
                http.post("/v1/sessions/" + bobs + "/forward", BOB, "{\"inputs\": [[" + k + "]], \"isTraining\": true}"),
                http.post("/v1/sessions/" + bobs + "/forward", BOB, "{\"inputs\": [[1, 2]], \"isTraining\": " + k + "}"),
                http.post("/v1/sessions", BOB, "{\"id\": " + k + "}"),
                http.post("/v1/sessions/" + bobs + "/updates/apply", BOB, "{\"ids\": [" + k + "]}"),
                http.send(request("PUT", "/v1/sessions/" + bobs + "/variables/beta").key(BOB).json("{\"shape\": [\"" + k + "\"], \"data\": [1]}"))));
        for (Response r : responses) {
            assertThat(r.status()).isBetween(400, 499);
            assertThat(r.everything()).doesNotContain(k, basic);
        }
        for (String line : List.of("GET /v1/sessions/" + k + "%zz HTTP/1.1", "GET /v1/sessions/" + k + "{} HTTP/1.1",
                "GET /v1/sessions?" + k + "=<> HTTP/1.1")) {
            String raw = Http.raw(port, line + "\r\nHost: localhost\r\nAuthorization: Bearer " + k + "\r\nConnection: close\r\n\r\n");
            assertThat(raw).as(line).startsWith("HTTP/1.1 4").doesNotContain(k);
        }
        assertThat(output.getAll()).doesNotContain(k, basic, Keys.hash(k).substring(0, 16));
    }
}
