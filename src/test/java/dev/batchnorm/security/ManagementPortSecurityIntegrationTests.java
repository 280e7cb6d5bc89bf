package dev.batchnorm.security;

import static dev.batchnorm.security.TenancyIntegrationTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.security.Http.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The actuator on a port of its own, as the Helm chart runs it ({@code management.server.port}):
 * Spring Boot serves it from a child context, and the security filter must run there too. Metrics
 * need a key (restrict.metrics is true by default), health stays open, every other actuator path
 * needs a key, and every answer carries the security headers, including Tomcat's own refusals.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.server.port=0",
    "batchnorm.security.mode=api-key",
    // a burst of 3 that never refills in the test's time: shows the API port runs the filter once per request
    "batchnorm.security.tenants.metered.requests-per-second=0.001",
    "batchnorm.security.tenants.metered.burst=3",
})
@AutoConfigureMetrics
class ManagementPortSecurityIntegrationTests {

    static final String KEY = Keys.newKey();
    static final String METERED = Keys.newKey();

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add("batchnorm.security.keys", () -> Keys.entry("ops", KEY) + "," + Keys.entry("metered", METERED));
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    Http api;
    Http management;

    @BeforeEach
    void connect() {
        assertThat(managementPort).as("the actuator has a port of its own").isNotEqualTo(port).isPositive();
        api = new Http(port);
        management = new Http(managementPort);
    }

    @Test
    void metrics_OnTheManagementPort_ShouldNeedAKey() {
        Response none = management.get("/actuator/prometheus", null);
        assertProblem(none, 401, "missing_api_key");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"batchnorm\"");
        assertThat(none.text()).doesNotContain("jvm_memory");
        Response wrong = management.get("/actuator/prometheus", Keys.newKey());
        assertProblem(wrong, 401, "invalid_api_key");
        assertThat(wrong.text()).doesNotContain("jvm_memory");

        Response ok = management.get("/actuator/prometheus", KEY);
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.text()).contains("batchnorm_sessions_active").contains("batchnorm_security_rejections_total");
    }

    @Test
    void health_OnTheManagementPort_ShouldStayOpen() {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            Response r = management.get(path, null);
            assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
            assertThat(r.text()).contains("\"UP\"");
        }
    }

    @Test
    void otherActuatorPaths_OnTheManagementPort_ShouldNeedAKey() {
        assertProblem(management.get("/actuator/info", null), 401, "missing_api_key");
        assertProblem(management.get("/actuator", null), 401, "missing_api_key");
        assertThat(management.get("/actuator/info", KEY).status()).isEqualTo(200);
        // a path that is not plain cannot pass for an open one
        assertProblem(management.get("/actuator/health/../prometheus", null), 400, "invalid_path");
        assertProblem(management.get("/actuator/health/;x/../../prometheus", null), 400, "invalid_path");
    }

    @Test
    void everyManagementResponse_ShouldCarryTheSecurityHeaders() throws Exception {
        List<Response> answers = List.of(
                management.get("/actuator/health/readiness", null),
                management.get("/actuator/prometheus", null),
                management.get("/actuator/prometheus", Keys.newKey()),
                management.get("/actuator/prometheus", KEY),
                management.get("/actuator/info", KEY),
                management.get("/actuator/nothing-here", KEY),
                management.get("/actuator//health", null));
        assertThat(answers).extracting(Response::status).containsExactly(200, 401, 401, 200, 200, 404, 400);
        for (Response r : answers) {
            assertThat(r.header("X-Content-Type-Options")).as(r.everything()).isEqualTo("nosniff");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
        // Tomcat's own refusal of a malformed request line, on the management server's Tomcat
        String raw = Http.raw(managementPort, "GET /actuator/health%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 400").containsIgnoringCase("X-Content-Type-Options: nosniff")
                .containsIgnoringCase("X-Frame-Options: DENY").containsIgnoringCase("Cache-Control: no-store")
                .contains("application/problem+json");
    }

    @Test
    void theApiPort_ShouldKeepItsRules_WithTheFilterRunningOncePerRequest() {
        assertProblem(api.get("/v1/sessions", null), 401, "missing_api_key");
        assertThat(api.get("/livez", null).status()).isEqualTo(200);
        // the actuator is not on the API port
        assertThat(api.get("/actuator/prometheus", KEY).status()).isEqualTo(404);
        // a burst of 3: three requests pass and the fourth is refused; a filter registered twice
        // would take two tokens per request and refuse the second
        for (int i = 0; i < 3; i++) {
            Response r = api.get("/v1/sessions", METERED);
            assertThat(r.status()).as("request %d: %s", i + 1, r.text()).isEqualTo(200);
        }
        assertProblem(api.get("/v1/sessions", METERED), 429, "rate_limited");
    }
}
