package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the fuzz test found, kept as plain regressions (security mode none): each is a 4xx
 * problem+json that names no Java type, where it used to be a 500 or Spring Boot's own JSON.
 */
class FuzzFindingsIntegrationTests extends IntegrationTestBase {

    private void assertProblem(HttpApi.Response r, int status, String code) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo(code);
        assertThat(r.json().get("detail").asString()).doesNotContain("java.", "Exception", "[L");
    }

    @Test
    void bodyEndingInsideAString_ShouldBeMalformedJson() {
        // Jackson reads a string's text lazily, outside the readers' own error translation
        assertProblem(api.post("/v1/sessions", "{\"dtype\": \"float3"), 400, "malformed_json");
        assertProblem(api.post("/v1/sessions", "{\"id\": \"abc"), 400, "malformed_json");
        assertProblem(api.post("/v1/sessions", "{\"updateOpsCollection\": \"x"), 400, "malformed_json");
        String id = createSession("{}");
        assertProblem(api.post("/v1/sessions/" + id + "/forward", "{\"inputs\": {\"shape\": [\"2"), 400, "invalid_shape");
        assertProblem(api.post("/v1/sessions/" + id + "/forward", "{\"inputs\": [[\"1"), 400, "non_numeric_value");
        assertThat(api.get("/v1/sessions/" + id).json().get("version").asLong()).isEqualTo(1);
    }

    @Test
    void parameterGivenTwice_ShouldNotShowAJavaType() {
        String twice = "/v1/sessions?pageSize=99999999999999999999&pageSize=1";
        assertProblem(api.get(twice), 400, "invalid_parameter");
        assertThat(api.get(twice).json().get("detail").asString()).contains("pageSize");
    }

    @Test
    void formBodyOnPut_ShouldBeUnsupportedNotAFailure() {
        String id = createSession("{}");
        HttpApi.Response r = api.send("PUT", "/v1/sessions/" + id + "/variables/beta", "application/x-www-form-urlencoded", "a=%zz&b=%");
        assertProblem(r, 415, "unsupported_media_type");
    }

    @Test
    void formBodyOnPost_ShouldNeverBeReadAsParameters() {
        String id = createSession("{\"updateOpsCollection\": \"c\"}");
        assertThat(api.post("/v1/sessions/" + id + "/forward", "{\"inputs\": [[1, 2], [3, 5]], \"isTraining\": true}").status()).isEqualTo(200);
        String before = api.get("/v1/sessions/" + id + "/updates").text();
        String form = "application/x-www-form-urlencoded";
        // the fuzz finding: a form body that is not UTF-8 failed parameter decoding with a 500. The
        // collection apply takes no body, so it ignores this one and applies the default collection.
        byte[] undecodable = {'c', 'o', 'l', 'l', 'e', 'c', 't', 'i', 'o', 'n', '=', (byte) 0xC3, (byte) 0x28, '%', 'F', 'F'};
        HttpApi.BinaryResponse raw = api.sendBytes("POST", "/v1/updates/apply", form, null, undecodable);
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.json().get("collection").asString()).isEqualTo("update_ops");
        // a well-formed form is no way to pass query parameters either
        HttpApi.Response collection = api.send("POST", "/v1/updates/apply", form, "collection=c");
        assertThat(collection.status()).isEqualTo(200);
        assertThat(collection.json().get("collection").asString()).isEqualTo("update_ops");
        assertProblem(api.send("POST", "/v1/sessions/" + id + "/updates/apply", form, "ids=1"), 415, "unsupported_media_type");
        assertProblem(api.send("POST", "/v1/sessions/" + id + "/forward", form, "isTraining=true"), 415, "unsupported_media_type");
        assertThat(api.get("/v1/sessions/" + id + "/updates").text()).isEqualTo(before);
        assertThat(api.get("/v1/sessions/" + id).json().get("version").asLong()).isEqualTo(2);
    }

    @Test
    void queryThatIsNotUtf8_ShouldBeAnInvalidParameter() {
        String id = createSession("{\"updateOpsCollection\": \"c\"}");
        assertThat(api.post("/v1/sessions/" + id + "/forward", "{\"inputs\": [[1, 2], [3, 5]], \"isTraining\": true}").status()).isEqualTo(200);
        String before = api.get("/v1/sessions/" + id + "/updates").text();
        assertProblem(api.send("POST", "/v1/updates/apply?collection=%C3%28", null, null), 400, "invalid_parameter");
        assertProblem(api.get("/v1/sessions?pageToken=%FF%FE"), 400, "invalid_parameter");
        assertThat(api.get("/v1/sessions/" + id + "/updates").text()).isEqualTo(before);
    }

    @Test
    void contentTypeThatIsNoMediaType_ShouldBeUnsupportedEverywhere() {
        String id = createSession("{}");
        // the fuzz finding: Spring fails on a wildcard Content-Type wherever a body is read (a 500)
        for (String type : new String[] {"*/*", "application/*", "garbage", "", "text/"}) {
            HttpApi.Response health = api.send("GET", "/actuator/health/nope", type, null);
            assertThat(health.status()).as("[" + type + "] " + health.text()).isEqualTo(415);
            assertProblem(health, 415, "unsupported_media_type");
            assertProblem(api.send("POST", "/v1/sessions/" + id + "/forward", type, "{\"inputs\": [[1, 2]], \"isTraining\": true}"),
                    415, "unsupported_media_type");
        }
        assertThat(api.get("/v1/sessions/" + id).json().get("version").asLong()).isEqualTo(1);
        HttpApi.Response ok = api.send("POST", "/v1/sessions/" + id + "/forward", "application/json; charset=utf-8", "{\"inputs\": [[1, 2]], \"isTraining\": true}");
        assertThat(ok.status()).as(ok.text())
                .isEqualTo(200);
    }

    @Test
    void containerErrors_ShouldBeProblemJsonToo() {
        assertProblem(api.send("TRACE", "/v1/sessions", null, null), 405, "method_not_allowed");
        assertProblem(api.get("/error"), 404, "not_found");
        // the actuator answers an unknown health component with an empty 404
        assertProblem(api.get("/actuator/health/nope"), 404, "not_found");
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    void pathsThatAreNotPlain_ShouldBeRefused() throws Exception {
        String id = createSession("{}");
        assertProblem(api.get("/v1/sessions/" + id + ";x=y"), 400, "invalid_path");
        for (String path : new String[] {"/v1/sessions/other/../" + id, "/v1/sessions//" + id, "/actuator/health/../prometheus"}) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(response).as(path).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_path\"");
            }
        }
        assertThat(api.get("/v1/sessions/" + id).status()).isEqualTo(200);
    }
}
