package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.config.BatchNormProperties;
import dev.batchnorm.security.SecurityProperties;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** values.yaml: documented value by value, described by the schema, and in step with the service. */
class ChartValuesTests {

    /**
     * helm-docs' convention: a "# --" comment right above a value documents it, and documents
     * everything below it too (free-form Kubernetes objects such as resources). Every value must
     * be documented itself or through such a parent.
     */
    @Test
    void everyValue_ShouldBeDocumented() throws IOException {
        List<String> lines = Files.readAllLines(Chart.DIR.resolve("values.yaml"));
        List<String> undocumented = new ArrayList<>();
        List<Integer> documentedIndents = new ArrayList<>(); // indents of documented ancestors still open
        List<Integer> openIndents = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("- ")) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            // close the keys this one is not nested in
            while (!openIndents.isEmpty() && openIndents.getLast() >= indent) {
                Integer closed = openIndents.removeLast();
                documentedIndents.remove(closed);
            }
            boolean documented = hasDocComment(lines, i);
            boolean inherited = !documentedIndents.isEmpty();
            boolean isSection = trimmed.endsWith(":") && i + 1 < lines.size() && !lines.get(i + 1).strip().startsWith("- ");
            if (!documented && !inherited && !isSection) {
                undocumented.add((i + 1) + ": " + trimmed);
            }
            openIndents.add(indent);
            if (documented) {
                documentedIndents.add(indent);
            }
        }
        assertThat(undocumented).as("values without a '# --' comment").isEmpty();
    }

    /** The comment block right above line {@code i} holds a "# --" line. */
    private static boolean hasDocComment(List<String> lines, int i) {
        for (int j = i - 1; j >= 0 && lines.get(j).strip().startsWith("#"); j--) {
            if (lines.get(j).strip().startsWith("# --")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyValue_ShouldBeDescribedByTheSchema_AndNoSchemaEntryBeStale() throws IOException {
        Map<String, Object> values = new Yaml().load(Files.readString(Chart.DIR.resolve("values.yaml")));
        JsonNode schema = JsonMapper.builder().build().readTree(Files.readString(Chart.DIR.resolve("values.schema.json")));
        List<String> problems = new ArrayList<>();
        compare("", values, schema, problems);
        assertThat(problems).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static void compare(String path, Map<String, Object> values, JsonNode schema, List<String> problems) {
        JsonNode props = schema.get("properties");
        if (props == null) {
            return; // a free-form object (resources, affinity...): the strict manifest check covers it
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            JsonNode sub = props.get(e.getKey());
            if (sub == null) {
                problems.add("not in the schema: " + path + e.getKey());
            } else if (e.getValue() instanceof Map<?, ?> m) {
                compare(path + e.getKey() + ".", (Map<String, Object>) m, sub, problems);
            }
        }
        props.propertyNames().forEach(k -> {
            if (!values.containsKey(k) && !k.equals("global")) {
                problems.add("in the schema, not in values.yaml: " + path + k);
            }
        });
    }

    @Test
    void limits_ShouldDefaultToTheServicesOwnDefaults() throws IOException, ReflectiveOperationException {
        Map<String, Object> values = new Yaml().load(Files.readString(Chart.DIR.resolve("values.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> limits = (Map<String, Object>) values.get("limits");
        // the service's defaults, as Spring binds them from an empty configuration
        BatchNormProperties.Limits defaults = new Binder(new MapConfigurationPropertySource())
                .bindOrCreate("batchnorm", BatchNormProperties.class).limits();
        List<String> names = new ArrayList<>();
        for (RecordComponent c : BatchNormProperties.Limits.class.getRecordComponents()) {
            names.add(c.getName());
            Object expected = c.getAccessor().invoke(defaults);
            Object actual = limits.get(c.getName());
            if (expected instanceof DataSize size) {
                assertThat(DataSize.parse(actual.toString())).as(c.getName()).isEqualTo(size);
            } else {
                assertThat(actual).as(c.getName()).isNotNull();
                assertThat(Long.parseLong(actual.toString())).as(c.getName()).isEqualTo(((Number) expected).longValue());
            }
        }
        // and every limit the service has is in the chart
        assertThat(limits.keySet()).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void quotas_ShouldOfferEveryQuotaOfTheService_CommonAndPerTenant() throws IOException {
        Map<String, Object> values = new Yaml().load(Files.readString(Chart.DIR.resolve("values.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> security = (Map<String, Object>) values.get("security");
        List<String> quotaKeys = java.util.Arrays.stream(SecurityProperties.Quota.class.getRecordComponents()).map(RecordComponent::getName).toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> quota = (Map<String, Object>) security.get("quota");
        assertThat(quota.keySet()).as("security.quota = batchnorm.security.quota.*").containsExactlyInAnyOrderElementsOf(quotaKeys);
        assertThat(security).as("security.tenants = batchnorm.security.tenants.<name>.*").containsKey("tenants");
        // the schema describes a tenant's quota with exactly the same keys
        JsonNode schema = JsonMapper.builder().build().readTree(Files.readString(Chart.DIR.resolve("values.schema.json")));
        JsonNode tenant = schema.at("/properties/security/properties/tenants/additionalProperties/properties");
        assertThat(tenant.propertyNames()).containsExactlyInAnyOrderElementsOf(quotaKeys);
        assertThat(schema.at("/properties/security/properties/quota/properties").propertyNames()).containsExactlyInAnyOrderElementsOf(quotaKeys);
    }
}
