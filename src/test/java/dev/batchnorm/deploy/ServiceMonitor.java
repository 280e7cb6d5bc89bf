package dev.batchnorm.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/**
 * The Prometheus Operator's {@code monitoring.coreos.com/v1 ServiceMonitor}, typed for the strict
 * manifest check (fabric8 8.0.0 publishes no monitoring model). Only fields of the operator's CRD
 * are typed, and only those this chart may set: anything else lands in the additional properties
 * and fails {@link StrictK8s}. The nested types deliberately do not implement fabric8's
 * KubernetesResource, which its deserializer would treat as an embedded object of any kind.
 */
public class ServiceMonitor extends OpenModel implements HasMetadata, Namespaced {

    static final String API_VERSION = "monitoring.coreos.com/v1";
    static final String KIND = "ServiceMonitor";

    private String apiVersion = API_VERSION;
    private String kind = KIND;
    private ObjectMeta metadata;
    private Spec spec;

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

    /** {@code spec}: which Services to scrape, and how. */
    public static class Spec extends OpenModel {

        public LabelSelector selector;
        public List<Endpoint> endpoints;
        public String jobLabel;

        public LabelSelector getSelector() {
            return selector;
        }

        public List<Endpoint> getEndpoints() {
            return endpoints;
        }
    }

    /** {@code spec.endpoints[]}: a named Service port and the scrape settings. */
    public static class Endpoint extends OpenModel {

        public String port;
        public String path;
        public String scheme;
        public String interval;
        public String scrapeTimeout;
        public Boolean honorLabels;
        public Authorization authorization;

        public Authorization getAuthorization() {
            return authorization;
        }
    }

    /** {@code endpoints[].authorization} (SafeAuthorization): a scheme and a key from a Secret. */
    public static class Authorization extends OpenModel {

        public String type;
        public io.fabric8.kubernetes.api.model.SecretKeySelector credentials;

        public io.fabric8.kubernetes.api.model.SecretKeySelector getCredentials() {
            return credentials;
        }
    }
}
