package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/} holds the chart rendered with its default values, one file per template, for
 * users without Helm. This test keeps the two identical; after a chart change, regenerate with
 * {@code ./mvnw test -Dtest=PlainManifestsTests -Dk8s.update=true}.
 */
class PlainManifestsTests {

    static final Path DIR = Path.of("k8s");

    static final String HEADER = """
            # Generated from helm/batchnorm-service with its default values: do not edit.
            # Same as: helm template batchnorm-service helm/batchnorm-service --no-hooks
            # Regenerate: ./mvnw test -Dtest=PlainManifestsTests -Dk8s.update=true
            """;

    @Test
    void plainManifests_ShouldBeTheChartRenderedWithItsDefaults() throws IOException {
        Map<String, String> expected = expectedFiles();
        if (Boolean.getBoolean("k8s.update")) {
            write(expected);
        }
        Map<String, String> actual = new TreeMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path p : files.toList()) {
                actual.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        assertThat(actual.keySet()).as("files in k8s/ (regenerate: -Dk8s.update=true)").isEqualTo(expected.keySet());
        expected.forEach((file, text) -> assertThat(actual.get(file)).as("k8s/" + file + " differs from the chart (regenerate: -Dk8s.update=true)")
                .isEqualTo(text));
    }

    @Test
    void plainManifests_ShouldParseIntoKnownKindsWithKnownFieldsOnly() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> kinds = new TreeSet<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path p : files.sorted().toList()) {
                for (Chart.Manifest m : Chart.parse(Files.readString(p)).manifests()) {
                    problems.addAll(StrictK8s.problems(m.object()));
                    kinds.add(m.kind());
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(kinds).contains("Deployment", "Service", "StatefulSet", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ConfigMap");
    }

    /**
     * The one object the plain manifests lack is the Secret with the bundled Redis's generated
     * password (a Helm hook, made at install). The README gives the command that creates it; its
     * name and keys must be the ones the manifests read.
     */
    @Test
    void readme_ShouldCreateTheSecretThePlainManifestsRead() throws IOException {
        Chart.Rendered r = Chart.renderDefaults();
        Set<String> refs = new TreeSet<>();
        Container app = Pods.app(r);
        Container redis = r.one(StatefulSet.class).getSpec().getTemplate().getSpec().getContainers().getFirst();
        for (Container c : List.of(app, redis)) {
            for (EnvVar e : c.getEnv()) {
                if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                    refs.add(e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey());
                }
            }
        }
        assertThat(refs).containsExactly("batchnorm-service-redis/redis-password", "batchnorm-service-redis/redis-url");
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("kubectl create secret generic batchnorm-service-redis")
                .contains("--from-literal=redis-password=\"$REDIS_PASSWORD\"")
                .contains("--from-literal=redis-url=\"redis://:$REDIS_PASSWORD@batchnorm-service-redis:6379\"");
    }

    /** File name (the template's) to content: the header, then that template's documents as rendered. */
    static Map<String, String> expectedFiles() {
        Chart.Rendered r = Chart.renderDefaults();
        Map<String, List<Chart.Manifest>> byTemplate = r.manifests().stream()
                .collect(Collectors.groupingBy(Chart.Manifest::template, TreeMap::new, Collectors.toList()));
        Map<String, String> out = new TreeMap<>();
        byTemplate.forEach((template, docs) -> {
            StringBuilder text = new StringBuilder(HEADER);
            for (Chart.Manifest m : docs) {
                text.append("---\n").append(m.yaml().strip()).append('\n');
            }
            out.put(template, text.toString());
        });
        return out;
    }

    private static void write(Map<String, String> files) throws IOException {
        Files.createDirectories(DIR);
        try (Stream<Path> old = Files.list(DIR)) {
            for (Path p : old.toList()) {
                if (!files.containsKey(p.getFileName().toString())) {
                    Files.delete(p);
                }
            }
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(DIR.resolve(f.getKey()), f.getValue());
        }
    }
}
