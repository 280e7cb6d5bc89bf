package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart, linted and rendered by Helm's own code (helm-java) with its defaults and with the
 * non-default value files under {@code ci/}, every object parsed into fabric8's typed models.
 */
class HelmChartTests {

    /** The defaults, then every file under ci/ (chart-testing's convention). */
    static Stream<Arguments> renders() {
        return Stream.concat(Stream.of(Arguments.of("defaults", null)),
                Chart.ciValues().stream().map(p -> Arguments.of(p.getFileName().toString(), p)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void lint_InStrictMode_ShouldReportNoWarningOrError(String name, Path values) {
        LintResult lint = Chart.lint(values);
        assertThat(lint.isFailed()).as(lint.getMessages().toString()).isFalse();
        // strict turns warnings into failures; say so here too, so a message is never swallowed
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void render_EveryObject_ShouldBeAKnownKindWithKnownFieldsOnly(String name, Path values) {
        Chart.Rendered r = Chart.render(values, Map.of());
        assertThat(r.manifests()).isNotEmpty();
        List<String> problems = new ArrayList<>();
        r.manifests().forEach(m -> problems.addAll(StrictK8s.problems(m.object())));
        assertThat(problems).isEmpty();
        // every object carries the chart's labels, so "kubectl get all -l" finds the whole release
        assertThat(r.manifests()).allSatisfy(m -> assertThat(m.object().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
                .containsEntry("app.kubernetes.io/name", "batchnorm-service"));
    }

    @Test
    void strictCheck_ShouldReportTyposAndUnknownKinds() {
        // the check the other tests rely on must itself be able to fail
        Chart.Rendered r = Chart.parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replica: 2
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      contianers: []
                      containers: [{name: c, image: i, livenessProbe: {httpGet: {path: /, port: 1, pth: /x}}}]
                ---
                apiVersion: v1
                kind: Sevrice
                metadata: {name: y}
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: z}
                spec: {endpoints: [{port: management, intervall: 30s}]}
                """);
        List<String> problems = r.manifests().stream().flatMap(m -> StrictK8s.problems(m.object()).stream()).toList();
        assertThat(problems).anyMatch(p -> p.contains("Deployment/x.Spec: unknown field(s) [replica]"))
                .anyMatch(p -> p.contains("unknown field(s) [contianers]"))
                .anyMatch(p -> p.contains("HttpGet: unknown field(s) [pth]"))
                .anyMatch(p -> p.contains("unknown kind v1/Sevrice"))
                .anyMatch(p -> p.contains("ServiceMonitor/z.Spec.Endpoints[0]: unknown field(s) [intervall]"));
    }

    @Test
    void defaults_ShouldBeSelfContained_TwoToSixReplicasOnABundledRedis() {
        Chart.Rendered r = Chart.renderDefaults();
        assertThat(r.kinds()).containsExactlyInAnyOrder("Deployment", "Service", "Service", "Service", "ConfigMap",
                "ServiceAccount", "HorizontalPodAutoscaler", "PodDisruptionBudget", "StatefulSet");
        Deployment d = r.one(Deployment.class);
        // the autoscaler owns the count: a replicas field would reset it on every upgrade
        assertThat(d.getSpec().getReplicas()).isNull();
        HorizontalPodAutoscaler hpa = r.one(HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(d.getMetadata().getName());
        assertThat(hpa.getSpec().getMetrics()).singleElement()
                .satisfies(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
        // HPA utilization is a share of the request: there must be one
        assertThat(Pods.app(r).getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(r.configMap().getData()).containsEntry("BATCHNORM_STORE_TYPE", "redis");
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
        assertThat(r.one(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void fixedReplicas_ShouldSetReplicasAndRenderNoAutoscaler() {
        Chart.Rendered r = Chart.renderCi("external-redis-values.yaml");
        assertThat(r.one(Deployment.class).getSpec().getReplicas()).isEqualTo(3);
        assertThat(r.all(HorizontalPodAutoscaler.class)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyPod_ShouldMeetTheRestrictedPodSecurityStandard(String name, Path values) {
        Chart.Rendered r = Chart.render(values, Map.of());
        Map<String, PodTemplateSpec> pods = Pods.templates(r);
        assertThat(pods).isNotEmpty();
        pods.forEach((workload, t) -> {
            PodSpec spec = t.getSpec();
            PodSecurityContext pod = spec.getSecurityContext();
            assertThat(spec.getHostNetwork()).as(workload).isNotEqualTo(Boolean.TRUE);
            assertThat(spec.getHostPID()).as(workload).isNotEqualTo(Boolean.TRUE);
            assertThat(spec.getHostIPC()).as(workload).isNotEqualTo(Boolean.TRUE);
            assertThat(spec.getAutomountServiceAccountToken()).as(workload + ": no API token in the pod").isFalse();
            assertThat(pod.getRunAsNonRoot()).as(workload).isTrue();
            assertThat(pod.getRunAsUser()).as(workload).isNotNull().isNotZero();
            assertThat(pod.getSeccompProfile().getType()).as(workload).isIn("RuntimeDefault", "Localhost");
            for (Volume v : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
                // the restricted profile's volume types
                assertThat(v.getConfigMap() != null || v.getEmptyDir() != null || v.getSecret() != null || v.getProjected() != null
                        || v.getPersistentVolumeClaim() != null || v.getDownwardAPI() != null || v.getCsi() != null
                        || v.getEphemeral() != null).as(workload + " volume " + v.getName()).isTrue();
            }
            for (Container c : Pods.allContainers(t)) {
                SecurityContext sc = c.getSecurityContext();
                String where = workload + "/" + c.getName();
                assertThat(sc).as(where).isNotNull();
                assertThat(sc.getPrivileged()).as(where).isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getAllowPrivilegeEscalation()).as(where).isFalse();
                assertThat(sc.getReadOnlyRootFilesystem()).as(where).isTrue();
                assertThat(sc.getRunAsUser() == null || sc.getRunAsUser() != 0).as(where + ": not root").isTrue();
                assertThat(sc.getCapabilities().getDrop()).as(where).contains("ALL");
                assertThat(sc.getCapabilities().getAdd() == null ? List.<String>of() : sc.getCapabilities().getAdd())
                        .as(where).isSubsetOf("NET_BIND_SERVICE");
                assertThat(c.getPorts() == null ? List.of() : c.getPorts()).as(where)
                        .allSatisfy(p -> assertThat(p.getHostPort()).isNull());
                assertThat(c.getResources().getLimits()).as(where + ": a memory limit").containsKey("memory");
            }
        });
    }

    @Test
    void serviceImage_ShouldRunAsTheDockerfilesUser() throws IOException {
        Chart.Rendered r = Chart.renderDefaults();
        PodSecurityContext pod = r.one(Deployment.class).getSpec().getTemplate().getSpec().getSecurityContext();
        Dockerfile.Stage runtime = Dockerfile.read().runtime();
        assertThat(runtime.user()).isEqualTo(pod.getRunAsUser() + ":" + pod.getRunAsGroup());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void ports_ShouldLineUpFromProbesToServiceToIngress(String name, Path values) {
        Chart.Rendered r = Chart.render(values, Map.of());
        Container app = Pods.app(r);
        Map<String, String> env = Pods.environment(r, app, "secret");
        int http = Pods.port(app, "http");
        int management = Pods.port(app, "management");
        // the app listens where the container says
        assertThat(env).containsEntry("SERVER_PORT", Integer.toString(http)).containsEntry("MANAGEMENT_SERVER_PORT", Integer.toString(management));
        // probes on the API's own connector (Spring's additional paths), so they also check it answers
        for (Probe p : List.of(app.getStartupProbe(), app.getLivenessProbe(), app.getReadinessProbe())) {
            assertThat(Pods.resolve(app, p.getHttpGet().getPort())).isEqualTo(http);
        }
        assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(app.getStartupProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        // the Service's target ports are the container's named ports
        Service svc = r.named(Service.class, Chart.RELEASE);
        Map<String, ServicePort> svcPorts = new LinkedHashMap<>();
        svc.getSpec().getPorts().forEach(p -> svcPorts.put(p.getName(), p));
        assertThat(svcPorts).containsOnlyKeys("http", "management");
        assertThat(Pods.resolve(app, svcPorts.get("http").getTargetPort())).isEqualTo(http);
        assertThat(Pods.resolve(app, svcPorts.get("management").getTargetPort())).isEqualTo(management);
        // the Ingress reaches the API only, never the management port
        for (Ingress ing : r.all(Ingress.class)) {
            ing.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
                assertThat(path.getBackend().getService().getName()).isEqualTo(svc.getMetadata().getName());
                assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("http");
            }));
        }
        // Prometheus: annotations and ServiceMonitor point at the management port
        Map<String, String> annotations = r.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();
        if (annotations.containsKey("prometheus.io/scrape")) {
            assertThat(annotations).containsEntry("prometheus.io/port", Integer.toString(management))
                    .containsEntry("prometheus.io/path", "/actuator/prometheus");
        }
        for (ServiceMonitor sm : r.all(ServiceMonitor.class)) {
            assertThat(sm.getSpec().getEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.port).isEqualTo("management");
                assertThat(e.path).isEqualTo("/actuator/prometheus");
            });
            assertThat(svc.getMetadata().getLabels()).containsAllEntriesOf(sm.getSpec().getSelector().getMatchLabels());
            assertThat(r.all(Service.class).stream().filter(s -> s.getMetadata().getLabels().entrySet()
                    .containsAll(sm.getSpec().getSelector().getMatchLabels().entrySet()))).as("scraped Services").containsExactly(svc);
        }
        // NetworkPolicy ports are named ports of the pods they select
        for (NetworkPolicy np : r.all(NetworkPolicy.class)) {
            boolean forRedis = "redis".equals(np.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component"));
            Container target = forRedis ? redisContainer(r) : app;
            np.getSpec().getIngress().forEach(rule -> rule.getPorts().stream().map(NetworkPolicyPort::getPort)
                    .forEach(port -> assertThat(Pods.resolve(target, port)).isPositive()));
        }
        r.find(StatefulSet.class, Chart.RELEASE + "-redis").ifPresent(redis -> {
            int redisPort = Pods.port(redisContainer(r), "redis");
            for (Service s : List.of(r.named(Service.class, Chart.RELEASE + "-redis"), r.named(Service.class, Chart.RELEASE + "-redis-headless"))) {
                assertThat(Pods.resolve(redisContainer(r), s.getSpec().getPorts().getFirst().getTargetPort())).isEqualTo(redisPort);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void selectors_ShouldPickExactlyTheirOwnPods(String name, Path values) {
        Chart.Rendered r = Chart.render(values, Map.of());
        Map<String, String> appPod = r.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> redisPod = r.find(StatefulSet.class, Chart.RELEASE + "-redis")
                .map(s -> s.getSpec().getTemplate().getMetadata().getLabels()).orElse(Map.of());
        Deployment d = r.one(Deployment.class);
        assertThat(selects(d.getSpec().getSelector().getMatchLabels(), appPod)).isTrue();
        assertThat(selects(r.named(Service.class, Chart.RELEASE).getSpec().getSelector(), appPod)).isTrue();
        assertThat(selects(r.named(Service.class, Chart.RELEASE).getSpec().getSelector(), redisPod)).isFalse();
        r.all(PodDisruptionBudget.class).forEach(pdb -> {
            assertThat(selects(pdb.getSpec().getSelector().getMatchLabels(), appPod)).isTrue();
            assertThat(selects(pdb.getSpec().getSelector().getMatchLabels(), redisPod)).isFalse();
        });
        for (TopologySpreadConstraint t : nullToEmpty(d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())) {
            assertThat(selects(t.getLabelSelector().getMatchLabels(), appPod)).isTrue();
            assertThat(t.getMatchLabelKeys()).containsExactly("pod-template-hash");
        }
        r.find(StatefulSet.class, Chart.RELEASE + "-redis").ifPresent(s -> {
            assertThat(selects(s.getSpec().getSelector().getMatchLabels(), redisPod)).isTrue();
            assertThat(selects(s.getSpec().getSelector().getMatchLabels(), appPod)).isFalse();
            assertThat(selects(r.named(Service.class, Chart.RELEASE + "-redis").getSpec().getSelector(), redisPod)).isTrue();
            assertThat(selects(r.named(Service.class, Chart.RELEASE + "-redis").getSpec().getSelector(), appPod)).isFalse();
            assertThat(s.getSpec().getServiceName()).isEqualTo(Chart.RELEASE + "-redis-headless");
            assertThat(r.named(Service.class, Chart.RELEASE + "-redis-headless").getSpec().getClusterIP()).isEqualTo("None");
        });
        for (NetworkPolicy np : r.all(NetworkPolicy.class)) {
            Map<String, String> target = np.getMetadata().getName().endsWith("-redis") ? redisPod : appPod;
            assertThat(selects(np.getSpec().getPodSelector().getMatchLabels(), target)).as(np.getMetadata().getName()).isTrue();
            if (target == redisPod) {
                // only the service's pods may reach Redis
                assertThat(np.getSpec().getIngress()).singleElement().satisfies(rule -> assertThat(rule.getFrom()).singleElement()
                        .satisfies(peer -> assertThat(selects(peer.getPodSelector().getMatchLabels(), appPod)).isTrue()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void shutdown_ShouldDrainBeforeSigtermAndFinishWithinTheGracePeriod(String name, Path values) {
        Chart.Rendered r = Chart.render(values, Map.of());
        Deployment d = r.one(Deployment.class);
        Container app = Pods.app(r);
        long preStop = app.getLifecycle().getPreStop().getSleep().getSeconds();
        String timeout = Pods.environment(r, app, "secret").get("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE");
        assertThat(timeout).matches("\\d+s");
        long shutdown = Long.parseLong(timeout.substring(0, timeout.length() - 1));
        assertThat(preStop).isPositive();
        assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isGreaterThan(preStop + shutdown);
    }

    @Test
    void shutdown_GracePeriodTooShort_ShouldFailTheRender() {
        assertThatThrownBy(() -> Chart.render(null, Map.of("lifecycle.terminationGracePeriodSeconds", 40)))
                .hasMessageContaining("must exceed preStopSleepSeconds + shutdownTimeoutSeconds (40)");
    }

    @Test
    void defaults_ServiceAndBundledRedis_ShouldShareOneSecret() {
        Chart.Rendered r = Chart.renderDefaults();
        EnvVar url = envVar(Pods.app(r), "SPRING_DATA_REDIS_URL");
        assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("batchnorm-service-redis");
        assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("redis-url");
        Container redis = redisContainer(r);
        for (String name : List.of("REDIS_PASSWORD", "REDISCLI_AUTH")) {
            assertThat(envVar(redis, name).getValueFrom().getSecretKeyRef().getName()).isEqualTo("batchnorm-service-redis");
            assertThat(envVar(redis, name).getValueFrom().getSecretKeyRef().getKey()).isEqualTo("redis-password");
        }
        assertThat(redis.getArgs()).containsSubsequence("--requirepass", "$(REDIS_PASSWORD)")
                .containsSubsequence("--appendonly", "yes").containsSubsequence("--maxmemory-policy", "noeviction");
        StatefulSet sts = r.one(StatefulSet.class);
        assertThat(sts.getSpec().getVolumeClaimTemplates()).singleElement()
                .satisfies(pvc -> assertThat(pvc.getMetadata().getName()).isEqualTo("data"));
        assertThat(redis.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
        // the generated Secret is a pre-install hook, which helm-java's template leaves out
        assertThat(r.all(Secret.class)).isEmpty();
    }

    @Test
    void generatedPassword_ShouldBeRandomPerInstall_MadeAtInstallOnly_AndInTheUrl() throws IOException {
        String template = Files.readString(Chart.DIR.resolve("templates/secret.yaml"));
        assertThat(template).contains("helm.sh/hook: pre-install").contains("helm.sh/hook-delete-policy: before-hook-creation")
                .doesNotContain("pre-upgrade");
        // render the Secret as a plain object (the hook annotations removed) to see what it holds
        Path copy = Chart.copy();
        Files.writeString(copy.resolve("templates/secret.yaml"), template.replace("helm.sh/hook:", "hook-removed-for-the-test:"));
        Secret first = Chart.parse(new Helm(copy).template().withName(Chart.RELEASE).withKubeVersion(Chart.KUBE_VERSION).call()).one(Secret.class);
        Secret second = Chart.parse(new Helm(copy).template().withName(Chart.RELEASE).withKubeVersion(Chart.KUBE_VERSION).call()).one(Secret.class);
        String password = decode(first, "redis-password");
        assertThat(password).matches("[A-Za-z0-9]{32}").isNotEqualTo(decode(second, "redis-password"));
        assertThat(decode(first, "redis-url")).isEqualTo("redis://:" + password + "@batchnorm-service-redis:6379");
    }

    @Test
    void givenPassword_ShouldBeAPlainSecretThatUpgradesUpdate() {
        Chart.Rendered r = Chart.render(null, Map.of("redis.password", "Given-pass.1"));
        Secret s = r.one(Secret.class);
        assertThat(s.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(decode(s, "redis-password")).isEqualTo("Given-pass.1");
        assertThat(decode(s, "redis-url")).isEqualTo("redis://:Given-pass.1@batchnorm-service-redis:6379");
        // a changed password rolls the service's pods
        assertThat(r.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/redis-secret");
    }

    @Test
    void existingSecret_ShouldBeUsedAsIs_AndNoSecretRendered() {
        Chart.Rendered r = Chart.renderCi("existing-secret-values.yaml");
        assertThat(r.all(Secret.class)).isEmpty();
        EnvVar url = envVar(Pods.app(r), "SPRING_DATA_REDIS_URL");
        assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("batchnorm-redis-credentials");
        assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
        assertThat(envVar(redisContainer(r), "REDIS_PASSWORD").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        assertThat(r.all(ServiceAccount.class)).isEmpty();
        assertThat(r.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("batchnorm");
        // no persistence: the data volume is an emptyDir, no claim template
        StatefulSet sts = r.one(StatefulSet.class);
        assertThat(sts.getSpec().getVolumeClaimTemplates()).isNullOrEmpty();
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes()).singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    }

    @Test
    void externalRedis_ShouldKeepItsUrlInTheChartsSecret_AndRunNoRedis() {
        Chart.Rendered r = Chart.renderCi("external-redis-values.yaml");
        assertThat(r.all(StatefulSet.class)).isEmpty();
        assertThat(r.all(Service.class)).extracting(s -> s.getMetadata().getName()).containsExactly(Chart.RELEASE);
        Secret s = r.one(Secret.class);
        assertThat(s.getData()).containsOnlyKeys("redis-url");
        assertThat(decode(s, "redis-url")).isEqualTo("rediss://:s3cret@redis.example.internal:6380");
        // the URL never appears in clear in the ConfigMap or the Deployment
        assertThat(r.text()).doesNotContain("s3cret");
        assertThat(envVar(Pods.app(r), "SPRING_DATA_REDIS_URL").getValueFrom().getSecretKeyRef().getName()).isEqualTo(s.getMetadata().getName());
        assertThat(r.configMap().getData()).containsEntry("BATCHNORM_STORE_REDIS_KEY_PREFIX", "bn-prod").containsEntry("SPRING_DATA_REDIS_TIMEOUT", "500ms");
        assertThat(envVar(Pods.app(r), "JAVA_TOOL_OPTIONS").getValue()).isEqualTo("-XX:+UseZGC");
        assertThat(r.one(Ingress.class).getSpec().getTls()).singleElement().satisfies(t -> assertThat(t.getSecretName()).isEqualTo("batchnorm-tls"));
        assertThat(r.all(NetworkPolicy.class)).hasSize(1);
    }

    @Test
    void memoryStore_ShouldRenderOnePodAndNoRedisAtAll() {
        Chart.Rendered r = Chart.renderCi("memory-store-values.yaml");
        assertThat(r.kinds()).containsExactlyInAnyOrder("Deployment", "Service", "ConfigMap", "ServiceAccount");
        assertThat(r.one(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
        assertThat(r.configMap().getData()).containsEntry("BATCHNORM_STORE_TYPE", "memory").doesNotContainKeys("SPRING_DATA_REDIS_TIMEOUT");
        assertThat(Pods.app(r).getEnv()).isNullOrEmpty();
    }

    @Test
    void impossibleCombinations_ShouldFailTheRenderWithTheReason() {
        assertThatThrownBy(() -> Chart.render(null, Map.of("store.type", "memory")))
                .hasMessageContaining("store.type=memory keeps sessions inside one pod");
        assertThatThrownBy(() -> Chart.render(null, Map.of("redis.bundled.enabled", false)))
                .hasMessageContaining("needs redis.url or redis.existingSecret");
        assertThatThrownBy(() -> Chart.render(null, Map.of("redis.url", "redis://elsewhere:6379")))
                .hasMessageContaining("set redis.bundled.enabled=false");
    }

    @Test
    void valuesSchema_ShouldRejectUnknownKeysAndWrongValues() {
        // a typo in a value name must not be silently ignored
        assertThatThrownBy(() -> Chart.render(null, Map.of("replicas", 3))).hasMessageContaining("replicas");
        assertThatThrownBy(() -> Chart.render(null, Map.of("store.type", "postgres"))).hasMessageContaining("/store/type");
        assertThatThrownBy(() -> Chart.render(null, Map.of("limits.maxSesions", 10))).hasMessageContaining("maxSesions");
        assertThatThrownBy(() -> Chart.render(null, Map.of("redis.password", "p@ss"))).hasMessageContaining("/redis/password");
        assertThatThrownBy(() -> Chart.render(null, Map.of("redis.timeout", "2 seconds"))).hasMessageContaining("/redis/timeout");
    }

    @Test
    void notes_ShouldTellHowToReachTheServiceAndWhereTheSecretIs() {
        String out = new Helm(Chart.DIR).install().withName(Chart.RELEASE).withNamespace("ml").withKubeVersion(Chart.KUBE_VERSION)
                .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly().call().getOutput();
        assertThat(out).contains("NOTES:")
                .contains("kubectl --namespace ml rollout status deployment/batchnorm-service")
                .contains("port-forward service/batchnorm-service 8080:80")
                .contains("Secret batchnorm-service-redis")
                .contains("curl localhost:8081/actuator/prometheus");
    }

    @Test
    void chart_ShouldDeployThisVersionOfTheService() throws IOException {
        Map<String, Object> chart = new org.yaml.snakeyaml.Yaml().load(Files.readString(Chart.DIR.resolve("Chart.yaml")));
        String pom = Files.readString(Path.of("pom.xml"));
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("<artifactId>batchnorm-service</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(version.find()).isTrue();
        assertThat(version.group(1).replace("-SNAPSHOT", "")).isEqualTo(chart.get("appVersion"));
        assertThat(Pods.app(Chart.renderDefaults()).getImage()).isEqualTo("batchnorm-service:" + chart.get("appVersion"));
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    static Container redisContainer(Chart.Rendered r) {
        return r.named(StatefulSet.class, Chart.RELEASE + "-redis").getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    static EnvVar envVar(Container c, String name) {
        return nullToEmpty(c.getEnv()).stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no env " + name));
    }

    static String decode(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
