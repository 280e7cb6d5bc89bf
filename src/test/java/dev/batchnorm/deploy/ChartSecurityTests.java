package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * API keys in the chart: mode api-key by default, the entries from a Secret mounted read-only
 * (one the operator creates, an existing one, or the chart's own from security.keys), and
 * nothing of it in mode none. That the variables bind and the service starts with them is
 * {@link ChartEnvironmentTests}' part.
 */
class ChartSecurityTests {

    static final String MOUNT = "/etc/batchnorm/keys";

    @Test
    void defaults_ShouldRequireKeys_FromTheSecretTheOperatorCreates_MountedReadOnly() {
        Chart.Rendered r = Chart.renderDefaults();
        assertThat(r.configMap().getData()).containsEntry("BATCHNORM_SECURITY_MODE", "api-key")
                .containsEntry("BATCHNORM_SECURITY_KEYSFILE", MOUNT + "/keys")
                .containsEntry("BATCHNORM_SECURITY_KEYSRELOADINTERVAL", "30s")
                // the actuator's port is private: Prometheus scrapes it without a key unless restrict.metrics says otherwise
                .containsEntry("BATCHNORM_SECURITY_RESTRICT_METRICS", "false")
                .containsEntry("BATCHNORM_SECURITY_RESTRICT_APIDOCS", "false")
                .containsEntry("BATCHNORM_SECURITY_RESTRICT_SWAGGERUI", "false")
                // no quota unless one is set
                .doesNotContainKeys("BATCHNORM_SECURITY_QUOTA_REQUESTSPERSECOND", "BATCHNORM_SECURITY_QUOTA_BURST",
                        "BATCHNORM_SECURITY_QUOTA_MAXSESSIONS", "BATCHNORM_SECURITY_QUOTA_MAXPENDINGOPSPERSESSION",
                        "BATCHNORM_SECURITY_QUOTA_MAXPENDINGELEMENTSPERSESSION");
        assertThat(r.configMap().getData().keySet()).noneMatch(k -> k.startsWith("BATCHNORM_SECURITY_TENANTS_"));
        assertKeysMounted(r, "batchnorm-service-keys");
        // the operator makes it (the chart would otherwise hold keys in its values): no Secret is rendered
        assertThat(r.all(Secret.class)).isEmpty();
    }

    @Test
    void givenKeys_ShouldBeTheChartsOwnSecret_WithExactlyThoseLines() {
        Chart.Rendered r = Chart.renderCi("api-keys-values.yaml");
        Secret s = r.named(Secret.class, "batchnorm-service-keys");
        assertThat(s.getData()).containsOnlyKeys("keys");
        assertThat(HelmChartTests.decode(s, "keys").split("\n", -1)).containsExactly(
                "team-a:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                "team-b:FCDE2B2EDBA56BF408601FB721FE9B5C338D10EE429EA04FAE5511B68FBF8FB9", "");
        assertKeysMounted(r, "batchnorm-service-keys");
        assertThat(r.configMap().getData()).containsEntry("BATCHNORM_SECURITY_KEYSRELOADINTERVAL", "10s")
                .containsEntry("BATCHNORM_SECURITY_QUOTA_REQUESTSPERSECOND", "2.5")
                .containsEntry("BATCHNORM_SECURITY_QUOTA_BURST", "20")
                .containsEntry("BATCHNORM_SECURITY_QUOTA_MAXSESSIONS", "50")
                .containsEntry("BATCHNORM_SECURITY_QUOTA_MAXPENDINGOPSPERSESSION", "1000")
                .containsEntry("BATCHNORM_SECURITY_QUOTA_MAXPENDINGELEMENTSPERSESSION", "4000000")
                .containsEntry("BATCHNORM_SECURITY_RESTRICT_METRICS", "false")
                .containsEntry("BATCHNORM_SECURITY_RESTRICT_APIDOCS", "true")
                .containsEntry("BATCHNORM_SECURITY_RESTRICT_SWAGGERUI", "true");
    }

    @Test
    void restrictedMetrics_ShouldHaveTheServiceMonitorSendAKey() {
        Chart.Rendered r = Chart.renderCi("external-redis-values.yaml");
        assertThat(r.configMap().getData()).containsEntry("BATCHNORM_SECURITY_RESTRICT_METRICS", "true");
        ServiceMonitor.Authorization auth = r.one(ServiceMonitor.class).getSpec().endpoints.getFirst().authorization;
        assertThat(auth).isNotNull();
        assertThat(auth.type).isEqualTo("Bearer");
        assertThat(auth.credentials.getName()).isEqualTo("batchnorm-metrics-key");
        assertThat(auth.credentials.getKey()).isEqualTo("key");
        // a ServiceMonitor without a key would only ever get 401s: the render refuses it
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.restrict.metrics", true, "metrics.serviceMonitor.enabled", true)))
                .hasMessageContaining("metrics.serviceMonitor.authorization");
        // open metrics (the default), or no keys at all: nothing to send
        assertThat(Chart.render(null, Map.of("metrics.serviceMonitor.enabled", true)).one(ServiceMonitor.class).getSpec().endpoints.getFirst()
                .authorization).isNull();
        assertThat(Chart.render(null, Map.of("security.mode", "none", "security.restrict.metrics", true, "metrics.serviceMonitor.enabled", true))
                .all(ServiceMonitor.class)).hasSize(1);
        // NOTES.txt tells whether the metrics need a key
        assertThat(notes(Map.of())).contains("nor do the metrics").contains("curl localhost:8081/actuator/prometheus\n");
        assertThat(notes(Map.of("security.restrict.metrics", true))).contains("the metrics need one")
                .contains("curl localhost:8081/actuator/prometheus -H \"Authorization: Bearer $KEY\"");
    }

    @Test
    void tenantQuotas_ShouldBecomeOneVariablePerTenantAndKey() {
        Chart.Rendered r = Chart.renderCi("api-keys-values.yaml");
        Map<String, String> tenants = new java.util.TreeMap<>(r.configMap().getData());
        tenants.keySet().removeIf(k -> !k.startsWith("BATCHNORM_SECURITY_TENANTS_"));
        assertThat(tenants).containsExactlyInAnyOrderEntriesOf(Map.of(
                "BATCHNORM_SECURITY_TENANTS_TEAM-A_REQUESTSPERSECOND", "12.5",
                "BATCHNORM_SECURITY_TENANTS_TEAM-A_BURST", "100",
                "BATCHNORM_SECURITY_TENANTS_TEAM-A_MAXSESSIONS", "500",
                "BATCHNORM_SECURITY_TENANTS_TEAM-A_MAXPENDINGOPSPERSESSION", "20000",
                "BATCHNORM_SECURITY_TENANTS_TEAM-A_MAXPENDINGELEMENTSPERSESSION", "16000000",
                "BATCHNORM_SECURITY_TENANTS_TEAM-B_MAXSESSIONS", "5"));
        // 0 sets nothing (the tenant keeps the common quota's value)
        Map<String, String> data = Chart.render(null, Map.of("security.tenants.ml-research.requestsPerSecond", 3,
                "security.tenants.ml-research.maxSessions", 0)).configMap().getData();
        assertThat(data).containsEntry("BATCHNORM_SECURITY_TENANTS_ML-RESEARCH_REQUESTSPERSECOND", "3")
                .doesNotContainKey("BATCHNORM_SECURITY_TENANTS_ML-RESEARCH_MAXSESSIONS");
    }

    @Test
    void existingSecret_ShouldBeMountedAsIs_AndNoSecretRendered() {
        Chart.Rendered r = Chart.render(null, Map.of("security.existingSecret", "ml-api-keys"));
        assertKeysMounted(r, "ml-api-keys");
        assertThat(r.all(Secret.class)).isEmpty();
    }

    @Test
    void modeNone_ShouldMountNoSecretAndSetNoKeyFile() {
        for (Chart.Rendered r : List.of(Chart.render(null, Map.of("security.mode", "none")), Chart.renderCi("memory-store-values.yaml"))) {
            assertThat(r.configMap().getData()).containsEntry("BATCHNORM_SECURITY_MODE", "none")
                    .doesNotContainKeys("BATCHNORM_SECURITY_KEYSFILE", "BATCHNORM_SECURITY_KEYSRELOADINTERVAL", "BATCHNORM_SECURITY_RESTRICT_METRICS");
            PodSpec pod = r.one(Deployment.class).getSpec().getTemplate().getSpec();
            assertThat(pod.getVolumes()).extracting(Volume::getName).containsExactly("tmp");
            assertThat(Pods.app(r).getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactly("/tmp");
            assertThat(r.all(Secret.class)).noneMatch(s -> s.getMetadata().getName().endsWith("-keys"));
        }
    }

    @Test
    void wrongSecurityValues_ShouldFailTheRenderWithTheReason() {
        String entry = Pods.keyEntry("team-a", "k");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.keys[0]", entry, "security.existingSecret", "x")))
                .hasMessageContaining("security.keys and security.existingSecret exclude each other");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.keys[0]", entry, "security.mode", "none")))
                .hasMessageContaining("security.keys is for security.mode=api-key");
        // a key pasted where its hash belongs, a tenant the service refuses, an unknown mode or key
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.keys[0]", "team-a:my-secret-key"))).hasMessageContaining("/security/keys/0");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.keys[0]", entry.replace("team-a", "Team_A")))).hasMessageContaining("/security/keys/0");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.mode", "apikey"))).hasMessageContaining("/security/mode");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.quota.maxSesions", 3))).hasMessageContaining("maxSesions");
        // per-tenant quotas: a name the service refuses, an unknown key, a negative value, or mode none
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.tenants.Team_A.maxSessions", 3))).hasMessageContaining("invalid propertyName 'Team_A'");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.tenants.team-a.maxSesions", 3))).hasMessageContaining("maxSesions");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.tenants.team-a.burst", -1))).hasMessageContaining("/security/tenants/team-a/burst");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.tenants.team-a.maxSessions", 3, "security.mode", "none")))
                .hasMessageContaining("security.tenants is for security.mode=api-key");
        assertThatThrownBy(() -> Chart.render(null, Map.of("security.keysReloadInterval", "30 seconds"))).hasMessageContaining("/security/keysReloadInterval");
    }

    @Test
    void notes_ShouldTellHowToCreateTheKeysSecret_OrThatThereAreNoKeys() {
        assertThat(notes(Map.of())).contains("Every API call needs a key")
                .contains("kubectl --namespace ml create secret generic batchnorm-service-keys --from-file=keys=./keys")
                .contains("--set security.mode=none")
                .contains("-H \"Authorization: Bearer $KEY\"");
        assertThat(notes(Map.of("security.keys[0]", Pods.keyEntry("team-a", "k")))).contains("Secret batchnorm-service-keys, made from security.keys")
                .doesNotContain("create secret generic");
        assertThat(notes(Map.of("security.mode", "none"))).contains("No API keys (security.mode=none)").doesNotContain("Bearer");
    }

    @Test
    void readme_ShouldCreateTheKeysSecretThePlainManifestsMount() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Volume keys = keysVolume(Chart.renderDefaults()).orElseThrow();
        assertThat(readme).contains("kubectl create secret generic " + keys.getSecret().getSecretName() + " --from-file=keys=");
    }

    private static String notes(Map<String, Object> set) {
        var install = new Helm(Chart.DIR).install().withName(Chart.RELEASE).withNamespace("ml").withKubeVersion(Chart.KUBE_VERSION)
                .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly();
        for (Map.Entry<String, Object> e : set.entrySet()) {
            install = install.set(e.getKey(), e.getValue());
        }
        String out = install.call().getOutput();
        return out.substring(out.indexOf("NOTES:"));
    }

    private static Optional<Volume> keysVolume(Chart.Rendered r) {
        return r.one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst();
    }

    /** The Secret {@code name} is mounted read-only at /etc/batchnorm/keys, its key "keys" as the file "keys". */
    private static void assertKeysMounted(Chart.Rendered r, String name) {
        Volume v = keysVolume(r).orElseThrow(() -> new AssertionError("no Secret volume"));
        assertThat(v.getSecret().getSecretName()).isEqualTo(name);
        assertThat(v.getSecret().getItems()).extracting(KeyToPath::getKey, KeyToPath::getPath)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("keys", "keys"));
        Container app = Pods.app(r);
        assertThat(app.getVolumeMounts()).filteredOn(m -> m.getName().equals(v.getName())).singleElement().satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo(MOUNT);
            assertThat(m.getReadOnly()).isTrue();
            assertThat(m.getSubPath()).as("a subPath mount would never see the Secret's updates").isNull();
        });
    }
}
