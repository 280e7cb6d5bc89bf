package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/** The load benchmark's baseline endpoint, which exists only under the "echo" profile. */
@ActiveProfiles("echo")
@TestPropertySource(properties = "batchnorm.limits.max-request-size=64KB")
class EchoEndpointIntegrationTests extends IntegrationTestBase {

    @Test
    void echo_ShouldAnswerTheBodyBytesUnchangedWithTheirContentType() {
        byte[] body = new byte[50_000];
        new Random(7).nextBytes(body);
        HttpApi.BinaryResponse r = api.sendBytes("POST", "/v1/echo", "application/x-npy", "application/x-npy", body);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-npy");
        assertThat(r.body()).isEqualTo(body);

        HttpApi.Response json = api.send("POST", "/v1/echo", "application/json", "{\"inputs\": [[1, 2]]}");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.text()).isEqualTo("{\"inputs\": [[1, 2]]}");
    }

    @Test
    void echo_ShouldKeepTheBodyLimit() {
        HttpApi.BinaryResponse r = api.sendBytes("POST", "/v1/echo", "application/octet-stream", "*/*", new byte[70_000]);
        assertThat(r.status()).isEqualTo(413);
    }
}
