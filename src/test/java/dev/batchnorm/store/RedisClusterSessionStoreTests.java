package dev.batchnorm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The store contract on a Redis Cluster of three masters started here: every operation on one
 * session stays in one hash slot ({@code {id}} hash tags), so it runs unchanged on a cluster.
 */
class RedisClusterSessionStoreTests extends RedisSessionStoreTests {

    static final List<Process> nodes = new ArrayList<>();

    @BeforeAll
    static void connect() throws Exception {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = RedisTestServer.freePort();
            Path dir = Files.createTempDirectory("redis-cluster-");
            nodes.add(RedisTestServer.startExtra(port, "--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes.conf").toString(), "--cluster-node-timeout", "5000"));
            addresses.add("127.0.0.1:" + port);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        create.addAll(addresses);
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        run(create);
        String host = addresses.getFirst().split(":")[0];
        String port = addresses.getFirst().split(":")[1];
        for (int i = 0; i < 100 && !run(List.of("redis-cli", "-h", host, "-p", port, "cluster", "info")).contains("cluster_state:ok"); i++) {
            Thread.sleep(100);
        }
        assertThat(run(List.of("redis-cli", "-h", host, "-p", port, "cluster", "info"))).contains("cluster_state:ok", "cluster_known_nodes:3");
        factory = new LettuceConnectionFactory(new RedisClusterConfiguration(addresses));
        factory.afterPropertiesSet();
        factory.start();
        template = template(factory);
    }

    @AfterAll
    static void stopNodes() {
        nodes.forEach(Process::destroyForcibly);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
