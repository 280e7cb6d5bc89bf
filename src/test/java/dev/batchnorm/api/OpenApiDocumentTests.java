package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps the committed contract, openapi/openapi.yaml, equal to what the running service serves,
 * valid OpenAPI 3.1, complete enough for SDK generators, and its request examples (what Swagger
 * UI pre-fills) accepted by the service, and its examples in the shape of their schemas.
 * After an intended API change: {@code ./mvnw test -Dtest=OpenApiDocumentTests -Dopenapi.update=true}
 * (refused when {@code CI} is set: there the committed file must already be right).
 */
class OpenApiDocumentTests extends IntegrationTestBase {

    static final Path COMMITTED = Path.of("openapi", "openapi.yaml");
    static final String UPDATE_PROPERTY = "openapi.update";
    static final String PROBLEM = "application/problem+json";

    /** Whether to rewrite the committed file: -Dopenapi.update=true, refused when CI is set (the drift check would pass whatever). */
    static boolean updateRequested(String property, String ci) {
        return Ci.developerSwitch(Boolean.parseBoolean(property), "-D" + UPDATE_PROPERTY + "=" + property, ci);
    }

    @Test
    void committedDocument_ShouldMatchTheServedOne() throws IOException {
        HttpApi.Response served = api.get("/v3/api-docs.yaml");
        assertThat(served.status()).isEqualTo(200);
        if (updateRequested(System.getProperty(UPDATE_PROPERTY), Ci.env())) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, served.text(), StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
                .as("openapi/openapi.yaml is stale; regenerate it with -Dopenapi.update=true")
                .isEqualTo(served.text());
    }

