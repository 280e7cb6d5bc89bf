package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Python SDK generated at build time from openapi/openapi.yaml, run by the machine's python3
 * (src/test/python/sdk_flow.py) against the running service. The generated package needs
 * pydantic >= 2, urllib3 >= 2.1, python-dateutil and typing-extensions.
 */
class PythonSdkIntegrationTests extends IntegrationTestBase {

    static final String DEPENDENCIES = "pip install 'pydantic>=2' 'urllib3>=2.1,<3' 'python-dateutil>=2.8.2' 'typing-extensions>=4.7.1'";

    @Test
    void generatedPythonSdk_ShouldDriveTheColabFlowsAndRaiseTypedProblems() {
        Path sdk = SdkTools.generated("sdk-python");
        Path python = SdkTools.require("python3", "sdk.python", "apt-get install -y python3, then " + DEPENDENCIES);
        Map<String, String> env = Map.of("PYTHONPATH", sdk.toString(), "PYTHONDONTWRITEBYTECODE", "1");

        SdkTools.Result deps = SdkTools.run(Path.of("."), env, Duration.ofMinutes(1), List.of(python.toString(), "-c",
                "import pydantic, urllib3, dateutil, typing_extensions; assert int(pydantic.VERSION.split('.')[0]) >= 2, pydantic.VERSION"));
        if (deps.exit() != 0) {
            fail("The generated Python SDK's dependencies are missing from " + python + ": " + DEPENDENCIES + "\n" + deps.describe());
        }

        SdkTools.Result r = SdkTools.run(Path.of("."), env, Duration.ofMinutes(2),
                List.of(python.toString(), "src/test/python/sdk_flow.py", "http://127.0.0.1:" + port));
        assertThat(r.exit()).as(r.describe()).isZero();
        JsonNode report = HttpApi.JSON.readTree(r.lastLine());

        assertThat(report.get("location").asString()).isEqualTo("/v1/sessions/py-deferred");
        assertThat(report.get("defaultCollection").asString()).isEqualTo("update_ops");
        SdkTools.assertTrainingForward(report);
        assertThat(report.get("batchVariance").toString()).isEqualTo("[0.6666667,8.0]");
        SdkTools.assertPendingOps(report);
        assertThat(report.get("pendingValue").toString()).isEqualTo("[0.6666667,8.0]");
        SdkTools.assertAppliedThenTestForward(report);

        // an explicit null from Python is Sonnet's update_ops_collection=None
        assertThat(report.get("inPlaceCollection").isNull()).isTrue();
        assertThat(report.get("inPlaceApplied").asBoolean()).isTrue();
        assertThat(report.get("inPlaceMovingMean").toString()).isEqualTo("[0.002,0.002]");
        assertThat(report.get("initMovingVariance").toString()).isEqualTo("[1.0,4.0]");
        assertThat(report.get("initBeta").doubleValue()).isZero();

        assertThat(report.get("nhwcStatsShape").toString()).isEqualTo("[1,1,1,2]");
        JsonNode nhwc = report.get("nhwcOutputs");
        assertThat(nhwc.get(1).get(0).get(0).get(0).doubleValue()).isCloseTo(1 / Math.sqrt(1.001), within(1e-6));
        assertThat(nhwc.get(0).get(0).get(0).get(1).doubleValue()).isCloseTo(-3 / Math.sqrt(9.001), within(1e-6));

        JsonNode notFound = report.get("notFound");
        assertThat(notFound.get("exception").asString()).isEqualTo("NotFoundException");
        assertThat(notFound.get("status").asInt()).isEqualTo(404);
        assertThat(notFound.get("code").asString()).isEqualTo("session_not_found");
        assertThat(notFound.get("problemType").asString()).isEqualTo("Problem");
        JsonNode ragged = report.get("ragged");
        assertThat(ragged.get("exception").asString()).isEqualTo("BadRequestException");
        assertThat(ragged.get("code").asString()).isEqualTo("ragged_tensor");
        assertThat(ragged.get("pointer").asString()).startsWith("/inputs/1");
        assertThat(report.get("discarded").toString()).isEqualTo("[3]");
        JsonNode conflict = report.get("discardedApply");
        assertThat(conflict.get("exception").asString()).isEqualTo("ConflictException");
        assertThat(conflict.get("code").asString()).isEqualTo("update_discarded");
        assertThat(conflict.get("ids").toString()).isEqualTo("[3]");
    }
}
