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

    /**
     * The fuzz test's wire failure ("chunked transfer encoding, state: READING_LENGTH", caused by a
     * broken pipe) on {@code GET /v1/updates/apply/} with a 9000-character header and a body. Tomcat
     * refused the request head (over its 8 KB) while parsing it: a 400 with Connection: close,
     * then a close with request bytes still unread, which the kernel turns into a reset. A client
     * still sending its body, or not yet done reading the answer, lost it. Now the connector parses
     * heads up to 32 KB and the service refuses those over its own limit, after the whole request
     * is read: the body is swallowed and the connection serves the next request.
     */
    @Test
    void requestHeadOverTheLimit_ShouldBeRefusedOnAConnectionThatStaysUsable() throws Exception {
        String id = createSession("{\"updateOpsCollection\": \"c\"}");
        forward(id, "{\"inputs\": [[1, 2], [3, 5]], \"isTraining\": true}");
        String before = api.get("/v1/sessions/" + id).text();
        String big = "X-e1dhx3kfuk7t: " + "b".repeat(9000) + "\r\n";
        String[] refused = {
            // the fuzz case, as the JDK client sends it
            "GET /v1/updates/apply/?collection=%C3%BC&pageSize=1", "application/json; charset=utf-16", "{\"ids\": [1]}",
            // one that would change the session if it were served
            "POST /v1/sessions/" + id + "/updates/apply", "application/json", "{\"ids\": [1, 2]}",
        };
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            RawResponses in = new RawResponses(socket.getInputStream());
            for (int i = 0; i < refused.length; i += 3) {
                byte[] body = refused[i + 2].getBytes(StandardCharsets.UTF_8);
                write(socket, refused[i] + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length + "\r\nContent-Type: "
                        + refused[i + 1] + "\r\n" + big + "\r\n", body);
                RawResponse r = in.next();
                assertThat(r.head()).as(refused[i] + ": the connection is kept").doesNotContainIgnoringCase("Connection: close");
                assertThat(r.status()).as(refused[i] + ": " + r.head()).isEqualTo(431);
                assertThat(r.head()).as(refused[i]).containsIgnoringCase("Content-Type: application/problem+json");
                assertThat(r.body()).contains("\"code\":\"headers_too_large\"").doesNotContain("bbbb");
            }
            // the same connection answers the next request: nothing was left unread, nothing reset
            write(socket, "GET /v1/sessions/" + id + " HTTP/1.1\r\nHost: localhost\r\n\r\n", new byte[0]);
            RawResponse after = in.next();
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.body()).isEqualTo(before);
        }
        // the JDK client the fuzz test uses gets the problem too
        HttpApi.BinaryResponse r = api.sendBytes("POST", "/v1/sessions/" + id + "/updates/apply?x=" + "y".repeat(9000), "application/json",
                null, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(414);
        assertThat(r.json().get("code").asString()).isEqualTo("uri_too_long");
        assertThat(api.get("/v1/sessions/" + id).text()).isEqualTo(before);
    }

    /** A request target over the limit is 414; Tomcat closes after it, but only once the body is read: an orderly end, no reset. */
    @Test
    void requestTargetOverTheLimit_ShouldBeRefusedAndTheConnectionEndInOrder() throws Exception {
        byte[] body = " ".repeat(300_000).getBytes(StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            write(socket, "GET /v1/sessions/" + "y".repeat(9000) + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n", body);
            RawResponses in = new RawResponses(socket.getInputStream());
            RawResponse r = in.next();
            assertThat(r.status()).as(r.head()).isEqualTo(414);
            assertThat(r.body()).contains("\"code\":\"uri_too_long\"").doesNotContain("yyyy");
            assertThat(in.atEnd()).as("an orderly end of the connection").isTrue();
        }
    }

    private static void write(java.net.Socket socket, String head, byte[] body) throws java.io.IOException {
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
    }

    /** One HTTP/1.1 response read off a raw connection. */
    record RawResponse(int status, String head, String body) {}

    /** Reads responses one after another off a connection (Content-Length or chunked bodies). */
    static final class RawResponses {
        private final java.io.DataInputStream in;

        RawResponses(java.io.InputStream in) {
            this.in = new java.io.DataInputStream(new java.io.BufferedInputStream(in));
        }

        RawResponse next() throws java.io.IOException {
            StringBuilder head = new StringBuilder();
            for (String line; !(line = line()).isEmpty(); ) {
                head.append(line).append('\n');
            }
            String h = head.toString();
            int status = Integer.parseInt(h.substring(9, 12));
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length: *(\\d+)").matcher(h);
            if (length.find()) {
                body.write(in.readNBytes(Integer.parseInt(length.group(1))));
            } else if (h.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                for (int n; (n = Integer.parseInt(line().trim(), 16)) > 0; line()) {
                    body.write(in.readNBytes(n));
                }
                line();
            }
            return new RawResponse(status, h, body.toString(StandardCharsets.UTF_8));
        }

        /** Whether the connection ends here with an orderly close (a reset throws). */
        boolean atEnd() throws java.io.IOException {
            return in.read() < 0;
        }

        private String line() throws java.io.IOException {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new java.io.EOFException("the connection ended after: " + b);
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }
    }
}
