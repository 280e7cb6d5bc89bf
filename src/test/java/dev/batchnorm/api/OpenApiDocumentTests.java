package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps the committed contract, openapi/openapi.yaml, equal to what the running service serves,
 * valid OpenAPI 3.1, complete enough for SDK generators, and its request examples (what Swagger
 * UI pre-fills) accepted by the service.
 * After an intended API change: {@code ./mvnw test -Dtest=OpenApiDocumentTests -Dopenapi.update=true}
 * (refused when {@code CI} is set: there the committed file must already be right).
 */
class OpenApiDocumentTests extends IntegrationTestBase {

    static final Path COMMITTED = Path.of("openapi", "openapi.yaml");
    static final String UPDATE_PROPERTY = "openapi.update";

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
            op.getResponses().forEach((code, response) -> {
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
