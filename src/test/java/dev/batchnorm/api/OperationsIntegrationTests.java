package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Health probes, Prometheus meters and the OpenAPI document, over real HTTP. */
class OperationsIntegrationTests extends IntegrationTestBase {

    @Test
    void probes_ShouldBeUpAndReadinessShouldIncludeTheStore() {
        assertThat(api.get("/actuator/health/liveness").json().get("status").asString()).isEqualTo("UP");
        assertThat(api.get("/livez").status()).isEqualTo(200);
        assertThat(api.get("/readyz").status()).isEqualTo(200);
        HttpApi.Response ready = api.get("/actuator/health/readiness");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void prometheus_ShouldExposeForwardMetersWithBoundedTagsOnly() {
        createSession("{\"id\": \"metered-session-xyz\"}");
        forward("metered-session-xyz", "{\"inputs\": [[1, 2], [3, 4]], \"isTraining\": true}");
        forward("metered-session-xyz", "{\"inputs\": [[1, 2], [3, 4]], \"isTraining\": false, \"testLocalStats\": false}");
        api.post("/v1/sessions/metered-session-xyz/updates/apply", "{}");
        String text = api.get("/actuator/prometheus").text();
        assertThat(text).contains("batchnorm_forward_seconds_count{")
                .containsPattern("batchnorm_forward_seconds_count\\{[^}]*mode=\"training\"[^}]*updates=\"defer\"[^}]*\\} [1-9]")
                .containsPattern("batchnorm_forward_seconds_count\\{[^}]*mode=\"inference\"[^}]*stats=\"moving\"[^}]*\\} [1-9]")
                .contains("batchnorm_forward_elements_count")
                .containsPattern("batchnorm_updates_applied_total\\{[^}]*\\} [1-9]")
                .contains("batchnorm_sessions_active")
                .contains("batchnorm_updates_pending")
                .doesNotContain("metered-session-xyz");
    }

    @Test
    void openApi_ShouldDocumentEveryEndpointAndServeSwaggerUi() {
        HttpApi.Response docs = api.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        var paths = docs.json().get("paths");
        assertThat(paths.propertyNames()).contains("/v1/sessions", "/v1/sessions/{id}", "/v1/sessions/{id}/forward",
                "/v1/sessions/{id}/variables", "/v1/sessions/{id}/variables/{name}", "/v1/sessions/{id}/updates",
                "/v1/sessions/{id}/updates/apply", "/v1/updates", "/v1/updates/apply");
        assertThat(api.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }

    @Test
    void echo_ShouldNotExistOutsideTheEchoProfile() {
        HttpApi.Response r = api.send("POST", "/v1/echo", "application/json", "{}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asString()).isEqualTo("not_found");
    }
}
