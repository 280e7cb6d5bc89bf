package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's examples/ scripts, run as a user would against the running service. */
class ExamplesIntegrationTests extends IntegrationTestBase {

    @Test
    void colabModes_ShouldRunWithPlainHttp() {
        Path python = SdkTools.require("python3", "sdk.python", "apt-get install -y python3");
        SdkTools.Result r = SdkTools.run(Path.of("."), Map.of(), Duration.ofMinutes(3), List.of(python.toString(),
                "examples/colab_modes.py", "--base-url", "http://127.0.0.1:" + port, "--steps", "50"));
        assertThat(r.exit()).as(r.describe()).isZero();
        assertThat(r.stdout())
                .contains("pending update ops: 100; moving mean [0.0000, 0.0000], moving variance [1.0000, 1.0000] (untouched)")
                .contains("normalizes with the batch statistics")
                .contains("applied 100 ops")
                .contains("identical to mode 3: True")
                .contains("normalized with the moving statistics")
                .endsWith("done\n");
    }

    @Test
    void colabSdk_ShouldRunWithTheGeneratedPythonSdk() {
        Path sdk = SdkTools.generated("sdk-python");
        Path python = SdkTools.require("python3", "sdk.python", "apt-get install -y python3");
        SdkTools.Result r = SdkTools.run(Path.of("."), Map.of("PYTHONPATH", sdk.toString()), Duration.ofMinutes(3),
                List.of(python.toString(), "examples/colab_sdk.py", "--base-url", "http://127.0.0.1:" + port, "--steps", "20"));
        assertThat(r.exit()).as(r.describe()).isZero();
        assertThat(r.stdout())
                .contains("pending: 40 ops; moving mean, variance: ('[0.0000, 0.0000]', '[1.0000, 1.0000]')")
                .contains("applied 40 ops")
                .contains("updateOpsCollection in the effective spec: None")
                .contains("test time normalizes with the moving averages")
                .contains("NotFoundException: status 404, code session_not_found")
                .endsWith("done\n");
    }
}
