package dev.batchnorm.security;

import static dev.batchnorm.security.Http.request;
import static dev.batchnorm.security.TenancyIntegrationTests.TRAIN;
import static dev.batchnorm.security.TenancyIntegrationTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.security.Http.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Per-tenant quotas over real HTTP: the request rate (429 with Retry-After, then recovery), the
 * session quota and the pending-ops quota (409, then recovery), each bounding its tenant only and
 * changing nothing when it refuses. This context also restricts the API docs and Swagger UI and
 * leaves the metrics open.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "batchnorm.security.mode=api-key",
    "batchnorm.security.quota.requests-per-second=1000",
    "batchnorm.security.tenants.rater.requests-per-second=0.2",
    "batchnorm.security.tenants.rater.burst=2",
    "batchnorm.security.tenants.small.max-sessions=2",
    "batchnorm.security.tenants.narrow.max-pending-ops-per-session=2",
    "batchnorm.security.restrict.metrics=false",
    "batchnorm.security.restrict.api-docs=true",
    "batchnorm.security.restrict.swagger-ui=true",
})
@AutoConfigureMetrics
class QuotaIntegrationTests {

    static final String RATER = Keys.newKey();
    static final String SMALL = Keys.newKey();
    static final String NARROW = Keys.newKey();
    static final String FREE = Keys.newKey();

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        String keys = String.join(",", Keys.entry("rater", RATER), Keys.entry("small", SMALL), Keys.entry("narrow", NARROW),
                Keys.entry("free", FREE));
        registry.add("batchnorm.security.keys", () -> keys);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void connect() {
        http = new Http(port);
    }

    @Test
    void requestRate_ShouldAnswer429WithRetryAfterAndRecover() throws Exception {
        // a burst of two: the create and one forward pass, the next forward is refused and does nothing
        assertThat(http.post("/v1/sessions", RATER, "{\"id\": \"r\"}").status()).isEqualTo(201);
        assertThat(http.post("/v1/sessions/r/forward", RATER, TRAIN).status()).isEqualTo(200);
        Response limited = http.post("/v1/sessions/r/forward", RATER, TRAIN);
        assertProblem(limited, 429, "rate_limited");
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 5L);
        assertThat(limited.json().get("retryAfterSeconds").asLong()).isEqualTo(retryAfter);
        assertThat(limited.json().get("detail").asString()).contains("0.2 requests per second");

        // other tenants and health are not held back
        assertThat(http.get("/v1/sessions", FREE).status()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness", null).status()).isEqualTo(200);
        assertProblem(http.get("/v1/sessions", RATER), 429, "rate_limited");

        Thread.sleep(retryAfter * 1000);
        Response recovered = http.get("/v1/sessions/r", RATER);
        assertThat(recovered.status()).as("after Retry-After").isEqualTo(200);
        assertThat(recovered.json().get("counters").get("forwards").asLong()).as("the refused forward did nothing").isEqualTo(1);
        assertThat(recovered.json().get("counters").get("updateOpsPending").asLong()).isEqualTo(2);
        assertThat(http.get("/v1/sessions/r", RATER).status()).as("the bucket is empty again").isEqualTo(429);
    }

    @Test
    void sessionQuota_ShouldRefuseTheTenantOnlyAndRecoverAfterADelete() {
        assertThat(http.post("/v1/sessions", SMALL, "{\"id\": \"s1\"}").status()).isEqualTo(201);
        assertThat(http.post("/v1/sessions", SMALL, "{\"id\": \"s2\"}").status()).isEqualTo(201);
        Response refused = http.post("/v1/sessions", SMALL, "{\"id\": \"s3\"}");
        assertProblem(refused, 409, "session_quota_reached");
        assertThat(refused.json().get("limit").asLong()).isEqualTo(2);
        assertThat(http.get("/v1/sessions/s3", SMALL).status()).isEqualTo(404);
        assertThat(http.post("/v1/sessions", SMALL, "{\"id\": \"s1\"}").status()).as("a retried create at the quota").isEqualTo(200);
        assertThat(http.post("/v1/sessions", FREE, "{\"id\": \"s3\"}").status()).as("another tenant").isEqualTo(201);

        assertThat(http.send(request("DELETE", "/v1/sessions/s1").key(SMALL)).status()).isEqualTo(204);
        assertThat(http.post("/v1/sessions", SMALL, "{\"id\": \"s3\"}").status()).isEqualTo(201);
        assertThat(http.get("/v1/sessions", SMALL).json().get("sessions")).hasSize(2);
    }

    @Test
    void pendingOpsQuota_ShouldRefuseTheForwardThatWouldPassItAndChangeNothing() {
        assertThat(http.post("/v1/sessions", NARROW, "{\"id\": \"p\"}").status()).isEqualTo(201);
        assertThat(http.post("/v1/sessions/p/forward", NARROW, TRAIN).status()).isEqualTo(200);
        String before = http.get("/v1/sessions/p", NARROW).text();
        Response refused = http.post("/v1/sessions/p/forward", NARROW, TRAIN);
        assertProblem(refused, 409, "pending_ops_limit_reached");
        assertThat(refused.json().get("limit").asLong()).isEqualTo(2);
        assertThat(http.get("/v1/sessions/p", NARROW).text()).isEqualTo(before);

        assertThat(http.post("/v1/sessions/p/updates/apply", NARROW, "{}").status()).isEqualTo(200);
        assertThat(http.post("/v1/sessions/p/forward", NARROW, TRAIN).status()).isEqualTo(200);
        // the service's own limit (100000) is what other tenants get
        assertThat(http.post("/v1/sessions", FREE, "{\"id\": \"p\"}").status()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            assertThat(http.post("/v1/sessions/p/forward", FREE, TRAIN).status()).isEqualTo(200);
        }
    }

    @Test
    void restrictedDocsAndSwaggerUi_ShouldNeedAKey_OpenMetricsShouldNot() {
        for (String path : new String[] {"/v3/api-docs", "/v3/api-docs.yaml", "/swagger-ui/index.html", "/swagger-ui.html"}) {
            assertProblem(http.get(path, null), 401, "missing_api_key");
            assertThat(http.get(path, FREE).status()).as(path).isIn(200, 302);
        }
        assertThat(http.get("/actuator/prometheus", null).status()).isEqualTo(200);
        assertThat(http.get("/actuator/health/liveness", null).status()).isEqualTo(200);
    }
}
