package dev.batchnorm.deploy;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus Operator's {@code monitoring.coreos.com/v1 ServiceMonitor}, typed for the strict
 * manifest check (fabric8 8.0.0 publishes no monitoring model). Only fields of the operator's CRD
 * are typed, and only those this chart may set: anything else lands in the additional properties
 * and fails {@link StrictK8s}. The nested types deliberately do not implement fabric8's
 * KubernetesResource, which its deserializer would treat as an embedded object of any kind.
 */
public class ServiceMonitor implements HasMetadata, Namespaced {

    static final String API_VERSION = "monitoring.coreos.com/v1";
    static final String KIND = "ServiceMonitor";

    private String apiVersion = API_VERSION;
    private String kind = KIND;
    private ObjectMeta metadata;
    private Spec spec;
    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    @Override
    public String getApiVersion() {
        return apiVersion;
    }

    @Override
    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    @Override
    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    @Override
    public ObjectMeta getMetadata() {
        return metadata;
    }

    @Override
    public void setMetadata(ObjectMeta metadata) {
        this.metadata = metadata;
    }

    public Spec getSpec() {
        return spec;
    }

    public void setSpec(Spec spec) {
        this.spec = spec;
    }

    @JsonAnyGetter
    public Map<String, Object> getAdditionalProperties() {
        return additionalProperties;
    }

    @JsonAnySetter
    public void setAdditionalProperty(String name, Object value) {
        additionalProperties.put(name, value);
    }

    /** {@code spec}: which Services to scrape, and how. */
    public static class Spec {

        public LabelSelector selector;
        public List<Endpoint> endpoints;
        public String jobLabel;
        private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

        public LabelSelector getSelector() {
            return selector;
        }

        public List<Endpoint> getEndpoints() {
            return endpoints;
        }

        @JsonAnyGetter
        public Map<String, Object> getAdditionalProperties() {
            return additionalProperties;
        }

        @JsonAnySetter
        public void setAdditionalProperty(String name, Object value) {
            additionalProperties.put(name, value);
        }
    }

    /** {@code spec.endpoints[]}: a named Service port and the scrape settings. */
    public static class Endpoint {

        public String port;
        public String path;
        public String scheme;
        public String interval;
        public String scrapeTimeout;
        public Boolean honorLabels;
        public Authorization authorization;
        private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

        public Authorization getAuthorization() {
            return authorization;
        }

        @JsonAnyGetter
        public Map<String, Object> getAdditionalProperties() {
            return additionalProperties;
        }

        @JsonAnySetter
        public void setAdditionalProperty(String name, Object value) {
            additionalProperties.put(name, value);
        }
    }

    /** {@code endpoints[].authorization} (SafeAuthorization): a scheme and a key from a Secret. */
    public static class Authorization {

        public String type;
        public io.fabric8.kubernetes.api.model.SecretKeySelector credentials;
        private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

        public io.fabric8.kubernetes.api.model.SecretKeySelector getCredentials() {
            return credentials;
        }

        @JsonAnyGetter
        public Map<String, Object> getAdditionalProperties() {
            return additionalProperties;
        }

        @JsonAnySetter
        public void setAdditionalProperty(String name, Object value) {
            additionalProperties.put(name, value);
        }
    }
}
