package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the image would hold, built on the host by doing what the Dockerfile says: its build
 * stage's copy of the packaged jar and its {@code -Djarmode=tools ... extract} command, then its
 * runtime stage's layer COPYs into the WORKDIR. {@link #command()} is its ENTRYPOINT with the
 * host's JDK 25 in place of the image's JRE 25. Needs the repackaged jar: failsafe passes its path
 * as {@code app.jar} (the tests using this class run after {@code package}).
 */
final class LayeredApp {

    private static Path appDir;

    private LayeredApp() {}

    /** The runtime stage's WORKDIR, assembled once per JVM under target/deploy-it. */
    static synchronized Path appDir() throws IOException, InterruptedException {
        if (appDir != null) {
            return appDir;
        }
        Dockerfile df = Dockerfile.read();
        Dockerfile.Stage build = df.stage("build");
        Dockerfile.Stage runtime = df.runtime();
        Path root = Path.of("target", "deploy-it").toAbsolutePath();
        deleteTree(root);
        // the build stage's WORKDIR, and the runtime stage's
        Path buildDir = root.resolve(build.workdir().substring(1));
        Path runtimeDir = root.resolve(runtime.workdir().substring(1));
        Files.createDirectories(buildDir);
        Files.createDirectories(runtimeDir);

        String run = build.all("RUN").stream().map(Dockerfile.Instruction::args).filter(a -> a.contains("-Djarmode=tools"))
                .findFirst().orElseThrow(() -> new AssertionError("no RUN with the layer extraction in the build stage"));
        // RUN's own flags (--mount=type=cache...) are BuildKit's, not part of the command
        run = run.replaceFirst("^(--\\S+\\s+)+", "");
        for (String step : run.split("&&")) {
            List<String> words = List.of(step.strip().split("\\s+"));
            switch (words.getFirst()) {
                // the package step: the Maven build running this test has packaged the jar already
                case "./mvnw" -> assertThat(words).contains("package");
                case "cp" -> copyJar(words, buildDir);
                case "java" -> runJava(words, buildDir);
                default -> throw new AssertionError("a build step this test does not know how to run: " + step);
            }
        }
        for (List<String> copy : runtime.copies()) {
            assertThat(copy.getFirst()).isEqualTo("--from=build");
            Path from = root.resolve(copy.get(1).substring(1));
            Path to = runtimeDir.resolve(copy.get(2));
            assertThat(from).as("a layer the extraction made").isDirectory();
            copyTree(from, to.normalize());
        }
        appDir = runtimeDir;
        return appDir;
    }

    /** The ENTRYPOINT, with this JVM's java (the image's Temurin 25 line) as "java". */
    static List<String> command() throws IOException {
        List<String> cmd = new ArrayList<>(Dockerfile.read().runtime().entrypoint());
        assertThat(cmd.getFirst()).isEqualTo("java");
        cmd.set(0, DockerfileTests.javaExecutable());
        return cmd;
    }

    /** {@code cp target/batchnorm-service-*.jar app.jar}: the glob must name the jar Maven built. */
    private static void copyJar(List<String> words, Path buildDir) throws IOException {
        assertThat(words).hasSize(3);
        Path jar = Path.of(System.getProperty("app.jar", "target/batchnorm-service.jar"));
        assertThat(jar).as("the repackaged jar (run through failsafe, after package)").isRegularFile();
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + words.get(1));
        assertThat(glob.matches(Path.of("target").resolve(jar.getFileName()))).as(words.get(1) + " matches " + jar.getFileName()).isTrue();
        Files.copy(jar, buildDir.resolve(words.get(2)));
    }

    private static void runJava(List<String> words, Path buildDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(words);
        cmd.set(0, DockerfileTests.javaExecutable());
        Process p = new ProcessBuilder(cmd).directory(buildDir.toFile()).redirectErrorStream(true)
                .redirectOutput(buildDir.resolve("extract.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("extract finished").isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", words), Files.readString(buildDir.resolve("extract.log"))).isZero();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Every file under {@code dir} with its size and modification time, to see whether anything wrote there. */
    static List<String> snapshot(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.sorted().map(p -> {
                try {
                    return dir.relativize(p) + " " + (Files.isDirectory(p) ? "dir" : Files.size(p)) + " " + Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    return dir.relativize(p) + " ?";
                }
            }).toList();
        }
    }
}
