package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.store.RedisTestServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pod the chart describes, as close as this machine gets without an engine: the image's
 * content assembled by running the Dockerfile's own extract command and layer copies, started
 * with its ENTRYPOINT in its WORKDIR, with the environment of the chart's default Deployment.
 * Its Redis (password-protected, as the bundled one is) starts only after the service, to see
 * readiness wait for the store. The steps run in order on one process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerImageIT {

    private static final Pattern ENV_ORIGIN = Pattern.compile("System Environment Property \\\\?\"([A-Za-z0-9_.-]+)\\\\?\"");

    private static final String TENANT = "it";
    private static final String API_KEY = "it-key-" + UUID.randomUUID();

    Chart.Rendered chart;
    Container container;
    Map<String, String> chartEnv;
    Map<Integer, Integer> ports = new LinkedHashMap<>(); // container port -> free host port
    String redisPassword = "it" + UUID.randomUUID().toString().replace("-", "");
    int redisPort;
    Process redis;
    Path appDir;
    List<String> appDirBefore;
    Path home;
    AppProcess app;

    @BeforeAll
    void start() throws Exception {
        chart = Chart.renderDefaults();
        container = Pods.app(chart);
        redisPort = RedisTestServer.freePort();
        // the chart's Secret holds redis://:<password>@<redis service>:6379; here the Redis is local
        appDir = LayeredApp.appDir();
        Path root = Files.createDirectories(appDir.resolveSibling("pod-" + UUID.randomUUID()));
        // the keys Secret the operator creates, mounted where the chart mounts it (under root here)
        chartEnv = Pods.mountSecrets(chart, container, Pods.environment(chart, container, "redis://:" + redisPassword + "@127.0.0.1:" + redisPort),
                root, Map.of("keys", "# the operator's key file\n" + Pods.keyEntry(TENANT, API_KEY) + "\n"));
        for (String name : List.of("http", "management")) {
            ports.put(Pods.port(container, name), RedisTestServer.freePort());
        }
        Map<String, String> env = new LinkedHashMap<>(chartEnv);
        env.put("SERVER_PORT", Integer.toString(hostPort(Integer.parseInt(chartEnv.get("SERVER_PORT")))));
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(hostPort(Integer.parseInt(chartEnv.get("MANAGEMENT_SERVER_PORT")))));
        appDirBefore = LayeredApp.snapshot(appDir);
        // test-only: where the container's emptyDir /tmp would be, an empty home, the report of bound properties
        home = Files.createDirectories(root.resolve("home"));
        env.put("HOME", home.toString());
        env.put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + Files.createDirectories(root.resolve("tmp")));
        env.put("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE", "health,info,prometheus,configprops");
        env.put("MANAGEMENT_ENDPOINT_CONFIGPROPS_SHOW_VALUES", "always");

        app = AppProcess.start(LayeredApp.command(), appDir, env, root.resolve("service.log"));
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor();
        }
    }

    @Test
    @Order(1)
    void startup_WhileTheStoreDoesNotAnswer_ShouldBeAliveButNotReady() throws Exception {
        Probe startup = container.getStartupProbe();
        Duration budget = Duration.ofSeconds((long) startup.getPeriodSeconds() * startup.getFailureThreshold());
        app.awaitStatus(hostPort(Pods.resolve(container, startup.getHttpGet().getPort())), startup.getHttpGet().getPath(), 200, budget);
        // the kubelet would keep the pod out of the Service's endpoints
        Probe readiness = container.getReadinessProbe();
        int port = hostPort(Pods.resolve(container, readiness.getHttpGet().getPort()));
        for (int i = 0; i < 5; i++) {
            assertThat(app.status(port, readiness.getHttpGet().getPath())).as("readiness without Redis").isEqualTo(503);
            Thread.sleep(500);
        }
        assertThat(app.status(hostPort(Pods.resolve(container, container.getLivenessProbe().getHttpGet().getPort())),
                container.getLivenessProbe().getHttpGet().getPath())).as("liveness does not depend on Redis").isEqualTo(200);
    }

    @Test
    @Order(2)
    void readiness_OnceTheStoreAnswers_ShouldGoUp() throws Exception {
        redis = RedisTestServer.startExtra(redisPort, "--requirepass", redisPassword);
        Probe readiness = container.getReadinessProbe();
        app.awaitStatus(hostPort(Pods.resolve(container, readiness.getHttpGet().getPort())), readiness.getHttpGet().getPath(), 200,
                Duration.ofSeconds(30));
    }

    @Test
    @Order(3)
    void everyProbeAndTheMetricsPath_ShouldAnswerWhereTheChartLooks() throws Exception {
        for (Probe p : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
            assertThat(app.status(hostPort(Pods.resolve(container, p.getHttpGet().getPort())), p.getHttpGet().getPath()))
                    .as(p.getHttpGet().getPath()).isEqualTo(200);
        }
        Map<String, String> annotations = chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();
        int metricsPort = hostPort(Integer.parseInt(annotations.get("prometheus.io/port")));
        assertThat(app.body(metricsPort, annotations.get("prometheus.io/path"))).contains("batchnorm_sessions_active")
                .contains("application=\"batchnorm-service\"");
    }

    @Test
    @Order(4)
    void everyVariableTheChartSets_ShouldBeBoundByTheRunningService() throws Exception {
        // the management port checks keys too: configprops, like any actuator path but health and open metrics, needs one
        int management = hostPort(Pods.port(container, "management"));
        assertThat(app.status(management, "/actuator/configprops")).as("configprops without a key").isEqualTo(401);
        String report = app.body(management, "/actuator/configprops", API_KEY);
        Set<String> bound = new TreeSet<>();
        Matcher m = ENV_ORIGIN.matcher(report);
        while (m.find()) {
            bound.add(m.group(1));
        }
        assertThat(bound).containsAll(chartEnv.keySet());
    }

    @Test
    @Order(5)
    void api_ShouldServeSessionsFromThePasswordProtectedRedis() throws Exception {
        int http = hostPort(Pods.port(container, "http"));
        // the chart's default is mode api-key, with the keys from the mounted Secret
        assertThat(chartEnv).containsEntry("BATCHNORM_SECURITY_MODE", "api-key");
        assertThat(app.post(http, "/v1/sessions", "{\"id\": \"pod\"}", null).statusCode()).as("without a key").isEqualTo(401);
        assertThat(app.post(http, "/v1/sessions", "{\"id\": \"pod\"}", "not-" + API_KEY).statusCode()).as("with a wrong key").isEqualTo(401);
        HttpResponse<String> created = app.post(http, "/v1/sessions", "{\"id\": \"pod\"}", API_KEY);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> forward = app.post(http, "/v1/sessions/pod/forward", "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}", API_KEY);
        assertThat(forward.statusCode()).as(forward.body()).isEqualTo(200);
        assertThat(forward.body()).contains("-1.2238274");
        // the session lives in Redis under the chart's key prefix, in the tenant's namespace
        assertThat(redisKeys(chartEnv.get("BATCHNORM_STORE_REDIS_KEY_PREFIX") + ":*")).contains("{" + TENANT + "~pod}");
    }

    @Test
    @Order(6)
    void sigterm_ShouldStopWithinTheGracePeriod_HavingWrittenNothingOutsideTmp() throws Exception {
        long grace = chart.one(Deployment.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
        app.sigterm();
        // Kubernetes kills at the end of the grace period, which preStop's pause has partly used
        Integer exit = app.awaitExit(Duration.ofSeconds(grace - preStop));
        assertThat(exit).as("exit status within the grace period\n" + app.tail()).isNotNull();
        // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited as a terminated process does
        assertThat(exit).isEqualTo(143);
        assertThat(app.log()).contains("Graceful shutdown complete").doesNotContain("Graceful shutdown aborted");
        // a read-only root filesystem would have been fine: no file appeared or changed in the
        // image's directory or in HOME (only under java.io.tmpdir, the emptyDir)
        assertThat(LayeredApp.snapshot(appDir)).isEqualTo(appDirBefore);
        try (var files = Files.list(home)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    private int hostPort(int containerPort) {
        Integer p = ports.get(containerPort);
        assertThat(p).as("container port " + containerPort + " is one the chart declares").isNotNull();
        return p;
    }

    private String redisKeys(String pattern) throws Exception {
        Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(redisPort), "--no-auth-warning", "-a", redisPassword, "--scan", "--pattern", pattern)
                .redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes());
        assertThat(cli.waitFor()).as(out).isZero();
        return out;
    }
}
