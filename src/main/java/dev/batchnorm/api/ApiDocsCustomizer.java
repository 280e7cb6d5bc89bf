package dev.batchnorm.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The few things swagger's annotations cannot say, set on the generated document: the items of the
 * nested tensor forms, nullable arrays, numeric defaults as numbers, the comma-separated
 * {@code ids} query parameter; and what the security filter answers before any controller (the
 * bearer scheme, 401 and 429 on every {@code /v1} operation), with the error examples that name
 * each operation's path.
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
        security(openApi);
        openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(op -> errorExamples(path, op)));
    }

    /** The security scheme's name in components.securitySchemes. */
    static final String BEARER = "bearerAuth";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String TOO_MANY_REQUESTS = "TooManyRequests";

    /**
     * SecurityFilter's part of the contract. The key applies to /v1 only: health is always open,
     * and the documents and metrics need a key only where the deployment restricts them.
     */
    private static void security(OpenAPI openApi) {
        Components components = openApi.getComponents();
        components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("opaque")
                .description("An API key, sent as Authorization: Bearer <key> (RFC 6750). The key is opaque to clients (the README makes one from "
                        + "32 random bytes, base64url); the service keeps only its SHA-256 and maps it to a tenant, whose sessions are its own. "
                        + "Needed when the service runs with batchnorm.security.mode=api-key (the Helm chart's default); with mode none "
                        + "(the default of a plain run) no key is needed and the header is not read."));
        components.addResponses(UNAUTHORIZED, problemResponse(
                "missing_api_key: no Authorization header; invalid_api_key: the key is unknown, revoked, malformed, sent twice or "
                        + "under another scheme. Only when the service runs with API keys; nothing was done.",
                examples("missingApiKey", "No key", ApiDocs.Examples.MISSING_API_KEY,
                        "invalidApiKey", "A wrong or revoked key", ApiDocs.Examples.INVALID_API_KEY))
                .addHeaderObject("WWW-Authenticate", new Header().required(true)
                        .description("Bearer realm=\"batchnorm\", plus error=\"invalid_token\" with invalid_api_key.")
                        .schema(new JsonSchema().types(types("string")))));
        components.addResponses(TOO_MANY_REQUESTS, problemResponse(
                "rate_limited (with retryAfterSeconds): the tenant's request rate (batchnorm.security.quota.requests-per-second) is "
                        + "spent; nothing was done. Retry after Retry-After seconds.",
                examples("rateLimited", "The tenant's rate is spent", ApiDocs.Examples.RATE_LIMITED))
                .addHeaderObject("Retry-After", new Header().required(true).description("Whole seconds to wait before retrying.")
                        .schema(new JsonSchema().types(types("integer")).minimum(BigDecimal.ONE))));
        List<SecurityRequirement> bearer = List.of(new SecurityRequirement().addList(BEARER));
        openApi.getPaths().forEach((path, item) -> {
            if (path.startsWith("/v1/")) {
                for (Operation op : item.readOperations()) {
                    op.setSecurity(bearer);
                    op.getResponses().addApiResponse("401", new ApiResponse().$ref("#/components/responses/" + UNAUTHORIZED));
                    op.getResponses().addApiResponse("429", new ApiResponse().$ref("#/components/responses/" + TOO_MANY_REQUESTS));
                }
            }
        });
    }

    private static ApiResponse problemResponse(String description, Map<String, Example> examples) {
        return new ApiResponse().description(description).content(new Content().addMediaType(ApiDocs.PROBLEM,
                new MediaType().schema(ref("Problem")).examples(examples)));
    }

    /** Examples from (name, summary, JSON) triples, in that order. */
    private static Map<String, Example> examples(String... nameSummaryJson) {
        Map<String, Example> out = new LinkedHashMap<>();
        for (int i = 0; i < nameSummaryJson.length; i += 3) {
            out.put(nameSummaryJson[i], new Example().summary(nameSummaryJson[i + 1]).value(json(nameSummaryJson[i + 2])));
        }
        return out;
    }

    private static JsonNode json(String text) {
        try {
            return Json31.mapper().readTree(text);
        } catch (JacksonException e) {
            throw new IllegalStateException("an example in ApiDocs.Examples is not JSON: " + text, e);
        }
    }

    /** The common error answers' examples: 404 session_not_found, each operation's 400, and the session quota on create. */
    private static void errorExamples(String path, Operation op) {
        String concrete = concretePath(path, op);
        if (op.getResponses().get("404") != null) {
            problemContent(op, "404").addExamples("sessionNotFound", new Example().summary("No session has this id (or it is another tenant's)")
                    .value(at(ApiDocs.Examples.SESSION_NOT_FOUND, concrete)));
            if (path.endsWith("/variables/{name}")) {
                problemContent(op, "404").addExamples("variableNotFound", new Example().summary("gamma on a session without scale")
                        .value(json(ApiDocs.Examples.VARIABLE_NOT_FOUND)));
            }
        }
        String badRequest = ApiDocs.Examples.BAD_REQUEST.get(op.getOperationId());
        if (op.getResponses().get("400") != null && badRequest != null) {
            JsonNode example = badRequest.equals(ApiDocs.Examples.INVALID_PAGE_SIZE) ? at(badRequest, concrete) : json(badRequest);
            problemContent(op, "400").addExamples(camel(example.get("code").asText()),
                    new Example().summary(example.get("detail").asText()).value(example));
        }
        if ("createSession".equals(op.getOperationId())) {
            problemContent(op, "409").addExamples("sessionQuotaReached", new Example().summary("The tenant holds its max-sessions quota")
                    .value(json(ApiDocs.Examples.SESSION_QUOTA_REACHED)));
        }
    }

    private static MediaType problemContent(Operation op, String status) {
        return op.getResponses().get(status).getContent().get(ApiDocs.PROBLEM);
    }

    /** The path with each path parameter replaced by its example: /v1/sessions/demo/forward. */
    private static String concretePath(String path, Operation op) {
        String out = path;
        if (op.getParameters() != null) {
            for (Parameter p : op.getParameters()) {
                if ("path".equals(p.getIn()) && p.getExample() != null) {
                    out = out.replace("{" + p.getName() + "}", String.valueOf(p.getExample()));
                }
            }
        }
        return out;
    }

    private static JsonNode at(String problem, String instance) {
        ObjectNode node = (ObjectNode) json(problem);
        node.put("instance", instance);
        return node;
    }

    /** session_not_found -> sessionNotFound. */
    private static String camel(String code) {
        StringBuilder out = new StringBuilder();
        for (String part : code.split("_")) {
            out.append(out.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return out.toString();
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
