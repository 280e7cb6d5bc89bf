package dev.batchnorm.config;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How the Redis client talks to Redis. */
@Configuration(proxyBeanMethods = false)
class RedisClientConfiguration {

    /** Flushes let through unconsolidated at most (Netty's default): bounds the bytes held back under a flood. */
    static final int MAX_HELD_FLUSHES = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

    /**
     * Lettuce must never re-send a command after a reconnect: a script whose reply was lost may have
     * run, and running a commit twice would apply an update twice. Such a command fails instead (the
     * client gets a 503 that says it may have been applied), and commands issued while disconnected
     * are refused at once rather than queued.
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer atMostOnce() {
        return builder -> builder.replayFilter(command -> true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }

    /**
     * Every forward is one script call; under concurrency many arrive at once on Lettuce's one
     * shared connection, and Netty would write each with its own flush: a system call per command,
     * and a read per command on Redis's side. A {@link FlushConsolidationHandler} at the head of
     * the pipeline turns the flushes that the event loop meets in one pass into one write, so
     * concurrent forwards share their round trip. A lone command is flushed at the end of the same
     * pass: no timer, no added wait.
     */
    @Bean
    ClientResourcesBuilderCustomizer consolidatedFlushes() {
        return builder -> builder.nettyCustomizer(new NettyCustomizer() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                channel.pipeline().addFirst("flushConsolidation", new FlushConsolidationHandler(MAX_HELD_FLUSHES, true));
            }
        });
    }
}
