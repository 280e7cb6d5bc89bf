package dev.batchnorm.security;

import static dev.batchnorm.security.Http.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.batchnorm.security.Http.Response;
import dev.batchnorm.security.RequestFuzzer.Case;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Seeded, time-bounded fuzzing of the running service over real HTTP ({@link RequestFuzzer}):
 * every answer comes in time, none is a 5xx, every error is a problem+json body, a refused
 * request changes no session (the tenant's sessions, variables, pending ops and list are read
 * before and after), another tenant's sessions never change at all, and neither the key nor
 * anything of the payloads reaches the log. {@code -Dfuzz.seed=N} replays or varies the run,
 * {@code -Dfuzz.seconds=S} sets its length (30 by default).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "batchnorm.security.mode=api-key",
    "batchnorm.limits.max-request-size=256KB",
    "batchnorm.limits.max-tensor-elements=100000",
    "batchnorm.limits.max-nesting-depth=32",
    "batchnorm.limits.max-pending-ops-per-session=40",
    "batchnorm.limits.max-sessions=300",
    "batchnorm.limits.max-statistics-elements=1000",
})
@AutoConfigureMetrics
@ExtendWith(OutputCaptureExtension.class)
class FuzzIntegrationTests {

    static final String FUZZER = Keys.newKey();
    static final String BYSTANDER = Keys.newKey();
    static final long SEED = Long.getLong("fuzz.seed", 20_261_125L);
    static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 30));
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    /** The fuzzing tenant's own sessions, which the requests mostly aim at. */
    static final Map<String, String> OWN = new LinkedHashMap<>(Map.of(
            "f1", "{\"id\": \"f1\"}",
            "f2", "{\"id\": \"f2\", \"updateOpsCollection\": null, \"scale\": true, \"dtype\": \"float64\"}",
            "f3", "{\"id\": \"f3\", \"updateOpsCollection\": \"other\", \"initializers\": {\"movingVariance\": [[1, 4]]}}"));
    static final String TRAIN = "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}";

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        String keys = Keys.entry("fuzzer", FUZZER) + "," + Keys.entry("bystander", BYSTANDER);
        registry.add("batchnorm.security.keys", () -> keys);
    }

    @LocalServerPort
    int port;

    Http http;

    @Test
    void hostileRequests_ShouldAlwaysBeAnsweredWithoutA5xxAndRefusalsShouldChangeNothing(CapturedOutput output) {
        http = new Http(port, REQUEST_TIMEOUT);
        for (String spec : OWN.values()) {
            assertThat(http.post("/v1/sessions", FUZZER, spec).status()).isEqualTo(201);
        }
        assertThat(http.post("/v1/sessions/f1/forward", FUZZER, TRAIN).status()).isEqualTo(200);
        assertThat(http.post("/v1/sessions/f3/forward", FUZZER, TRAIN).status()).isEqualTo(200);
        for (String id : List.of("f1", "v1")) {
            assertThat(http.post("/v1/sessions", BYSTANDER, "{\"id\": \"" + id + "\"}").status()).isEqualTo(201);
            assertThat(http.post("/v1/sessions/" + id + "/forward", BYSTANDER, TRAIN).status()).isEqualTo(200);
        }
        String bystander = state(BYSTANDER, List.of("f1", "v1"));
        String known = ownState();

        RequestFuzzer fuzz = new RequestFuzzer(SEED, FUZZER, List.copyOf(OWN.keySet()));
        Map<Integer, Integer> statuses = new TreeMap<>();
        long deadline = System.nanoTime() + budget().toNanos();
        int n = 0;
        while (System.nanoTime() < deadline) {
            Case c = fuzz.next();
            n++;
            String what = "request #" + n + " (seed " + SEED + "): " + c.request();
            Response r = send(c, what);
            statuses.merge(r.status(), 1, Integer::sum);
            assertThat(r.status()).as(what).isLessThan(500);
            if (r.status() >= 400 && !c.request().method.equals("HEAD")) {
                assertProblem(r, what);
            }
            if (c.mutating()) {
                if (r.status() >= 400) {
                    assertThat(ownState()).as("the sessions after the refused " + what + " (" + r.text() + ")").isEqualTo(known);
                } else {
                    known = ownStateRecreated();
                }
            }
            if (n % 50 == 0) {
                assertThat(state(BYSTANDER, List.of("f1", "v1"))).as("another tenant's sessions, after " + what).isEqualTo(bystander);
            }
        }
        assertThat(state(BYSTANDER, List.of("f1", "v1"))).as("another tenant's sessions").isEqualTo(bystander);
        System.out.println("[fuzz] " + getClass().getSimpleName() + " seed " + SEED + ": " + n + " requests in " + budget().toSeconds()
                + " s, statuses " + statuses);

        assertThat(n).as("requests sent").isGreaterThan(50);
        assertThat(statuses.keySet()).as("the run reached successes and many kinds of refusal")
                .contains(200, 400, 401, 404).anyMatch(s -> s == 413).anyMatch(s -> s == 415);
        String metrics = http.get("/actuator/prometheus", FUZZER).text();
        assertThat(metrics).as("the server counted no 5xx either").contains("http_server_requests_seconds_count")
                .doesNotContain("outcome=\"SERVER_ERROR\"");
        assertThat(output.getAll()).as("the log").doesNotContain(FUZZER, fuzz.marker);
    }

    /** How long the run lasts. */
    Duration budget() {
        return BUDGET;
    }

    private Response send(Case c, String what) {
        try {
            return http.send(c.request());
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof HttpTimeoutException) {
                fail("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s: " + what);
            }
            throw new AssertionError(what + " failed on the wire: " + e.getMessage(), e);
        }
    }

    private static void assertProblem(Response r, String what) {
        assertThat(r.header("Content-Type")).as(what + " -> " + r.status()).startsWith("application/problem+json");
        JsonNode p;
        try {
            p = r.json();
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": the problem body is not JSON: " + r.text(), e);
        }
        String code = p.path("code").asString("");
        assertThat(code).as(what + ": " + r.text()).matches("[a-z0-9_]+");
        assertThat(p.path("type").asString("")).as(what).isEqualTo("https://batchnorm.dev/problems/" + code.replace('_', '-'));
        assertThat(p.path("status").asInt()).as(what).isEqualTo(r.status());
        assertThat(p.path("title").asString("")).as(what).isNotBlank();
        assertThat(p.path("detail").asString("")).as(what).isNotBlank().doesNotContain("Exception", "java.", "tools.jackson", "\tat ");
    }

    /** The tenant's sessions (session, variables, pending ops) and its list of ids (those without a TTL). */
    private String ownState() {
        return state(FUZZER, List.copyOf(OWN.keySet())) + ids(FUZZER);
    }

    /** After a success: the state, with any of the sessions a request deleted created again. */
    private String ownStateRecreated() {
        for (Map.Entry<String, String> e : OWN.entrySet()) {
            if (http.get("/v1/sessions/" + e.getKey(), FUZZER).status() == 404) {
                assertThat(http.post("/v1/sessions", FUZZER, e.getValue()).status()).isEqualTo(201);
            }
        }
        return ownState();
    }

    private String state(String key, List<String> ids) {
        StringBuilder b = new StringBuilder();
        for (String id : ids) {
            for (String part : List.of("", "/variables", "/updates?pageSize=1000")) {
                Response r = http.get("/v1/sessions/" + id + part, key);
                b.append(r.status()).append(' ').append(r.text()).append('\n');
            }
        }
        return b.toString();
    }

    private String ids(String key) {
        StringBuilder b = new StringBuilder();
        // sessions created with a TTL may expire between two reads on their own
        http.get("/v1/sessions?pageSize=1000", key).json().get("sessions").forEach(s -> {
            if (s.get("spec").get("ttlSeconds").isNull()) {
                b.append(s.get("id").asString()).append(',');
            }
        });
        return b.toString();
    }

    /** The client used here really fails on a hang: a server that never answers must end the run. */
    @Test
    void requestTimeout_ShouldTurnAHangIntoAFailure() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
            Http mute = new Http(silent.getLocalPort(), Duration.ofMillis(300));
            UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(UncheckedIOException.class,
                    () -> mute.send(request("GET", "/")));
            assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class);
        }
    }
}
