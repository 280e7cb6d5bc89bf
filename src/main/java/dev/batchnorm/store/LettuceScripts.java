package dev.batchnorm.store;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs the store's scripts straight on Lettuce's shared connection: {@code EVALSHA} with raw
 * byte keys and arguments, falling back to {@code EVAL} once when Redis does not have the script
 * (after a restart or a {@code SCRIPT FLUSH}). This is the forward's hot path, so it skips the
 * template's per-call serializer and result-conversion layers; the replies are what the
 * template would give with byte serializers: {@code Long}, {@code byte[]} and nested lists.
 */
final class LettuceScripts {

    private final LettuceConnectionFactory factory;
    private final long timeoutNanos;
    private final boolean lettuceTimesOut;
    private final Predicate<Throwable> unavailable;

    LettuceScripts(LettuceConnectionFactory factory, Predicate<Throwable> unavailable) {
        this.factory = factory;
        Duration timeout = factory.getClientConfiguration().getCommandTimeout();
        this.timeoutNanos = timeout.toNanos();
        this.lettuceTimesOut = factory.getClientConfiguration().getClientOptions()
                .map(o -> o.getTimeoutOptions().isTimeoutCommands()).orElse(false);
        this.unavailable = unavailable;
    }

    /** Whether keys of different cluster slots may not share a script call. */
    boolean clustered() {
        return factory.isClusterAware();
    }

    List<Object> run(RedisScript<?> script, byte[][] keys, byte[][] args) {
        return await(runAsync(script, keys, args));
    }

    /**
     * Sends the script without waiting; completes with the reply or the failure. Its callbacks run
     * on Lettuce's event loop, so they must not block.
     */
    @SuppressWarnings("unchecked")
    CompletableFuture<List<Object>> runAsync(RedisScript<?> script, byte[][] keys, byte[][] args) {
        RedisScriptingAsyncCommands<byte[], byte[]> commands;
        // the shared connection outlives this wrapper: closing it leaves the command in flight
        try (RedisConnection connection = factory.getConnection()) {
            commands = (RedisScriptingAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
        }
        CompletableFuture<List<Object>> sent = commands.<List<Object>>evalsha(script.getSha1(), ScriptOutputType.MULTI, keys, args).toCompletableFuture();
        return sent.exceptionallyCompose(e -> {
            if (cause(e) instanceof RedisNoScriptException) {
                byte[] source = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
                return commands.<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(e);
        });
    }

    /**
     * Waits for a reply. When Lettuce itself fails a command that outlives the timeout (Spring
     * Boot enables its {@code TimeoutOptions}), the wait is untimed: a timed park of a virtual
     * thread arms and cancels a timer task on the scheduler's delay thread, which cost the
     * forward about 8% of the service's CPU in a profile.
     */
    List<Object> await(CompletableFuture<List<Object>> future) {
        try {
            List<Object> r = lettuceTimesOut ? future.get() : future.get(timeoutNanos, TimeUnit.NANOSECONDS);
            return r == null ? List.of() : r;
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new StoreUnavailableException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new StoreUnavailableException(e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
    }

    /** What a failed script call means to the store: unavailable (a 503) or a defect. */
    RuntimeException failure(Throwable e) {
        Throwable cause = cause(e);
        if (cause instanceof StoreUnavailableException unavailableStore) {
            return unavailableStore;
        }
        if (unavailable.test(cause)) {
            return new StoreUnavailableException(cause);
        }
        return new RedisSystemException("Redis script failed: " + cause.getMessage(), cause);
    }

    private static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
