package dev.batchnorm.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The few things swagger's annotations cannot say, set on the generated document: the items of the
 * nested tensor forms, nullable arrays, numeric defaults as numbers, and the comma-separated
 * {@code ids} query parameter.
 */
@Component
class ApiDocsCustomizer implements OpenApiCustomizer {

    /** Array properties whose value may be {@code null}, by schema. */
    private static final Map<String, List<String>> NULLABLE_ARRAYS = Map.of(
            "CreateSessionRequest", List.of("axis"),
            "SessionSpec", List.of("axis"),
            "Session", List.of("inputShape"));

    @Override
    public void customise(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        // the nested forms by rank, so that no two members of the Tensor and Initializer oneOfs overlap; the levels are
        // named schemas so that the generated Java SDK keeps them apart (it drops the element types of nested lists)
        schemas.get("Vector").minItems(1).setItems(new JsonSchema().types(types("number")).format("double"));
        schemas.get("Matrix").minItems(1).setItems(ref("Vector"));
        schemas.put(SLICE, new JsonSchema().types(types("array")).minItems(1)
                .description("One example of a NestedTensor: nested arrays of rank 2 or more.")
                .items(new JsonSchema().types(types("array")).minItems(1).items(new JsonSchema())));
        schemas.get("NestedTensor").minItems(1).setItems(ref(SLICE));
        NULLABLE_ARRAYS.forEach((schema, properties) -> properties.forEach(
                p -> ((Schema<?>) schemas.get(schema).getProperties().get(p)).setTypes(new LinkedHashSet<>(List.of("array", "null")))));
        schemas.values().forEach(ApiDocsCustomizer::numericDefaults);
        openApi.getPaths().values().forEach(path -> path.readOperations().forEach(ApiDocsCustomizer::csvIds));
    }

    private static final String SLICE = "NestedTensorSlice";

    private static Set<String> types(String type) {
        return new LinkedHashSet<>(List.of(type));
    }

    private static Schema<?> ref(String schema) {
        return new JsonSchema().$ref("#/components/schemas/" + schema);
    }

    private static void numericDefaults(Schema<?> schema) {
        if (schema.getProperties() == null) {
            return;
        }
        for (Schema<?> p : schema.getProperties().values()) {
            Set<String> types = p.getTypes();
            if (p.getDefault() instanceof String s && types != null && (types.contains("number") || types.contains("integer"))) {
                ((Schema<Object>) p).setDefault(new BigDecimal(s));
            }
        }
    }

    /** {@code DELETE …/updates?ids=1,2}: one comma-separated value, not a repeated parameter. */
    private static void csvIds(Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        for (Parameter p : operation.getParameters()) {
            if ("ids".equals(p.getName()) && "query".equals(p.getIn())) {
                p.setStyle(Parameter.StyleEnum.FORM);
                p.setExplode(false);
            }
        }
    }
}
