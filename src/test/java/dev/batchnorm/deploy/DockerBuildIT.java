package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile's build stage, run for real on this machine: a copy of the repository holding
 * only what .dockerignore admits (what {@code docker build .} sends), the stage's COPYs into its
 * WORKDIR, and its RUN steps in order, the Maven build offline. A build step that reads a file the
 * context leaves out (openapi/openapi.yaml, src/test/...) fails here as it would in the image
 * build. Slow (a Maven build, twice), so it runs in failsafe.
 */
class DockerBuildIT {

    private static final Path ROOT = Path.of("target", "docker-build-it").toAbsolutePath();

    @Test
    void buildStage_OnTheContextDockerignoreAdmits_ShouldBuildAndExtractTheLayers() throws Exception {
        Path dir = fresh("ok");
        List<String> context = LayeredApp.dockerContext(dir.resolve("context"));
        // the context is exactly what the build may read: no contract, tests, chart or build output
        assertThat(context).contains("mvnw", "pom.xml", ".mvn/wrapper/maven-wrapper.properties", "src/main/resources/application.yml")
                .allSatisfy(f -> assertThat(f).matches("mvnw|pom\\.xml|\\.mvn/wrapper/maven-wrapper\\.properties|src/main/.+"));
        assertThat(Path.of("openapi/openapi.yaml")).as("a file the full repository has").isRegularFile();

        Dockerfile df = Dockerfile.read();
        Path build = LayeredApp.buildStage(df.stage("build"), dir.resolve("context"), dir.resolve("fs"));

        // every layer the runtime stage copies was extracted, with the application in its own
        for (List<String> copy : df.runtime().copies()) {
            Path layer = dir.resolve("fs").resolve(copy.get(1).substring(1));
            assertThat(layer).as(copy.get(1)).isDirectory();
        }
        assertThat(build.resolve("extracted/application/BOOT-INF/classes/dev/batchnorm/BatchNormApplication.class")).isRegularFile();
        assertThat(build.resolve("extracted/application/BOOT-INF/classes/static/playground.js")).isRegularFile();
        assertThat(build.resolve("extracted/spring-boot-loader/org/springframework/boot/loader/launch/JarLauncher.class")).isRegularFile();
    }

    @Test
    void buildStage_WhoseBuildReadsAFileTheContextLeavesOut_ShouldFail() throws Exception {
        // control: without the skip, the SDK generator (generate-test-sources, which runs even with
        // -Dmaven.test.skip=true) reads openapi/openapi.yaml, which .dockerignore keeps out
        String dockerfile = Files.readString(Dockerfile.PATH);
        assertThat(dockerfile).contains(" -Dcodegen.skip=true");
        Dockerfile unskipped = Dockerfile.parse(dockerfile.replace(" -Dcodegen.skip=true", ""));
        Path dir = fresh("control");
        LayeredApp.dockerContext(dir.resolve("context"));
        assertThatThrownBy(() -> LayeredApp.buildStage(unskipped.stage("build"), dir.resolve("context"), dir.resolve("fs")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("openapi-generator-maven-plugin");
    }

    private static Path fresh(String name) throws Exception {
        Path dir = ROOT.resolve(name);
        LayeredApp.deleteTree(dir);
        return Files.createDirectories(dir);
    }
}
