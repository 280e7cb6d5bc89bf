package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.BatchNormApplication;
import dev.batchnorm.security.SecurityProperties;
import dev.batchnorm.store.RedisTestServer;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * The environment each render gives the service's container, handed to the real application as
 * its operating-system environment and nothing else: every variable must be bound by one of the
 * application's configuration properties (Spring's own report of where each bound value came
 * from says so), and the probe paths and the metrics path must answer on the ports the chart
 * names, the metrics with or without a key as the render's security.restrict.metrics says. A
 * misspelt variable, a wrong prefix or a value that does not convert fails here.
 */
class ChartEnvironmentTests {

    /** Read by the JVM itself, not by Spring; checked by running a JVM with it instead. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    private static final Pattern ENV_ORIGIN = Pattern.compile("System Environment Property \"([A-Za-z0-9_.-]+)\"");

    static Stream<Arguments> renders() {
        return HelmChartTests.renders();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyVariable_ShouldBindToAPropertyOfTheRunningService_AndTheProbesAnswer(String name, Path values) throws Exception {
        Chart.Rendered r = Chart.render(values, Map.of());
        Container app = Pods.app(r);
        // Secret values are unknown at render time: an address where no Redis listens; the key file
        // of the mounted Secret (the render's own, or one the operator creates) under a temporary root
        Path root = java.nio.file.Files.createTempDirectory("pod-");
        String key = "k-" + root.getFileName();
        Map<String, String> env = Pods.mountSecrets(r, app, Pods.environment(r, app, "redis://:unused@127.0.0.1:" + RedisTestServer.freePort()), root,
                Map.of("keys", Pods.keyEntry("env-test", key) + "\n"));
        Map<String, String> jvm = new LinkedHashMap<>();
        JVM_VARIABLES.forEach(v -> {
            if (env.containsKey(v)) {
                jvm.put(v, env.remove(v));
            }
        });
        // the names stay the chart's; only the port values change, to free ones
        Map<String, String> run = new LinkedHashMap<>(env);
        run.put("SERVER_PORT", "0");
        run.put("MANAGEMENT_SERVER_PORT", "0");

        try (ConfigurableApplicationContext context = start(run)) {
            Set<String> bound = boundFromEnvironment(context);
            assertThat(env.keySet()).as("variables no configuration property bound").allSatisfy(v -> assertThat(bound).contains(v));
            // and bound to what the values mean: the common quota and each tenant's own, key by key
            assertQuotasBound(values, context.getBean(SecurityProperties.class));

            int http = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
            int management = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
            assertThat(get(http, app.getLivenessProbe().getHttpGet().getPath())).isEqualTo(200);
            assertThat(get(http, app.getStartupProbe().getHttpGet().getPath())).isEqualTo(200);
            // readiness exists (200 with the memory store; 503 here for Redis, which is not running)
            int expectedReadiness = "memory".equals(env.get("BATCHNORM_STORE_TYPE")) ? 200 : 503;
            assertThat(get(http, app.getReadinessProbe().getHttpGet().getPath())).isEqualTo(expectedReadiness);
            boolean apiKey = "api-key".equals(env.get("BATCHNORM_SECURITY_MODE"));
            if (apiKey) {
                assertThat(get(http, "/v1/sessions")).as("the API without a key").isEqualTo(401);
            }
            // the key check runs on the management port too: health is open there, the metrics need
            // a key exactly when the render restricts them, and every answer has the security headers
            List<HttpResponse<Void>> answers = new ArrayList<>();
            answers.add(send(management, "/actuator/health/readiness", null));
            assertThat(answers.getLast().statusCode()).isEqualTo(expectedReadiness);
            answers.add(send(management, "/actuator/prometheus", null));
            if (apiKey && "true".equals(env.get("BATCHNORM_SECURITY_RESTRICT_METRICS"))) {
                assertThat(answers.getLast().statusCode()).as("metrics without a key, restricted").isEqualTo(401);
                answers.add(send(management, "/actuator/prometheus", key));
                assertThat(answers.getLast().statusCode()).as("metrics with a key").isEqualTo(200);
            } else {
                assertThat(answers.getLast().statusCode()).as("metrics without a key, open").isEqualTo(200);
            }
            for (HttpResponse<Void> a : answers) {
                assertThat(a.headers().firstValue("X-Content-Type-Options")).as(a.uri().toString()).hasValue("nosniff");
                assertThat(a.headers().firstValue("X-Frame-Options")).hasValue("DENY");
                assertThat(a.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
            }
            // and the actuator is not on the API's port, where an Ingress would expose it
            // (with a key, which the API port asks for on any unknown path in mode api-key)
            assertThat(get(http, "/actuator/prometheus", key)).isEqualTo(404);
        }
        for (Map.Entry<String, String> v : jvm.entrySet()) {
            assertJvmAccepts(v.getKey(), v.getValue());
        }
    }

    @org.junit.jupiter.api.Test
    void misspeltVariables_ShouldBeReportedUnbound() {
        // the check above must be able to fail: near-miss names bind to nothing
        Map<String, String> env = new LinkedHashMap<>(Map.of("BATCHNORM_STORE_TYPE", "memory", "BATCHNORM_LIMITS_MAX_SESSIONS", "7",
                "BATCHNORM_LIMITS_MAX_SESION", "5", "SPRING_DATA_REDIS_TIMOUT", "1s", "BATCHNORM_STORE_REDIS_PREFIX", "x",
                "SERVER_PORT", "0"));
        env.put("BATCHNORM_SECURITY_TENANTS_TEAM-A_MAXSESSIONS", "3");
        env.put("BATCHNORM_SECURITY_TENANTS_TEAM-A_MAXSESION", "4");
        env.put("BATCHNORM_SECURITY_QUOTA_MAXPENDINGELEMENTS", "9");
        try (ConfigurableApplicationContext context = start(env)) {
            assertThat(boundFromEnvironment(context)).contains("BATCHNORM_STORE_TYPE", "BATCHNORM_LIMITS_MAX_SESSIONS", "SERVER_PORT",
                            "BATCHNORM_SECURITY_TENANTS_TEAM-A_MAXSESSIONS")
                    .doesNotContain("BATCHNORM_LIMITS_MAX_SESION", "SPRING_DATA_REDIS_TIMOUT", "BATCHNORM_STORE_REDIS_PREFIX",
                            "BATCHNORM_SECURITY_TENANTS_TEAM-A_MAXSESION", "BATCHNORM_SECURITY_QUOTA_MAXPENDINGELEMENTS");
            assertThat(context.getBean(SecurityProperties.class).tenants().get("team-a").maxSessions()).isEqualTo(3);
        }
    }

    /**
     * The service's bound quotas equal what the render's values say: {@code security.quota} and
     * every {@code security.tenants} entry, each key (0 or absent meaning none: the property unset).
     */
    @SuppressWarnings("unchecked")
    static void assertQuotasBound(Path valuesFile, SecurityProperties bound) throws IOException, ReflectiveOperationException {
        Map<String, Object> security = new LinkedHashMap<>();
        if (valuesFile != null) {
            Map<String, Object> values = new Yaml().load(Files.readString(valuesFile));
            security.putAll((Map<String, Object>) values.getOrDefault("security", Map.of()));
        }
        assertQuota("security.quota", (Map<String, Object>) security.getOrDefault("quota", Map.of()), bound.quota());
        Map<String, Object> tenants = (Map<String, Object>) security.getOrDefault("tenants", Map.of());
        assertThat(bound.tenants().keySet()).as("tenants with quotas of their own").containsExactlyInAnyOrderElementsOf(tenants.keySet());
        for (Map.Entry<String, Object> t : tenants.entrySet()) {
            assertQuota("security.tenants." + t.getKey(), (Map<String, Object>) t.getValue(), bound.tenants().get(t.getKey()));
        }
    }

