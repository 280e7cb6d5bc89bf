package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The playground's static assets are served from the jar at {@code /}, next to an API that still answers problems. */
class PlaygroundPageTests extends IntegrationTestBase {

    @Test
    void root_ShouldServeThePlaygroundPage() {
        HttpApi.Response page = api.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.text()).contains("<title>BatchNorm playground", "playground.js", "playground.css");
    }

    @Test
    void assets_ShouldBeServedWithTheirTypes() {
        assertThat(api.get("/playground.js").header("Content-Type")).startsWith("text/javascript");
        assertThat(api.get("/playground.css").header("Content-Type")).startsWith("text/css");
        assertThat(api.get("/favicon.svg").header("Content-Type")).startsWith("image/svg+xml");
        assertThat(api.get("/playground.js").text()).contains("v1/sessions");
    }

    @Test
    void unknownPaths_ShouldStillBeProblems() {
        HttpApi.Response r = api.get("/no-such-page.html");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo("not_found");
    }
}
