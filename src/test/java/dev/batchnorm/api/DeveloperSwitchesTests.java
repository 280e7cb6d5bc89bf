package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The switches that let a test skip or rewrite what it checks work on a developer machine and are
 * refused when CI is set, so that CI cannot pass by not testing.
 */
class DeveloperSwitchesTests {

    @Test
    void ci_ShouldBeSetByAnyValueButBlankOrFalse() {
        assertThat(Ci.isSet("true")).isTrue();
        assertThat(Ci.isSet("1")).isTrue();
        assertThat(Ci.isSet("yes")).isTrue();
        assertThat(Ci.isSet(null)).isFalse();
        assertThat(Ci.isSet("")).isFalse();
        assertThat(Ci.isSet(" ")).isFalse();
        assertThat(Ci.isSet("false")).isFalse();
        assertThat(Ci.isSet("FALSE")).isFalse();
    }

    @Test
    void sdkToolsOptional_ShouldSkipOnlyOffCi() {
        assertThat(SdkTools.toolsOptional(null, null)).isFalse();
        assertThat(SdkTools.toolsOptional("false", "true")).isFalse();
        assertThat(SdkTools.toolsOptional("true", null)).isTrue();
        assertThat(SdkTools.toolsOptional("true", "false")).isTrue();
        assertThatThrownBy(() -> SdkTools.toolsOptional("true", "true"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("-Dsdk.tools.optional=true").hasMessageContaining("CI=true");
    }

    @Test
    void missingSdkTool_ShouldFailUnlessOptional() {
        String tool = "no-such-tool-for-batchnorm-tests";
        assertThatThrownBy(() -> SdkTools.require(tool, "sdk.no-such-tool", "nothing", false, Path.of("/nonexistent/" + tool)))
                .isInstanceOf(AssertionError.class).hasMessageContaining(tool + " is needed by this test");
        assertThatThrownBy(() -> SdkTools.require(tool, "sdk.no-such-tool", "nothing", true))
                .isInstanceOf(TestAbortedException.class);
    }

    @Test
    void playgroundBrowserSkip_ShouldSkipOnlyOffCi() {
        assertThat(Chromium.skipRequested(null, null, null)).isFalse();
        assertThat(Chromium.skipRequested("true", null, null)).isTrue();
        assertThat(Chromium.skipRequested(null, "true", "")).isTrue();
        // the property, when given, wins over the environment variable
        assertThat(Chromium.skipRequested("false", "true", "true")).isFalse();
        assertThatThrownBy(() -> Chromium.skipRequested("true", null, "true"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("-Dplayground.browser.skip=true");
        assertThatThrownBy(() -> Chromium.skipRequested(null, "true", "1"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("PLAYGROUND_BROWSER_SKIP=true");
    }

    @Test
    void openApiUpdate_ShouldRewriteOnlyOffCi() {
        assertThat(OpenApiDocumentTests.updateRequested(null, "true")).isFalse();
        assertThat(OpenApiDocumentTests.updateRequested("true", null)).isTrue();
        assertThatThrownBy(() -> OpenApiDocumentTests.updateRequested("true", "true"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("-Dopenapi.update=true");
    }
}
