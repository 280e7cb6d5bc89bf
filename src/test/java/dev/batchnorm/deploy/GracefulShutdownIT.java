package dev.batchnorm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.store.RedisSessionStore;
import dev.batchnorm.store.RedisTestServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * SIGTERM in the middle of a stream of slow requests, on the service started as its image would
 * start it (the Dockerfile's extracted layers and ENTRYPOINT) with the chart's default
 * environment and the Redis store.
 *
 * <p>What is asserted, precisely: (1) every request whose connection was accepted before SIGTERM
 * got a whole 200 answer, every one of them; the stream is arranged so that most clients are
 * mid-request at that moment, and the test insists they were. (2) A request whose connection was
 * made after SIGTERM may be refused (nothing listens any more: a client retries on another
 * replica), or closed before any byte of an answer (the kernel completed the handshake, the server
 * never took it), and then it was never applied; it fails in no other way. (3) Readiness went DOWN
 * before the web server stopped (the service's log) and, seen from outside, was not ready again
 * while the last requests were still finishing. (4) The process ended on its own within the time
 * Kubernetes leaves after the preStop pause, after a complete graceful shutdown. (5) The store
 * counted exactly the forwards that were answered 200: none lost, none applied without an answer.
 */
class GracefulShutdownIT {

    private static final int CLIENTS = 12;
    /** The tenant of the key the clients send (the chart's default is mode api-key); its session is stored as {@code drain-it~drain}. */
    private static final String TENANT = "drain-it";
    /** A forward is sent in 6 pieces 150 ms apart: about a second in flight each. */
    private static final int CHUNKS = 6;
    private static final long PAUSE_MILLIS = 150;
    private static final String FORWARD = "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}";

    @Test
    void sigterm_DuringASlowStreamOfForwards_ShouldLoseNoAcceptedRequest() throws Exception {
        Chart.Rendered chart = Chart.renderDefaults();
        Container container = Pods.app(chart);
        String prefix = "drain" + UUID.randomUUID().toString().substring(0, 8);
        int port = RedisTestServer.freePort();
        Path appDir = LayeredApp.appDir();
        Path root = Files.createDirectories(appDir.resolveSibling("drain-" + prefix));
        // the keys Secret the operator creates, mounted where the chart mounts it (under root here)
        String apiKey = "drain-key-" + UUID.randomUUID();
        Map<String, String> env = Pods.mountSecrets(chart, container, Pods.environment(chart, container, RedisTestServer.url()), root,
                Map.of("keys", Pods.keyEntry(TENANT, apiKey) + "\n"));
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(RedisTestServer.freePort()));
        env.put("BATCHNORM_STORE_REDIS_KEY_PREFIX", prefix);
        // test-only: log readiness changes, to see their order against the web server's shutdown
        env.put("LOGGING_LEVEL_ORG_SPRINGFRAMEWORK_BOOT_AVAILABILITY", "DEBUG");
        Path log = root.resolve("service.log");

        try (AppProcess app = AppProcess.start(LayeredApp.command(), appDir, env, log)) {
            app.awaitStatus(port, "/readyz", 200, Duration.ofMinutes(3));
            HttpResponse<String> created = app.post(port, "/v1/sessions", "{\"id\": \"drain\", \"updateOpsCollection\": null}", apiKey);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            Queue<SlowClient.Outcome> outcomes = new ConcurrentLinkedQueue<>();
            AtomicLong sigtermAt = new AtomicLong(Long.MAX_VALUE);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Thread.ofPlatform().name("client-" + i).start(() -> {
                    while (!stop.get()) {
                        SlowClient.Outcome o = SlowClient.post(port, "/v1/sessions/drain/forward", FORWARD, CHUNKS, PAUSE_MILLIS, apiKey);
                        outcomes.add(o);
                        // after SIGTERM, a refusal or close means this replica is gone: the client would go elsewhere
                        if (o.kind() != SlowClient.Kind.OK && System.nanoTime() > sigtermAt.get()) {
                            return;
                        }
                    }
                }));
            }
            Queue<long[]> readiness = new ConcurrentLinkedQueue<>(); // {nanos, status (-1 = refused)}
            Thread prober = Thread.ofPlatform().name("readiness").start(() -> {
                while (!stop.get()) {
                    readiness.add(new long[] {System.nanoTime(), app.status(port, "/readyz")});
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            // a steady stream first, then SIGTERM with every client mid-request
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (count(outcomes, SlowClient.Kind.OK) < 3 * CLIENTS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(outcomes).as("the stream before SIGTERM").allSatisfy(o -> assertThat(o.kind()).isEqualTo(SlowClient.Kind.OK));
            assertThat(count(outcomes, SlowClient.Kind.OK)).isGreaterThanOrEqualTo(3 * CLIENTS);
            sigtermAt.set(System.nanoTime());
            app.sigterm();

            long grace = chart.one(Deployment.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
            long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
            Integer exit = app.awaitExit(Duration.ofSeconds(grace - preStop));
            long exitedAt = System.nanoTime();
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(30));
            }
            stop.set(true);
            prober.join(Duration.ofSeconds(15));
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(30));
            }
            String serviceLog = app.log();

            // (4) a clean, complete stop in time
            assertThat(exit).as("exited within %d s of SIGTERM%n%s", grace - preStop, app.tail()).isNotNull();
            assertThat(exit).as("128 + SIGTERM: shutdown hooks ran to the end").isEqualTo(143);

            // (1) every connection made before SIGTERM got its whole 200: in flight at SIGTERM, answered after it
            List<SlowClient.Outcome> all = List.copyOf(outcomes);
            long sigterm = sigtermAt.get();
            // connectedNanos is 0 for a request that never got a connection
            Predicate<SlowClient.Outcome> connectedBefore = o -> o.connectedNanos() != 0 && o.connectedNanos() < sigterm;
            List<SlowClient.Outcome> acceptedBefore = all.stream().filter(connectedBefore).toList();
            assertThat(acceptedBefore).as("requests whose connection was accepted before SIGTERM").allSatisfy(o -> assertThat(o.kind())
                    .as("%s, connected %.3f s before SIGTERM, ended %.3f s after it: %s", o.kind(), (sigterm - o.connectedNanos()) / 1e9,
                            (o.finishedNanos() - sigterm) / 1e9, o.detail())
                    .isEqualTo(SlowClient.Kind.OK));
            long inFlight = acceptedBefore.stream().filter(o -> o.finishedNanos() > sigterm).count();
            // the stream keeps nearly every client mid-request; fewer would make (1) an empty promise
            assertThat(inFlight).as("requests in flight at SIGTERM (each then answered 200)").isGreaterThanOrEqualTo(CLIENTS - 2);

            // (2) connections made after SIGTERM: refused, or closed unanswered (not applied: see (5)), or answered
            List<SlowClient.Outcome> after = all.stream().filter(connectedBefore.negate()).toList();
            assertThat(after).as("requests after SIGTERM").allSatisfy(o -> {
                assertThat(o.kind()).as(o.detail()).isIn(SlowClient.Kind.OK, SlowClient.Kind.REFUSED, SlowClient.Kind.CLOSED_BEFORE_RESPONSE);
                assertThat(o.finishedNanos()).isGreaterThan(sigterm);
            });
            long ok = count(all, SlowClient.Kind.OK);
            long closed = count(all, SlowClient.Kind.CLOSED_BEFORE_RESPONSE);
            long refused = count(all, SlowClient.Kind.REFUSED);
            assertThat(refused + closed).as("new connections stopped being served").isPositive();

            // (3) readiness DOWN first: in the service's own order of events...
            int down = serviceLog.indexOf("ReadinessState changed from ACCEPTING_TRAFFIC to REFUSING_TRAFFIC");
            int webStop = serviceLog.indexOf("Commencing graceful shutdown");
            assertThat(down).as("readiness went DOWN").isPositive();
            assertThat(webStop).as("the web server's graceful shutdown started").isPositive();
            assertThat(down).as("readiness DOWN before the web server stops").isLessThan(webStop);
            // ...and from outside: not ready before the last in-flight answer, and never ready again
            long lastOk = all.stream().filter(o -> o.kind() == SlowClient.Kind.OK).mapToLong(SlowClient.Outcome::finishedNanos).max().orElseThrow();
            List<long[]> afterSigterm = readiness.stream().filter(r -> r[0] > sigtermAt.get()).toList();
            Optional<long[]> firstNotReady = afterSigterm.stream().filter(r -> r[1] != 200).findFirst();
            assertThat(firstNotReady).as("readiness not 200 after SIGTERM").isPresent();
            assertThat(firstNotReady.get()[0]).as("not ready while answers were still going out").isLessThan(lastOk);
            assertThat(afterSigterm).filteredOn(r -> r[0] > firstNotReady.get()[0]).allSatisfy(r -> assertThat(r[1]).isNotEqualTo(200));

            assertThat(serviceLog).contains("Graceful shutdown complete").doesNotContain("Graceful shutdown aborted");

            // (5) the store applied exactly the answered forwards
            long forwards = storedForwards(prefix, TENANT + "~drain");
            assertThat(forwards).as("forwards counted by the store = answered 200 (%d closed before an answer, %d refused)", closed, refused)
                    .isEqualTo(ok);
            System.out.printf("[GracefulShutdownIT] %d answered 200 (%d of them in flight at SIGTERM), %d closed before any answer and not applied,"
                    + " %d refused; exit %d %.1f s after SIGTERM%n", ok, inFlight, closed, refused, exit, (exitedAt - sigterm) / 1e9);
        }
    }

    private static long count(Iterable<SlowClient.Outcome> outcomes, SlowClient.Kind kind) {
        long n = 0;
        for (SlowClient.Outcome o : outcomes) {
            n += o.kind() == kind ? 1 : 0;
        }
        return n;
    }

    /** The session's forward counter, read from Redis by the service's own store code. */
    private static long storedForwards(String prefix, String id) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(RedisTestServer.host(), RedisTestServer.port()));
        factory.afterPropertiesSet();
        factory.start();
        try {
            RedisSessionStore store = new RedisSessionStore(RedisSessionStore.bytesTemplate(factory), prefix, Clock.systemUTC());
            SessionSnapshot s = store.find(id).orElseThrow(() -> new AssertionError("session " + id + " is not in Redis"));
            return s.counters().forwards();
        } finally {
            factory.destroy();
        }
    }
}
