package dev.batchnorm.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis for tests, one per JVM: a Testcontainers container where a Docker engine exists,
 * else a {@code redis-server} process on a free port, else a clear failure (never a silent skip).
 * {@code -Dtest.redis=binary|testcontainers|external} (with {@code -Dtest.redis.url=redis://host:port})
 * forces a choice.
 */
public final class RedisTestServer {

    private static String host;
    private static int port;
    private static String how;

    private RedisTestServer() {}

    public static synchronized String url() {
        ensureStarted();
        return "redis://" + host + ":" + port;
    }

    public static synchronized String host() {
        ensureStarted();
        return host;
    }

    public static synchronized int port() {
        ensureStarted();
        return port;
    }

    private static void ensureStarted() {
        if (host != null) {
            return;
        }
        String wanted = System.getProperty("test.redis", System.getenv().getOrDefault("TEST_REDIS", "auto"));
        switch (wanted) {
            case "external" -> {
                var u = java.net.URI.create(System.getProperty("test.redis.url", "redis://localhost:6379"));
                host = u.getHost();
                port = u.getPort();
                how = "external";
            }
            case "testcontainers" -> startContainer();
            case "binary" -> startBinary(redisServer().orElseThrow(() -> new IllegalStateException("redis-server is not on PATH")));
            default -> {
                if (dockerAvailable()) {
                    startContainer();
                } else {
                    startBinary(redisServer().orElseThrow(() -> new IllegalStateException(
                            "No Docker engine for Testcontainers and no redis-server on PATH: install one "
                                    + "('apt-get install -y redis-server') or run with -Dtest.redis=external -Dtest.redis.url=redis://host:port")));
                }
            }
        }
        System.out.println("[RedisTestServer] using " + how + " redis at " + host + ":" + port);
    }

    /** Starts one more standalone server (for cluster and outage tests); the caller stops it. */
    public static Process startExtra(int port, String... extraArgs) throws IOException {
        Path exe = redisServer().orElseThrow(() -> new IllegalStateException("redis-server is not on PATH"));
        Path dir = Files.createTempDirectory("redis-test-");
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        awaitPong("127.0.0.1", port, p);
        return p;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean dockerAvailable() {
        if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
            return false; // skip the probe and its error log where no engine can be
        }
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    private static void startContainer() {
        var c = new com.redis.testcontainers.RedisContainer(org.testcontainers.utility.DockerImageName.parse("redis:7.4-alpine"));
        c.start();
        host = c.getHost();
        port = c.getFirstMappedPort();
        how = "testcontainers";
    }

    private static void startBinary(Path exe) {
        try {
            int p = freePort();
            startExtra(p);
            host = "127.0.0.1";
            port = p;
            how = "binary (" + exe + ")";
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server", e);
        }
    }

    static Optional<Path> redisServer() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static void awaitPong(String host, int port, Process p) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + p.exitValue());
            }
            try (Socket s = new Socket(host, port)) {
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[16];
                int n = in.read(buf);
                String reply = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
                // a server started with --requirepass answers NOAUTH: it is up too
                if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 10 s");
    }
}
