package dev.batchnorm.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a JSON value fits a schema of the document, for the document's examples: types (with
 * null), required and undeclared members, enums, patterns, date-times, array bounds and items, and
 * oneOf (exactly one member fits). A small subset of JSON Schema, strict where the service is: an
 * object schema without additionalProperties is closed.
 */
final class SchemaConformance {

    private static final String REF = "#/components/schemas/";

    private final Map<String, Schema> schemas;

    SchemaConformance(OpenAPI doc) {
        this.schemas = doc.getComponents().getSchemas();
    }

    /** An example's value (swagger-parser's node, map or scalar) as a JSON tree. */
    static JsonNode tree(Object value) {
        return value instanceof JsonNode n ? n : Json31.mapper().valueToTree(value);
    }

    /** What does not fit, one line each with a JSON Pointer into the value; empty when it fits. */
    List<String> violations(Schema<?> schema, JsonNode value) {
        List<String> out = new ArrayList<>();
        check(schema, value, "", out);
        return out;
    }

    Schema<?> named(String name) {
        Schema<?> s = schemas.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no schema " + name);
        }
        return s;
    }

    private void check(Schema<?> schema, JsonNode v, String at, List<String> out) {
        if (schema.get$ref() != null) {
            check(named(schema.get$ref().substring(REF.length())), v, at, out);
            return;
        }
        if (schema.getOneOf() != null) {
            long fits = schema.getOneOf().stream().filter(member -> violations(member, v).isEmpty()).count();
            if (fits != 1) {
                out.add(at + ": fits " + fits + " of the oneOf members, not exactly one");
            }
            return;
        }
        Set<String> types = schema.getTypes() != null ? schema.getTypes() : schema.getType() != null ? Set.of(schema.getType()) : Set.of();
        if (!types.isEmpty() && types.stream().noneMatch(t -> is(t, v))) {
            out.add(at + ": " + v.getNodeType() + " where the schema has " + types);
            return;
        }
        if (schema.getEnum() != null && !v.isNull() && schema.getEnum().stream().noneMatch(e -> String.valueOf(e).equals(v.asText()))) {
            out.add(at + ": " + v + " is not one of " + schema.getEnum());
        }
        if (v.isTextual()) {
            if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(v.asText()).find()) {
                out.add(at + ": " + v + " does not match " + schema.getPattern());
            }
            if ("date-time".equals(schema.getFormat())) {
                try {
                    Instant.parse(v.asText());
                } catch (DateTimeParseException e) {
                    out.add(at + ": " + v + " is not a date-time");
                }
            }
        }
        if (v.isObject()) {
            object(schema, v, at, out);
        }
        if (v.isArray()) {
            if (schema.getMinItems() != null && v.size() < schema.getMinItems()) {
                out.add(at + ": " + v.size() + " items, fewer than " + schema.getMinItems());
            }
            if (schema.getMaxItems() != null && v.size() > schema.getMaxItems()) {
                out.add(at + ": " + v.size() + " items, more than " + schema.getMaxItems());
            }
            if (schema.getItems() != null) {
                for (int i = 0; i < v.size(); i++) {
                    check(schema.getItems(), v.get(i), at + "/" + i, out);
                }
            }
        }
    }

    private void object(Schema<?> schema, JsonNode v, String at, List<String> out) {
        if (schema.getRequired() != null) {
            for (String name : schema.getRequired()) {
                if (!v.has(name)) {
                    out.add(at + "/" + name + ": required and missing");
                }
            }
        }
        Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            Schema<?> p = properties.get(member.getKey());
            if (p != null) {
                check(p, member.getValue(), at + "/" + member.getKey(), out);
            } else if (schema.getAdditionalProperties() instanceof Schema<?> additional) {
                check(additional, member.getValue(), at + "/" + member.getKey(), out);
            } else if (!Boolean.TRUE.equals(schema.getAdditionalProperties())) {
                out.add(at + "/" + member.getKey() + ": not in the schema");
            }
        }
    }

    private static boolean is(String type, JsonNode v) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber() || v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0;
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> throw new IllegalArgumentException("type " + type);
        };
    }
}
