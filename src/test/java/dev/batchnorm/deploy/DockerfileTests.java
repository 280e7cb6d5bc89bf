package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Dockerfile, checked without an engine: linted offline by npm's dockerfile-utils (.ci/run
 * installs it), and read instruction by instruction for what the image promises. Its extract
 * command and ENTRYPOINT are run on the host by {@link DockerImageIT}.
 */
class DockerfileTests {

    private static final Pattern TEMURIN = Pattern.compile("eclipse-temurin:(\\d+)\\.(\\d+)\\.(\\d+)_(\\d+)-(jdk|jre)-([a-z]+)");

    @Test
    void lint_ShouldFindNoProblem() throws Exception {
        Path linter = dockerfileUtils();
        Lint clean = lint(linter, Dockerfile.PATH);
        assertThat(clean.exit()).as(clean.output()).isZero();
        assertThat(clean.output()).as("dockerfile-utils reports").isBlank();
        // and the linter does fail on a broken file, so a clean result means something
        Path broken = Files.createTempFile("Dockerfile", "");
        Files.writeString(broken, "FROM eclipse-temurin:25-jre\nEXPOSE http\nCOPPY a b\n");
        Lint bad = lint(linter, broken);
        assertThat(bad.exit()).as(bad.output()).isNotZero();
    }

    @Test
    void baseImages_ShouldBeOneTemurinReleasePinnedByTag_JdkToBuildAndJreToRun() throws IOException {
        Dockerfile df = Dockerfile.read();
        assertThat(df.stages()).hasSizeGreaterThanOrEqualTo(2);
        List<Matcher> bases = new ArrayList<>();
        for (Dockerfile.Stage s : df.stages()) {
            Matcher m = TEMURIN.matcher(s.base());
            assertThat(m.matches()).as("FROM %s: a full Temurin release tag (major.minor.patch_build), never a floating one", s.base()).isTrue();
            bases.add(m);
        }
        String javaVersion = pomProperty("java.version");
        for (Matcher m : bases) {
            assertThat(m.group(1)).as("Java major of the images = the build's java.version").isEqualTo(javaVersion);
            assertThat(m.group(1) + m.group(2) + m.group(3) + m.group(4)).as("one release in every stage")
                    .isEqualTo(bases.getFirst().group(1) + bases.getFirst().group(2) + bases.getFirst().group(3) + bases.getFirst().group(4));
        }
        assertThat(bases.getFirst().group(5)).isEqualTo("jdk");
        assertThat(bases.getLast().group(5)).as("the runtime image has no compiler").isEqualTo("jre");
        assertThat(df.stage("build").all("RUN")).anySatisfy(r -> assertThat(r.args()).contains("./mvnw"));
    }

    @Test
    void runtimeStage_ShouldRunAsAnUnprivilegedUser_WithOnlyTheExtractedLayers() throws IOException {
        Dockerfile.Stage runtime = Dockerfile.read().runtime();
        String user = runtime.user();
        assertThat(user).as("USER in the final stage").isNotNull().matches("\\d+:\\d+");
        String[] ids = user.split(":");
        assertThat(Integer.parseInt(ids[0])).as("uid").isGreaterThanOrEqualTo(1000);
        assertThat(Integer.parseInt(ids[1])).as("gid").isGreaterThanOrEqualTo(1000);
        // the user exists in the image with those ids
        assertThat(runtime.all("RUN")).anySatisfy(r -> assertThat(r.args()).contains("--uid " + ids[0]).contains("--gid " + ids[1]));
        // nothing from the build context, only what the build stage extracted
        assertThat(runtime.all("ADD")).isEmpty();
        List<List<String>> copies = runtime.copies();
        assertThat(copies).hasSize(4).allSatisfy(c -> {
            assertThat(c.getFirst()).isEqualTo("--from=build");
            assertThat(c.get(c.size() - 2)).startsWith("/build/extracted/");
        });
        assertThat(copies).extracting(c -> c.get(c.size() - 2)).containsExactly("/build/extracted/dependencies/",
                "/build/extracted/spring-boot-loader/", "/build/extracted/snapshot-dependencies/", "/build/extracted/application/");
        // no secret baked in, no build tool carried over
        for (Dockerfile.Instruction i : runtime.instructions()) {
            assertThat(i.args()).as(i.toString()).doesNotContainIgnoringCase("mvnw").doesNotContain(".m2");
            if (i.keyword().equals("ENV") || i.keyword().equals("ARG")) {
                assertThat(i.args()).as(i.toString()).doesNotContainPattern("(?i)(password|secret|token|credential)");
            }
        }
    }

