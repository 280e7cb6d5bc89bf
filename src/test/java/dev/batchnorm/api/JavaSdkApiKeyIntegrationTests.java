package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.batchnorm.sdk.ApiClient;
import dev.batchnorm.sdk.ApiException;
import dev.batchnorm.sdk.api.ForwardApi;
import dev.batchnorm.sdk.api.SessionsApi;
import dev.batchnorm.sdk.model.CreateSessionRequest;
import dev.batchnorm.sdk.model.ForwardResponse;
import dev.batchnorm.sdk.model.Problem;
import dev.batchnorm.sdk.model.Session;
import dev.batchnorm.sdk.model.SessionList;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The generated Java SDK against the service in mode api-key, as the document's bearerAuth scheme
 * describes it: the key as {@code Authorization: Bearer <key>} (the native client sends it from a
 * request interceptor), and the filter's refusals (401, 429, the session quota's 409) surfacing as
 * the SDK's {@link ApiException} with a {@link Problem} body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "batchnorm.security.mode=api-key",
    "batchnorm.security.tenants.slow.requests-per-second=0.01",
    "batchnorm.security.tenants.slow.burst=1",
    "batchnorm.security.tenants.small.max-sessions=1",
})
class JavaSdkApiKeyIntegrationTests {

    static final String KEY = newKey();
    static final String SLOW = newKey();
    static final String SMALL = newKey();

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add("batchnorm.security.keys", () -> "sdk:" + sha256(KEY) + ",slow:" + sha256(SLOW) + ",small:" + sha256(SMALL));
    }

    @LocalServerPort
    int port;

    static String newKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The configured form of a key: what {@code printf %s "$KEY" | sha256sum} prints. */
    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SDK client; with a key, every request carries it as the bearer token. */
    ApiClient client(String key) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + port);
        if (key != null) {
            client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        }
        return client;
    }

    static Problem problem(ApiClient client, ApiException e) throws Exception {
        assertThat(e.getResponseHeaders().firstValue("content-type")).hasValue("application/problem+json");
        return client.getObjectMapper().readValue(e.getResponseBody(), Problem.class);
    }

    @Test
    void bearerKey_ShouldDriveTheApiThroughTheSdk() throws Exception {
        ApiClient client = client(KEY);
        SessionsApi sessions = new SessionsApi(client);
        var created = sessions.createSessionWithHttpInfo(new CreateSessionRequest().id("sdk-keyed"));
        assertThat(created.getStatusCode()).isEqualTo(201);

        ForwardResponse train = new ForwardApi(client).forward("sdk-keyed", JavaSdkIntegrationTests.batch(JavaSdkIntegrationTests.X, true), null, null, null);
        assertThat(JavaSdkIntegrationTests.floats(train.getOutputs())).isEqualTo(JavaSdkIntegrationTests.E1);

        Session s = sessions.getSession("sdk-keyed");
        assertThat(s.getCounters().getUpdateOpsPending()).isEqualTo(2);
        assertThat(sessions.listSessions(null, null).getSessions()).extracting(Session::getId).containsExactly("sdk-keyed");
    }

    @Test
    void wrongOrMissingKey_ShouldSurfaceAsA401ApiExceptionAndDoNothing() throws Exception {
        ApiClient wrong = client(newKey());
        var refused = catchThrowableOfType(ApiException.class,
                () -> new SessionsApi(wrong).createSession(new CreateSessionRequest().id("sdk-wrong-key")));
        assertThat(refused.getCode()).isEqualTo(401);
        assertThat(refused.getResponseHeaders().firstValue("www-authenticate")).hasValue("Bearer realm=\"batchnorm\", error=\"invalid_token\"");
        Problem invalid = problem(wrong, refused);
        assertThat(invalid.getCode()).isEqualTo("invalid_api_key");
        assertThat(invalid.getStatus()).isEqualTo(401);

        ApiClient anonymous = client(null);
        var missing = catchThrowableOfType(ApiException.class, () -> new SessionsApi(anonymous).getSession("sdk-wrong-key"));
        assertThat(missing.getCode()).isEqualTo(401);
        assertThat(problem(anonymous, missing).getCode()).isEqualTo("missing_api_key");

        // nothing was created for anyone: the right key does not find the session
        var notFound = catchThrowableOfType(ApiException.class, () -> new SessionsApi(client(KEY)).getSession("sdk-wrong-key"));
        assertThat(notFound.getCode()).isEqualTo(404);
    }

    @Test
    void spentRate_ShouldSurfaceAsA429WithRetryAfterInTheHeaderAndTheProblem() throws Exception {
        ApiClient client = client(SLOW);
        SessionList first = new SessionsApi(client).listSessions(null, null);
        assertThat(first.getSessions()).isEmpty();
        var limited = catchThrowableOfType(ApiException.class, () -> new SessionsApi(client).listSessions(null, null));
        assertThat(limited.getCode()).isEqualTo(429);
        Problem p = problem(client, limited);
        assertThat(p.getCode()).isEqualTo("rate_limited");
        // the burst of 1 refills at 0.01 per second: about 100 s
        assertThat(p.getRetryAfterSeconds()).isBetween(90L, 100L);
        assertThat(limited.getResponseHeaders().firstValue("retry-after")).hasValue(Long.toString(p.getRetryAfterSeconds()));
    }

    @Test
    void sessionQuota_ShouldSurfaceAsA409WithItsLimit() throws Exception {
        ApiClient client = client(SMALL);
        SessionsApi sessions = new SessionsApi(client);
        sessions.createSession(new CreateSessionRequest().id("sdk-quota-1"));
        var refused = catchThrowableOfType(ApiException.class, () -> sessions.createSession(new CreateSessionRequest().id("sdk-quota-2")));
        assertThat(refused.getCode()).isEqualTo(409);
        Problem p = problem(client, refused);
        assertThat(p.getCode()).isEqualTo("session_quota_reached");
        assertThat(p.getLimit()).isEqualTo(1L);
    }
}
