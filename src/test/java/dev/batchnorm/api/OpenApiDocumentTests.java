package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the committed contract, openapi/openapi.yaml, equal to what the running service serves.
 * After an intended API change: {@code ./mvnw test -Dtest=OpenApiDocumentTests -Dopenapi.update=true}.
 */
class OpenApiDocumentTests extends IntegrationTestBase {

    static final Path COMMITTED = Path.of("openapi", "openapi.yaml");

    @Test
    void committedDocument_ShouldMatchTheServedOne() throws IOException {
        HttpApi.Response served = api.get("/v3/api-docs.yaml");
        assertThat(served.status()).isEqualTo(200);
        if (Boolean.getBoolean("openapi.update")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, served.text(), StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
                .as("openapi/openapi.yaml is stale; regenerate it with -Dopenapi.update=true")
                .isEqualTo(served.text());
    }
}