    static SwaggerParseResult parse(String yaml) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        return new OpenAPIV3Parser().readContents(yaml, null, options);
    }

    static OpenAPI committed() throws IOException {
        SwaggerParseResult result = parse(Files.readString(COMMITTED, StandardCharsets.UTF_8));
        assertThat(result.getMessages()).as("validation messages").isEmpty();
        return result.getOpenAPI();
    }

    @Test
    void committedDocument_ShouldValidateAsOpenApi31() throws IOException {
        OpenAPI doc = committed();
        assertThat(doc.getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(doc.getOpenapi()).isEqualTo("3.1.0");
        assertThat(doc.getServers()).singleElement().satisfies(s -> assertThat(s.getUrl()).isEqualTo("/"));
    }

    @Test
    void validator_ShouldRejectBrokenDocuments() throws IOException {
        String yaml = Files.readString(COMMITTED, StandardCharsets.UTF_8);
        // a dangling reference, an unknown keyword in an operation, a missing required field
        assertThat(parse(yaml.replace("$ref: \"#/components/schemas/SessionList\"", "$ref: \"#/components/schemas/SessionLst\"")).getMessages())
                .anySatisfy(m -> assertThat(m).contains("SessionLst"));
        assertThat(parse(yaml.replace("      operationId: listSessions\n", "      operationId: listSessions\n      operationIdd: x\n")).getMessages())
                .anySatisfy(m -> assertThat(m).contains("operationIdd"));
        assertThat(parse(yaml.replace("  title: batchnorm-service\n", "")).getMessages())
                .anySatisfy(m -> assertThat(m).contains("title"));
    }

    /** A response, or the components.responses entry it refers to. */
    static ApiResponse resolve(OpenAPI doc, ApiResponse response) {
        if (response.get$ref() == null) {
            return response;
        }
        String name = response.get$ref().substring("#/components/responses/".length());
        return doc.getComponents().getResponses().get(name);
    }

    /** The path of an entry of {@link #operations}. */
    static String path(Map.Entry<String, Operation> operation) {
        return operation.getKey().substring(operation.getKey().indexOf(' ') + 1);
    }

    /** Every operation with its method and path, in document order. */
    static List<Map.Entry<String, Operation>> operations(OpenAPI doc) {
        List<Map.Entry<String, Operation>> out = new ArrayList<>();
        doc.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, op) -> out.add(Map.entry(method + " " + path, op))));
        return out;
    }

    @Test
    void everyOperation_ShouldBeDocumentedForSdkGenerators() throws IOException {
        OpenAPI doc = committed();
        List<Map.Entry<String, Operation>> ops = operations(doc);
        assertThat(ops).hasSize(12);
        Set<String> ids = new HashSet<>();
        for (Map.Entry<String, Operation> e : ops) {
            String where = e.getKey();
            Operation op = e.getValue();
            assertThat(op.getOperationId()).as(where).matches("[a-z][A-Za-z]+");
            assertThat(ids.add(op.getOperationId())).as("unique operationId " + op.getOperationId()).isTrue();
            assertThat(op.getTags()).as(where).singleElement().isIn("Sessions", "Forward", "Updates", "Variables");
            assertThat(op.getSummary()).as(where).isNotBlank();
            if (op.getParameters() != null) {
                for (Parameter p : op.getParameters()) {
                    assertThat(p.getDescription()).as(where + " parameter " + p.getName()).isNotBlank();
                }
            }
            assertThat(op.getResponses().keySet()).as(where).anyMatch(code -> code.startsWith("2")).contains("500", "503");
            op.getResponses().forEach((code, declared) -> {
                ApiResponse response = resolve(doc, declared);
                if (code.startsWith("4") || code.startsWith("5")) {
                    assertThat(response.getContent()).as(where + " " + code).containsOnlyKeys("application/problem+json");
                    assertThat(response.getContent().get("application/problem+json").getSchema().get$ref())
                            .isEqualTo("#/components/schemas/Problem");
                    assertThat(response.getDescription()).as(where + " " + code).isNotBlank();
                }
            });
            if (op.getRequestBody() != null) {
                MediaType json = op.getRequestBody().getContent().get("application/json");
                assertThat(json).as(where).isNotNull();
                assertThat(json.getExamples()).as(where + " examples (Swagger UI pre-fills them)").isNotEmpty();
            }
        }
        ApiResponse created = doc.getPaths().get("/v1/sessions").getPost().getResponses().get("201");
        assertThat(created.getHeaders()).containsKeys("Location", "ETag");
        Operation forward = doc.getPaths().get("/v1/sessions/{id}/forward").getPost();
        assertThat(forward.getRequestBody().getContent()).containsOnlyKeys("application/json", "application/x-npy");
        assertThat(forward.getResponses().get("200").getContent()).containsOnlyKeys("application/json", "application/x-npy");
        assertThat(forward.getResponses().get("409").getHeaders()).containsKey("Retry-After");
        assertThat(doc.getPaths().get("/v1/sessions/{id}/variables/{name}").getPut().getParameters())
                .anySatisfy(p -> assertThat(p.getName()).isEqualTo("If-Match"));
        List<io.swagger.v3.oas.models.media.Schema> forms = doc.getComponents().getSchemas().get("Tensor").getOneOf();
        assertThat(forms).extracting(io.swagger.v3.oas.models.media.Schema::get$ref)
                .containsExactly("#/components/schemas/Matrix", "#/components/schemas/NestedTensor", "#/components/schemas/FlatTensor");
        assertThat(doc.getComponents().getSchemas().get("Problem").getRequired()).contains("code", "status", "title", "detail");
    }

    @Test
    void apiOperations_ShouldNeedTheBearerKeyAndDocumentTheFiltersRefusals() throws IOException {
        OpenAPI doc = committed();
        SecurityScheme scheme = doc.getComponents().getSecuritySchemes().get("bearerAuth");
        assertThat(scheme).as("components.securitySchemes.bearerAuth").isNotNull();
        assertThat(scheme.getType()).isEqualTo(SecurityScheme.Type.HTTP);
        assertThat(scheme.getScheme()).isEqualTo("bearer");
        assertThat(scheme.getBearerFormat()).isEqualTo("opaque");
        assertThat(scheme.getDescription()).contains("batchnorm.security.mode=api-key");
        assertThat(doc.getComponents().getSecuritySchemes()).hasSize(1);
        // per operation, not document-wide: health and the documents are no API operations and stay open
        assertThat(doc.getSecurity()).isNullOrEmpty();

        List<Map.Entry<String, Operation>> ops = operations(doc);
        assertThat(ops).hasSize(12);
        for (Map.Entry<String, Operation> e : ops) {
            String where = e.getKey();
            assertThat(path(e)).as(where).startsWith("/v1/");
            Operation op = e.getValue();
            assertThat(op.getSecurity()).as(where).containsExactly(new SecurityRequirement().addList("bearerAuth"));

            ApiResponse unauthorized = resolve(doc, op.getResponses().get("401"));
            assertThat(unauthorized).as(where + " 401").isNotNull();
            assertThat(unauthorized.getDescription()).contains("missing_api_key", "invalid_api_key");
            assertThat(unauthorized.getContent()).containsOnlyKeys(PROBLEM);
            assertThat(unauthorized.getContent().get(PROBLEM).getSchema().get$ref()).isEqualTo("#/components/schemas/Problem");
            assertThat(unauthorized.getHeaders()).containsKey("WWW-Authenticate");

            ApiResponse limited = resolve(doc, op.getResponses().get("429"));
            assertThat(limited).as(where + " 429").isNotNull();
            assertThat(limited.getDescription()).contains("rate_limited", "retryAfterSeconds");
            assertThat(limited.getContent()).containsOnlyKeys(PROBLEM);
            assertThat(limited.getContent().get(PROBLEM).getSchema().get$ref()).isEqualTo("#/components/schemas/Problem");
            assertThat(limited.getHeaders().get("Retry-After").getRequired()).isTrue();
            assertThat(limited.getHeaders().get("Retry-After").getSchema().getTypes()).containsExactly("integer");
        }
        ApiResponse conflict = doc.getPaths().get("/v1/sessions").getPost().getResponses().get("409");
        assertThat(conflict.getDescription()).contains("session_quota_reached", "session_limit_reached", "session_exists");

        io.swagger.v3.oas.models.media.Schema<?> problem = doc.getComponents().getSchemas().get("Problem");
        io.swagger.v3.oas.models.media.Schema<?> retryAfter = problem.getProperties().get("retryAfterSeconds");
        assertThat(retryAfter).as("Problem.retryAfterSeconds").isNotNull();
        assertThat(retryAfter.getTypes()).containsExactly("integer");
        assertThat(problem.getRequired()).doesNotContain("retryAfterSeconds");
        assertThat(problem.getProperties().get("code").getDescription())
                .contains("missing_api_key", "invalid_api_key", "rate_limited", "invalid_path");
        assertThat(problem.getProperties().get("limit").getDescription()).contains("session_quota_reached");
    }

    /** Every example of a media type: its examples map, or its single example. */
    static Map<String, Object> examples(MediaType content) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (content.getExamples() != null) {
            content.getExamples().forEach((name, example) -> out.put(name, example.getValue()));
        }
        if (content.getExample() != null) {
            out.put("example", content.getExample());
        }
        return out;
    }

    @Test
    void examples_ShouldCoverEverySuccessAndCommonErrorAndFitTheirSchemas() throws IOException {
        OpenAPI doc = committed();
        SchemaConformance shapes = new SchemaConformance(doc);
        Set<String> withExamples = new java.util.TreeSet<>();
        int checked = 0;
        for (Map.Entry<String, Operation> e : operations(doc)) {
            Operation op = e.getValue();
            for (Map.Entry<String, ApiResponse> r : op.getResponses().entrySet()) {
                String code = r.getKey();
                String where = e.getKey() + " " + code;
                ApiResponse response = resolve(doc, r.getValue());
                if (response.getContent() == null) {
                    assertThat(code).as(where + ": only a 204 has no body").isEqualTo("204");
                    continue;
                }
                for (Map.Entry<String, MediaType> content : response.getContent().entrySet()) {
                    if (!content.getKey().endsWith("json")) {
                        continue; // .npy
                    }
                    Map<String, Object> examples = examples(content.getValue());
                    if (code.startsWith("2") || List.of("400", "401", "404", "429").contains(code)) {
                        assertThat(examples).as(where + " " + content.getKey() + " has an example").isNotEmpty();
                    }
                    for (Map.Entry<String, Object> example : examples.entrySet()) {
                        String what = where + " example " + example.getKey();
                        JsonNode value = SchemaConformance.tree(example.getValue());
                        assertThat(shapes.violations(content.getValue().getSchema(), value)).as(what + ": " + value).isEmpty();
                        if (content.getKey().equals(PROBLEM)) {
                            // a problem example is one this response documents, at this operation's path
                            assertThat(value.get("status").asInt()).as(what).isEqualTo(Integer.parseInt(code));
                            assertThat(response.getDescription()).as(what).contains(value.get("code").asText());
                            if (r.getValue().get$ref() == null) {
                                assertThat(value.get("instance").asText()).as(what).matches(path(e).replaceAll("\\{[^}]+}", "[^/]+"));
                            }
                        }
                        withExamples.add(e.getKey() + " " + code);
                        checked++;
                    }
                }
            }
            if (op.getRequestBody() != null) {
                MediaType json = op.getRequestBody().getContent().get("application/json");
                for (Map.Entry<String, Object> example : examples(json).entrySet()) {
                    JsonNode value = SchemaConformance.tree(example.getValue());
                    assertThat(shapes.violations(json.getSchema(), value)).as(e.getKey() + " request example " + example.getKey()).isEmpty();
                    checked++;
                }
            }
        }
        // 12 operations: 12 success answers (201 and 200 on create, none on the delete), 8 with a 400, 401 and 429 on all
        assertThat(withExamples.stream().filter(k -> k.matches(".* 2\\d\\d"))).hasSize(12);
        assertThat(withExamples.stream().filter(k -> k.endsWith(" 400"))).hasSize(8);
        assertThat(withExamples.stream().filter(k -> k.endsWith(" 401") || k.endsWith(" 429"))).hasSize(24);
        assertThat(checked).isGreaterThan(60);
    }

    @Test
    void exampleShapeCheck_ShouldRejectExamplesThatDoNotFit() throws IOException {
        SchemaConformance shapes = new SchemaConformance(committed());
        var session = shapes.named("Session");
        ObjectNode good = (ObjectNode) Json31.mapper().readTree(ApiDocs.Examples.SESSION);
        assertThat(shapes.violations(session, good)).isEmpty();

        ObjectNode missing = good.deepCopy();
        missing.remove("version");
        assertThat(shapes.violations(session, missing)).containsExactly("/version: required and missing");
        ObjectNode undeclared = good.deepCopy();
        undeclared.put("versoin", 2);
        assertThat(shapes.violations(session, undeclared)).containsExactly("/versoin: not in the schema");
        ObjectNode wrongType = good.deepCopy();
        ((ObjectNode) wrongType.get("counters")).put("forwards", "1");
        assertThat(shapes.violations(session, wrongType)).singleElement().asString().startsWith("/counters/forwards: STRING");
        ObjectNode badDate = good.deepCopy();
        badDate.put("createdAt", "yesterday");
        assertThat(shapes.violations(session, badDate)).singleElement().asString().startsWith("/createdAt:");
        ObjectNode notNull = good.deepCopy();
        notNull.putNull("id");
        assertThat(shapes.violations(session, notNull)).singleElement().asString().startsWith("/id: NULL");

        var forward = shapes.named("ForwardResponse");
        ObjectNode answer = (ObjectNode) Json31.mapper().readTree(
                "{\"outputs\": [[1.0]], \"normalizedWith\": \"batch\", \"updateOps\": [], \"updatesApplied\": false, \"version\": 2}");
        assertThat(shapes.violations(forward, answer)).isEmpty();
        answer.put("normalizedWith", "both");
        assertThat(shapes.violations(forward, answer)).singleElement().asString().startsWith("/normalizedWith:");
        answer.put("normalizedWith", "batch");
        answer.put("outputs", "[[1.0]]");
        assertThat(shapes.violations(forward, answer)).containsExactly("/outputs: fits 0 of the oneOf members, not exactly one");
    }

    @Test
    void requestExamples_ShouldBeAcceptedByTheService() throws IOException {
        OpenAPI doc = committed();
        // in the order a person would try them: create, forward, apply, assign
        String[][] calls = {
                {"/v1/sessions", "POST"},
                {"/v1/sessions/{id}/forward", "POST"},
                {"/v1/sessions/{id}/updates/apply", "POST"},
                {"/v1/sessions/{id}/variables/{name}", "PUT"}};
        int replayed = 0;
        for (String[] call : calls) {
            Operation op = doc.getPaths().get(call[0]).readOperationsMap().get(PathItem.HttpMethod.valueOf(call[1]));
            String path = call[0];
            if (op.getParameters() != null) {
                for (Parameter p : op.getParameters()) {
                    if ("path".equals(p.getIn())) {
                        path = path.replace("{" + p.getName() + "}", String.valueOf(p.getExample()));
                    }
                }
            }
            for (Map.Entry<String, Example> ex : op.getRequestBody().getContent().get("application/json").getExamples().entrySet()) {
                String body = Json31.mapper().writeValueAsString(ex.getValue().getValue());
                HttpApi.Response r = api.send(call[1], path, "application/json", body);
                assertThat(r.status()).as(call[1] + " " + path + " example " + ex.getKey() + ": " + body + " -> " + r.text()).isBetween(200, 201);
                replayed++;
            }
        }
        assertThat(replayed).isEqualTo(16);
    }

    @Test
    void swaggerUi_ShouldServeTheDocumentWithTryItOut() {
        HttpApi.Response page = api.get("/swagger-ui.html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location")).endsWith("/swagger-ui/index.html");
        HttpApi.Response index = api.get("/swagger-ui/index.html");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.text()).contains("swagger-ui");
        HttpApi.Response config = api.get("/v3/api-docs/swagger-config");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json().get("url").asString()).isEqualTo("/v3/api-docs");
        assertThat(config.json().get("tryItOutEnabled").asBoolean()).isTrue();
    }
}
