package dev.batchnorm.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading what the chart's pods get: templates, containers, named ports and environment. */
final class Pods {

    private Pods() {}

    /** Every pod template in a render, named by its workload. */
    static Map<String, PodTemplateSpec> templates(Chart.Rendered r) {
        Map<String, PodTemplateSpec> out = new LinkedHashMap<>();
        r.all(Deployment.class).forEach(d -> out.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
        r.all(StatefulSet.class).forEach(s -> out.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
        return out;
    }

    /** The service's own container. */
    static Container app(Chart.Rendered r) {
        return r.named(Deployment.class, Chart.RELEASE).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("batchnorm-service")).findFirst().orElseThrow();
    }

    static int port(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + name));
    }

    /** A probe's or backend's port, by name or number, as the container's port number. */
    static int resolve(Container c, IntOrString port) {
        return port.getStrVal() != null ? port(c, port.getStrVal()) : port.getIntVal();
    }

    /**
     * The container's environment as Kubernetes assembles it: envFrom ConfigMaps of the render
     * first, then env (which wins). Values from Secrets are unknown at render time and become
     * {@code secretValue}.
     */
    static Map<String, String> environment(Chart.Rendered r, Container c, String secretValue) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
            if (from.getConfigMapRef() == null) {
                throw new AssertionError("envFrom other than a ConfigMap: " + from);
            }
            ConfigMap cm = r.named(ConfigMap.class, from.getConfigMapRef().getName());
            env.putAll(cm.getData());
        }
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                env.put(e.getName(), secretValue);
            } else {
                throw new AssertionError("env " + e.getName() + " has neither a value nor a Secret reference");
            }
        }
        return env;
    }

    /**
     * The container's Secret volumes as the kubelet would mount them, under {@code root} instead of
     * {@code /}: a Secret of the render gives its own data, one the operator creates gives
     * {@code external} (key to content). Returns {@code env} with every value that points into a
     * Secret's mount point rewritten to the copy under {@code root}; the names stay the chart's.
     */
    static Map<String, String> mountSecrets(Chart.Rendered r, Container c, Map<String, String> env, Path root, Map<String, String> external) {
        Map<String, String> out = new LinkedHashMap<>(env);
        List<Volume> volumes = r.named(Deployment.class, Chart.RELEASE).getSpec().getTemplate().getSpec().getVolumes();
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            Volume v = volumes.stream().filter(x -> x.getName().equals(m.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + m.getName()));
            if (v.getSecret() == null) {
                continue;
            }
            Map<String, String> data = new LinkedHashMap<>(external);
            r.find(Secret.class, v.getSecret().getSecretName()).ifPresent(secret -> {
                data.clear();
                secret.getData().forEach((k, b64) -> data.put(k, new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8)));
            });
            Map<String, String> paths = new LinkedHashMap<>();
            if (v.getSecret().getItems() == null || v.getSecret().getItems().isEmpty()) {
                data.keySet().forEach(k -> paths.put(k, k));
            } else {
                for (KeyToPath item : v.getSecret().getItems()) {
                    paths.put(item.getKey(), item.getPath());
                }
            }
            Path dir = root.resolve(m.getMountPath().replaceFirst("^/+", ""));
            try {
                Files.createDirectories(dir);
                for (Map.Entry<String, String> p : paths.entrySet()) {
                    String content = data.get(p.getKey());
                    if (content == null) {
                        throw new AssertionError("Secret " + v.getSecret().getSecretName() + " has no key " + p.getKey());
                    }
                    Files.writeString(dir.resolve(p.getValue()), content);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.replaceAll((name, value) -> value.startsWith(m.getMountPath() + "/") ? dir + value.substring(m.getMountPath().length()) : value);
        }
        return out;
    }

    /** A key file entry, {@code <tenant>:<sha256 hex of the key>}, as the README makes one. */
    static String keyEntry(String tenant, String key) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return tenant + ":" + java.util.HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Container> allContainers(PodTemplateSpec t) {
        List<Container> out = new ArrayList<>(t.getSpec().getContainers());
        if (t.getSpec().getInitContainers() != null) {
            out.addAll(t.getSpec().getInitContainers());
        }
        return out;
    }
}
