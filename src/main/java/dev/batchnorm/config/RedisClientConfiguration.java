package dev.batchnorm.config;

import io.lettuce.core.ClientOptions;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lettuce must never re-send a command after a reconnect: a script whose reply was lost may have
 * run, and running a commit twice would apply an update twice. Such a command fails instead (the
 * client gets a 503 that says it may have been applied), and commands issued while disconnected
 * are refused at once rather than queued.
 */
@Configuration(proxyBeanMethods = false)
class RedisClientConfiguration {

    @Bean
    LettuceClientOptionsBuilderCustomizer atMostOnce() {
        return builder -> builder.replayFilter(command -> true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }
}
