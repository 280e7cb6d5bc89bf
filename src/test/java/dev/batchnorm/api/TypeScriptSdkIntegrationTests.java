package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The TypeScript SDK (typescript-fetch) generated at build time from openapi/openapi.yaml,
 * compiled with tsc together with src/test/typescript/sdk_flow.ts and run by node against the
 * running service. tsc comes from npm: {@code npm install --prefix .tools/node typescript@5}
 * (what .ci/run does), or any tsc on PATH, or {@code -Dsdk.tsc=...}.
 */
class TypeScriptSdkIntegrationTests extends IntegrationTestBase {

    @Test
    void generatedTypeScriptSdk_ShouldCompileAndDriveTheServiceWithTypedErrors() {
        SdkTools.generated("sdk-typescript");
        Path node = SdkTools.require("node", "sdk.node", "apt-get install -y nodejs npm (Node.js 18 or later)");
        Path tsc = SdkTools.require("tsc", "sdk.tsc", "npm install --prefix .tools/node typescript@5",
                Path.of(".tools", "node", "node_modules", ".bin", "tsc"));
        Map<String, String> env = Map.of("PATH", node.getParent() + java.io.File.pathSeparator + System.getenv().getOrDefault("PATH", ""));

        Path out = Path.of("target", "sdk-typescript-build");
        SdkTools.Result compiled = SdkTools.run(Path.of("."), env, Duration.ofMinutes(3), List.of(tsc.toString(),
                "--strict", "--target", "es2022", "--module", "commonjs", "--lib", "es2022,dom",
                "--skipLibCheck", "--rootDir", ".", "--outDir", out.toString(), "src/test/typescript/sdk_flow.ts"));
        assertThat(compiled.exit()).as("tsc: " + compiled.describe()).isZero();

        SdkTools.Result r = SdkTools.run(Path.of("."), env, Duration.ofMinutes(2), List.of(node.toString(),
                out.resolve("src/test/typescript/sdk_flow.js").toString(), "http://127.0.0.1:" + port));
        assertThat(r.exit()).as(r.describe()).isZero();
        JsonNode report = HttpApi.JSON.readTree(r.lastLine());

        assertThat(report.get("createdStatus").asInt()).isEqualTo(201);
        assertThat(report.get("etag").asString()).matches("\"\\d+\"");
        assertThat(report.get("defaultCollection").asString()).isEqualTo("update_ops");
        SdkTools.assertTrainingForward(report);
        assertThat(report.get("batchMean").toString()).isEqualTo("[2,2]");
        SdkTools.assertPendingOps(report);
        SdkTools.assertAppliedThenTestForward(report);

        assertThat(report.get("inPlaceCollection").isNull()).isTrue();
        assertThat(report.get("inPlaceApplied").asBoolean()).isTrue();
        assertThat(report.get("inPlaceMovingVariance").toString()).isEqualTo("[0.9996667,1.007]");
        assertThat(report.get("absentCollection").asString()).isEqualTo("update_ops");

        JsonNode notFound = report.get("notFound");
        assertThat(notFound.get("status").asInt()).isEqualTo(404);
        assertThat(notFound.get("contentType").asString()).isEqualTo("application/problem+json");
        assertThat(notFound.get("code").asString()).isEqualTo("session_not_found");
        JsonNode invalid = report.get("invalidSpec");
        assertThat(invalid.get("status").asInt()).isEqualTo(400);
        assertThat(invalid.get("code").asString()).isEqualTo("invalid_session_spec");
        assertThat(invalid.get("pointer").asString()).isEqualTo("/axis/1");
    }
}
