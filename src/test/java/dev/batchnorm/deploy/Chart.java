package dev.batchnorm.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart under {@code helm/batchnorm-service}, linted and rendered by helm-java (Helm's
 * own Go code, no binary, no cluster), and its output parsed into fabric8's typed models.
 */
final class Chart {

    static final Path DIR = Path.of("helm", "batchnorm-service");
    static final String RELEASE = "batchnorm-service";
    /** The oldest Kubernetes the chart supports (Chart.yaml's kubeVersion); helm-java defaults to 1.20. */
    static final String KUBE_VERSION = "v1.30.0";

    private static final Pattern SOURCE = Pattern.compile("^# Source: [^/]+/templates/(\\S+)$", Pattern.MULTILINE);
    private static final KubernetesSerialization KUBE = new KubernetesSerialization();

    static {
        // fabric8 8.0.0 has no Prometheus Operator model; ServiceMonitor is typed in this package
        KUBE.registerKubernetesResource(ServiceMonitor.API_VERSION, ServiceMonitor.KIND, ServiceMonitor.class);
    }

    /** One rendered document: the template it came from, its text, and the typed object. */
    record Manifest(String template, String yaml, HasMetadata object) {

        String kind() {
            return object.getKind();
        }

        String name() {
            return object.getMetadata().getName();
        }
    }

    /** A whole render. */
    record Rendered(String text, List<Manifest> manifests) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return manifests.stream().map(Manifest::object).filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
            }
            return found.getFirst();
        }

        <T extends HasMetadata> T named(Class<T> type, String name) {
            return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
        }

        <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
            return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
        }

        List<String> kinds() {
            return manifests.stream().map(Manifest::kind).toList();
        }

        ConfigMap configMap() {
            return named(ConfigMap.class, Chart.RELEASE);
        }
    }

    private Chart() {}

    /** {@code helm template batchnorm-service helm/batchnorm-service [-f values] [--set k=v]...}. */
    static Rendered render(Path valuesFile, Map<String, Object> set) {
        return parse(template(valuesFile, set));
    }

    static Rendered renderDefaults() {
        return render(null, Map.of());
    }

    static Rendered renderCi(String name) {
        return render(DIR.resolve("ci").resolve(name), Map.of());
    }

    /** The raw output of {@code helm template}; a failed render throws with Helm's message. */
    static String template(Path valuesFile, Map<String, Object> set) {
        TemplateCommand cmd = new Helm(DIR).template().withName(RELEASE).withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            cmd = cmd.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> e : set.entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        return cmd.call();
    }

    /** Splits a render at Helm's "# Source:" markers and parses every document with fabric8. */
    static Rendered parse(String text) {
        List<Manifest> out = new ArrayList<>();
        for (String doc : text.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            Matcher m = SOURCE.matcher(doc);
            String template = m.find() ? m.group(1) : "?";
            HasMetadata object = KUBE.unmarshal(doc);
            if (object == null) {
                continue; // a document with comments only
            }
            out.add(new Manifest(template, doc, object));
        }
        return new Rendered(text, List.copyOf(out));
    }

    /**
     * {@code helm lint --strict}, with the chart's defaults or with a values file. helm-java's lint
     * takes no values, so with a values file the chart is copied and that file merged into the
     * copy's values.yaml first, as Helm itself merges user values over the defaults.
     */
    static LintResult lint(Path valuesFile) {
        if (valuesFile == null) {
            return new Helm(DIR).lint().strict().call();
        }
        Path copy = copy();
        try {
            Yaml yaml = new Yaml();
            Map<String, Object> defaults = yaml.load(Files.readString(DIR.resolve("values.yaml")));
            Map<String, Object> overrides = yaml.load(Files.readString(valuesFile));
            Files.writeString(copy.resolve("values.yaml"), yaml.dump(merge(defaults, overrides)));
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && out.get(k) instanceof Map<?, ?> b) {
                out.put(k, merge((Map<String, Object>) b, (Map<String, Object>) m));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** A copy of the chart in a temporary directory, to lint or render a variant of it. */
    static Path copy() {
        try {
            Path target = Files.createTempDirectory("chart-").resolve(DIR.getFileName());
            try (Stream<Path> files = Files.walk(DIR)) {
                for (Path p : files.toList()) {
                    Path to = target.resolve(DIR.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> ciValues() {
        try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
            return files.filter(p -> p.toString().endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
