package dev.batchnorm.config;

import dev.batchnorm.norm.Vectorization;
import dev.batchnorm.security.CurrentTenant;
import dev.batchnorm.session.ForwardService;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.SessionService;
import dev.batchnorm.session.UpdatesService;
import dev.batchnorm.store.InMemorySessionStore;
import dev.batchnorm.store.RedisSessionStore;
import dev.batchnorm.store.SessionStore;
import dev.batchnorm.store.TenantScopedSessionStore;
import dev.batchnorm.store.TimedSessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** Builds the store named by {@code batchnorm.store.type} and the services on top of it. */
@Configuration(proxyBeanMethods = false)
class ServiceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ServiceConfiguration.class);

    /** Milliseconds: what every store can keep, so a timestamp reads back as it was answered. */
    @Bean
    Clock clock() {
        return Clock.tick(Clock.systemUTC(), java.time.Duration.ofMillis(1));
    }

    @Bean
    SessionStore sessionStore(BatchNormProperties props, Clock clock, ObjectProvider<RedisConnectionFactory> redis, MeterRegistry registry) {
        SessionStore store = switch (props.store().type()) {
            case MEMORY -> new InMemorySessionStore(clock);
            case REDIS -> new RedisSessionStore(RedisSessionStore.bytesTemplate(redis.getObject()), props.store().redis().keyPrefix(), clock);
        };
        return new TimedSessionStore(store, props.store().type().name().toLowerCase(java.util.Locale.ROOT), registry);
    }

    /** Background upkeep: idle-expired sessions (memory) or index entries of expired sessions (Redis). */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService storeSweeper(SessionStore store, BatchNormProperties props) {
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-sweeper");
            t.setDaemon(true);
            return t;
        });
        SessionStore inner = store instanceof TimedSessionStore timed ? timed.delegate() : store;
        Runnable sweep = switch (inner) {
            case InMemorySessionStore memory -> memory::sweepExpired;
            case RedisSessionStore redis -> redis::sweepDangling;
            default -> () -> {};
        };
        long every = (inner instanceof RedisSessionStore ? props.store().redis().indexSweepInterval() : props.store().sweepInterval()).toMillis();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweep.run();
            } catch (RuntimeException e) {
                // a failed sweep must not cancel the later ones
                log.warn("Store sweep failed: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return sweeper;
    }

    @Bean
    Limits limits(BatchNormProperties props) {
        return new Limits(props.limits().maxSessions(), props.limits().maxPendingOpsPerSession(),
                props.limits().maxPendingElementsPerSession(), props.limits().maxStatisticsElements());
    }

    // the services see the store as the request's tenant does: its namespace and quotas

    @Bean
    SessionService sessionService(SessionStore store, CurrentTenant tenant, Limits limits, Clock clock) {
        return new SessionService(new TenantScopedSessionStore(store, tenant), limits, clock);
    }

    @Bean
    ForwardService forwardService(SessionStore store, CurrentTenant tenant, Limits limits, Clock clock) {
        log.info("Kernels: {}", Vectorization.describe());
        return new ForwardService(new TenantScopedSessionStore(store, tenant), limits, clock);
    }

    @Bean
    UpdatesService updatesService(SessionStore store, CurrentTenant tenant) {
        return new UpdatesService(new TenantScopedSessionStore(store, tenant));
    }
}
