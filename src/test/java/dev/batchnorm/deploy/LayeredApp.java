package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the image would hold, built on the host by doing what the Dockerfile says: its build
 * stage's copy of the packaged jar and its {@code -Djarmode=tools ... extract} command, then its
 * runtime stage's layer COPYs into the WORKDIR. {@link #command()} is its ENTRYPOINT with the
 * host's JDK 25 in place of the image's JRE 25. Needs the repackaged jar: failsafe passes its path
 * as {@code app.jar} (the tests using this class run after {@code package}). {@link #buildStage}
 * instead replays the whole build stage, Maven included, on the context {@link #dockerContext}
 * copies as .dockerignore admits it.
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
        for (List<String> words : steps(run)) {
            // the package step: the Maven build running this test has packaged the jar already
            runStep(words, buildDir, false);
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

    /**
     * The build stage done for real, as {@code docker build} would do it: its COPYs take from
     * {@code context} (what {@link #dockerContext} admits) into its WORKDIR under {@code root}, and
     * its RUN steps run there in order, Maven offline ({@code -o}) on this machine's repository.
     * A step that reads a file the context leaves out fails here as it would in the image build.
     *
     * @return the build stage's WORKDIR, holding the extracted layers
     */
    static Path buildStage(Dockerfile.Stage build, Path context, Path root) throws IOException, InterruptedException {
        Path buildDir = root.resolve(build.workdir().substring(1));
        Files.createDirectories(buildDir);
        for (Dockerfile.Instruction i : build.instructions()) {
            switch (i.keyword()) {
                case "WORKDIR" -> { } // the stage has one, resolved above
                case "COPY" -> copyFromContext(List.of(i.args().trim().split("\\s+")), context, buildDir);
                case "RUN" -> {
                    for (List<String> words : steps(i.args())) {
                        runStep(words, buildDir, true);
                    }
                }
                default -> throw new AssertionError("a build-stage instruction this test does not know how to replay: " + i);
            }
        }
        return buildDir;
    }

    /** A RUN's commands, split at {@code &&}, as word lists; RUN's own flags (--mount=type=cache...) are BuildKit's, not the command's. */
    private static List<List<String>> steps(String run) {
        List<List<String>> steps = new ArrayList<>();
        for (String step : run.replaceFirst("^(--\\S+\\s+)+", "").split("&&")) {
            steps.add(List.of(step.strip().split("\\s+")));
        }
        return steps;
    }

    /**
     * One build step. {@code replay}: run Maven for real in {@code buildDir}; otherwise the Maven
     * build running this test has packaged the jar already, and {@code cp} takes that one.
     */
    private static void runStep(List<String> words, Path buildDir, boolean replay) throws IOException, InterruptedException {
        switch (words.getFirst()) {
            case "./mvnw" -> {
                if (!replay) {
                    assertThat(words).contains("package");
                } else if (words.contains("dependency:go-offline")) {
                    // only fills the Maven cache from pom.xml (offline, its plugin prefix cannot even be
                    // resolved); the offline package step below shows the cache here holds what it needs
                    assertThat(words.stream().filter(w -> !w.startsWith("-")).toList()).containsExactly("./mvnw", "dependency:go-offline");
                } else {
                    maven(words, buildDir);
                }
            }
            case "cp" -> copyJar(words, buildDir, replay);
            case "java" -> runJava(words, buildDir);
            default -> throw new AssertionError("a build step this test does not know how to run: " + String.join(" ", words));
        }
    }

    /** The step's ./mvnw command, offline, with this JVM's JDK and none of the outer Maven's variables. */
    private static void maven(List<String> words, Path buildDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(words);
        cmd.add(1, "-o");
        Path log = buildDir.resolve("maven.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(buildDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MAVEN_"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try {
            assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("%s finished", String.join(" ", words)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("%s in the build context:%n%s", String.join(" ", cmd), tail(log, 40)).isZero();
    }

    /**
     * {@code cp target/batchnorm-service-*.jar app.jar}: the glob must name exactly one jar, the
     * one Maven built (replayed: in the build directory; otherwise the jar failsafe was given).
     */
    private static void copyJar(List<String> words, Path buildDir, boolean replay) throws IOException {
        assertThat(words).hasSize(3);
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + words.get(1));
        Path jar;
        if (replay) {
            try (Stream<Path> files = Files.walk(buildDir)) {
                List<Path> matches = files.filter(f -> glob.matches(buildDir.relativize(f))).toList();
                assertThat(matches).as(words.get(1) + " in the build directory").hasSize(1);
                jar = matches.getFirst();
            }
        } else {
            jar = Path.of(System.getProperty("app.jar", "target/batchnorm-service.jar"));
            assertThat(jar).as("the repackaged jar (run through failsafe, after package)").isRegularFile();
            assertThat(glob.matches(Path.of("target").resolve(jar.getFileName()))).as(words.get(1) + " matches " + jar.getFileName()).isTrue();
        }
        Files.copy(jar, buildDir.resolve(words.get(2)));
    }

    /** A build-stage COPY from the context: each source (file, or directory with its content) into the destination. */
    private static void copyFromContext(List<String> copy, Path context, Path buildDir) throws IOException {
        assertThat(copy.getFirst()).as("the build stage copies from the context only").doesNotStartWith("--");
        String dest = copy.getLast();
        for (String src : copy.subList(0, copy.size() - 1)) {
            Path from = context.resolve(src);
            assertThat(from).as("COPY %s: not in the build context (.dockerignore keeps it out)", src).exists();
            Path to = buildDir.resolve(dest).normalize();
            if (Files.isDirectory(from)) {
                copyTree(from, to);
            } else {
                Path target = dest.endsWith("/") || Files.isDirectory(to) ? to.resolve(from.getFileName().toString()) : to;
                Files.createDirectories(target.getParent());
                Files.copy(from, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /**
     * The build context {@code docker build .} sends, copied to {@code to}: every file of the
     * repository (the working directory) that .dockerignore admits. As Docker reads it, the last
     * pattern matching a file or one of its parent directories decides, and {@code !} admits.
     *
     * @return the copied files, relative to {@code to}
     */
    static List<String> dockerContext(Path to) throws IOException {
        Path repo = Path.of("").toAbsolutePath();
        List<String> patterns = Files.readAllLines(repo.resolve(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> copied = new ArrayList<>();
        Files.walkFileTree(repo, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String rel = repo.relativize(dir).toString();
                // an excluded directory that no "!" pattern reaches into is not walked (target/ holds the copy itself)
                boolean reopened = patterns.stream().anyMatch(p -> p.startsWith("!") && clean(p.substring(1)).startsWith(rel + "/"));
                return rel.isEmpty() || !excluded(patterns, rel) || reopened ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = repo.relativize(file).toString();
                if (!excluded(patterns, rel)) {
                    Path target = to.resolve(rel);
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                    copied.add(rel);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return copied;
    }

    /** Whether .dockerignore's patterns keep {@code rel} out: the last one matching it or a parent directory decides. */
    static boolean excluded(List<String> patterns, String rel) {
        boolean out = false;
        for (String p : patterns) {
            boolean admit = p.startsWith("!");
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + clean(admit ? p.substring(1) : p));
            for (Path q = Path.of(rel); q != null; q = q.getParent()) {
                if (m.matches(q)) {
                    out = !admit;
                    break;
                }
            }
        }
        return out;
    }

    /** A pattern as Docker cleans it: no leading "/" or "./", no trailing "/". */
    private static String clean(String pattern) {
        String p = pattern.replaceFirst("^(\\./|/)+", "");
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
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