    @Test
    void exposedPort_ShouldBeTheServicesPortAndTheChartsContainerPort() throws IOException {
        Dockerfile.Stage runtime = Dockerfile.read().runtime();
        Map<String, Object> app = new Yaml().load(Files.readString(Path.of("src/main/resources/application.yml")));
        Object serverPort = ((Map<?, ?>) app.get("server")).get("port");
        assertThat(runtime.all("EXPOSE")).singleElement().satisfies(e -> assertThat(e.args()).isEqualTo(serverPort.toString()));
        assertThat(Pods.port(Pods.app(Chart.renderDefaults()), "http")).isEqualTo(serverPort);
    }

    @Test
    void entrypoint_ShouldBeTheExecFormJarLauncherWithContainerAwareHeap() throws Exception {
        List<String> entrypoint = Dockerfile.read().runtime().entrypoint();
        assertThat(entrypoint.getFirst()).isEqualTo("java");
        assertThat(entrypoint.getLast()).isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
        List<String> flags = entrypoint.subList(1, entrypoint.size() - 1);
        // a share of the container's memory limit; a fixed -Xmx would ignore the limit
        assertThat(flags).anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage=")).noneMatch(f -> f.startsWith("-Xmx"))
                .contains("-XX:+ExitOnOutOfMemoryError")
                // the float32 kernels' Vector API path
                .contains("--add-modules=jdk.incubator.vector");
        // the JVM the tests run on (the image's release line) accepts the flags
        List<String> cmd = new ArrayList<>(List.of(javaExecutable()));
        cmd.addAll(flags);
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void dockerignore_ShouldAdmitExactlyWhatTheBuildStageCopies() throws IOException {
        List<String> patterns = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        // everything is out (target/, .git/, helm/, k8s/, local files...) unless named below
        assertThat(patterns.getFirst()).isEqualTo("*");
        assertThat(patterns.subList(1, patterns.size())).allSatisfy(p -> assertThat(p).startsWith("!"));
        List<String> admitted = patterns.subList(1, patterns.size()).stream().map(p -> p.substring(1)).toList();
        List<String> copied = new ArrayList<>();
        for (List<String> c : Dockerfile.read().stage("build").copies()) {
            assertThat(c.getFirst()).as("the build stage copies from the context only").doesNotStartWith("--from");
            for (String src : c.subList(0, c.size() - 1)) {
                copied.add(src);
                // each source is admitted by a pattern naming it or something inside it
                assertThat(admitted).as(src + " is copied but .dockerignore keeps it out")
                        .anyMatch(a -> a.equals(src) || a.startsWith(src.endsWith("/") ? src : src + "/"));
            }
        }
        // and nothing is admitted that no COPY uses
        assertThat(admitted).allSatisfy(a -> assertThat(copied).as(a + " is admitted but never copied")
                .anyMatch(src -> a.equals(src) || a.startsWith(src.endsWith("/") ? src : src + "/")));
    }

    record Lint(int exit, String output) {}

    static Lint lint(Path linter, Path dockerfile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(linter.toString(), "lint", dockerfile.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("dockerfile-utils finished").isTrue();
        return new Lint(p.exitValue(), out);
    }

    /** npm's dockerfile-utils on PATH; its absence is a failure, never a skip. */
    static Path dockerfileUtils() {
        Optional<Path> found = onPath("dockerfile-utils");
        assertThat(found).as("""
                dockerfile-utils is not on PATH, so the Dockerfile cannot be linted. Install it with \
                'npm install -g dockerfile-utils@0.16.3' (bash .ci/run does).""").isPresent();
        return found.orElseThrow();
    }

    static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String pomProperty(String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("pom.xml property " + name).isTrue();
        return m.group(1);
    }
}