    private static void assertQuota(String where, Map<String, Object> values, SecurityProperties.Quota bound) throws ReflectiveOperationException {
        for (RecordComponent c : SecurityProperties.Quota.class.getRecordComponents()) {
            Object value = values.get(c.getName());
            Number expected = value == null || ((Number) value).doubleValue() == 0 ? null : (Number) value;
            Number actual = (Number) c.getAccessor().invoke(bound);
            if (expected == null) {
                assertThat(actual).as(where + "." + c.getName()).isNull();
            } else {
                assertThat(actual).as(where + "." + c.getName()).isNotNull();
                assertThat(actual.doubleValue()).as(where + "." + c.getName()).isEqualTo(expected.doubleValue());
            }
        }
    }

    /** The application as the container runs it, its environment being exactly {@code env}. */
    static ConfigurableApplicationContext start(Map<String, String> env) {
        StandardEnvironment environment = new StandardEnvironment() {
            @Override
            protected void customizePropertySources(MutablePropertySources sources) {
                // no system properties of the test JVM, no environment of the machine running the tests
                sources.addLast(new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(env)));
            }
        };
        return new SpringApplicationBuilder(BatchNormApplication.class).environment(environment).run(
                // test-only: the report of bound properties, with their origins
                "--management.endpoints.web.exposure.include=health,info,prometheus,configprops",
                "--management.endpoint.configprops.show-values=always",
                "--spring.main.banner-mode=off");
    }

    /** Names of the environment variables that Spring bound to some configuration property. */
    static Set<String> boundFromEnvironment(ConfigurableApplicationContext context) {
        Set<String> out = new TreeSet<>();
        var report = context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties();
        report.getContexts().values().forEach(c -> c.getBeans().values().forEach(b -> collectOrigins(b.getInputs(), out)));
        return out;
    }

    private static void collectOrigins(Object node, Set<String> out) {
        if (node instanceof Map<?, ?> map) {
            Object origin = map.get("origin");
            if (origin instanceof String s) {
                Matcher m = ENV_ORIGIN.matcher(s);
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
            map.values().forEach(v -> collectOrigins(v, out));
        } else if (node instanceof Iterable<?> list) {
            list.forEach(v -> collectOrigins(v, out));
        }
    }

    static int get(int port, String path) throws IOException, InterruptedException {
        return get(port, path, null);
    }

    /** Status of a GET, with {@code Authorization: Bearer <apiKey>} unless {@code apiKey} is null. */
    static int get(int port, String path, String apiKey) throws IOException, InterruptedException {
        return send(port, path, apiKey).statusCode();
    }

    /** A GET's answer (status and headers), with {@code Authorization: Bearer <apiKey>} unless {@code apiKey} is null. */
    static HttpResponse<Void> send(int port, String path, String apiKey) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).GET();
            if (apiKey != null) {
                b.header("Authorization", "Bearer " + apiKey);
            }
            return client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    /** A JVM started with the variable runs, and says it picked the flags up. */
    static void assertJvmAccepts(String variable, String value) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true);
        pb.environment().put(variable, value);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("Picked up " + variable + ": " + value);
    }
}
