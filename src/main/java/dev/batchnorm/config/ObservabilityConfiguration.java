package dev.batchnorm.config;

import dev.batchnorm.store.SessionStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Store gauges and the store's health (part of readiness). */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

    @Bean
    MeterBinder storeGauges(SessionStore store) {
        return registry -> {
            Gauge.builder("batchnorm.sessions.active", store, SessionStore::sessionCount)
                    .description("Live sessions in the store").register(registry);
            Gauge.builder("batchnorm.updates.pending", store, SessionStore::pendingOpCount)
                    .description("Update ops pending across all sessions").register(registry);
        };
    }

    @Bean
    HealthIndicator store(SessionStore store) {
        return () -> store.isAvailable() ? Health.up().build() : Health.down().withDetail("reason", "the session store does not answer").build();
    }
}
