package dev.batchnorm.store;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
    private final Predicate<Throwable> unavailable;

    LettuceScripts(LettuceConnectionFactory factory, Predicate<Throwable> unavailable) {
        this.factory = factory;
        Duration timeout = factory.getClientConfiguration().getCommandTimeout();
        this.timeoutNanos = timeout.toNanos();
        this.unavailable = unavailable;
    }

    @SuppressWarnings("unchecked")
    List<Object> run(RedisScript<?> script, byte[][] keys, byte[][] args) {
        try (RedisConnection connection = factory.getConnection()) {
            RedisScriptingAsyncCommands<byte[], byte[]> commands = (RedisScriptingAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
            try {
                return await(commands.evalsha(script.getSha1(), ScriptOutputType.MULTI, keys, args));
            } catch (RedisNoScriptException e) {
                byte[] source = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
                return await(commands.eval(source, ScriptOutputType.MULTI, keys, args));
            }
        }
    }

    private List<Object> await(RedisFuture<List<Object>> future) {
        try {
            List<Object> r = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
            return r == null ? List.of() : r;
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new StoreUnavailableException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new StoreUnavailableException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisNoScriptException noScript) {
                throw noScript;
            }
            if (unavailable.test(cause)) {
                throw new StoreUnavailableException(cause);
            }
            throw new RedisSystemException("Redis script failed: " + cause.getMessage(), cause);
        }
    }
}
