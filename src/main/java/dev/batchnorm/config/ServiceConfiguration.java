package dev.batchnorm.config;

import dev.batchnorm.session.ForwardService;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.SessionService;
import dev.batchnorm.session.UpdatesService;
import dev.batchnorm.store.InMemorySessionStore;
import dev.batchnorm.store.SessionStore;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the store named by {@code batchnorm.store.type} and the services on top of it. */
@Configuration(proxyBeanMethods = false)
class ServiceConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    SessionStore sessionStore(BatchNormProperties props, Clock clock) {
        return switch (props.store().type()) {
            case MEMORY -> new InMemorySessionStore(clock);
            case REDIS -> throw new IllegalStateException(
                    "batchnorm.store.type=redis is not available in this version; use memory (the default).");
        };
    }

    /** Removes idle-expired sessions of the memory store in the background. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService expirySweeper(SessionStore store, BatchNormProperties props) {
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "session-expiry");
            t.setDaemon(true);
            return t;
        });
        if (store instanceof InMemorySessionStore memory) {
            long every = props.store().sweepInterval().toMillis();
            sweeper.scheduleWithFixedDelay(() -> {
                try {
                    memory.sweepExpired();
                } catch (RuntimeException e) {
                    // a failed sweep must not cancel the later ones
                    org.slf4j.LoggerFactory.getLogger(ServiceConfiguration.class).warn("Expiry sweep failed", e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        return sweeper;
    }

    @Bean
    Limits limits(BatchNormProperties props) {
        return new Limits(props.limits().maxSessions(), props.limits().maxPendingOpsPerSession(), props.limits().maxPendingElementsPerSession());
    }

    @Bean
    SessionService sessionService(SessionStore store, Limits limits, Clock clock) {
        return new SessionService(store, limits, clock);
    }

    @Bean
    ForwardService forwardService(SessionStore store, Limits limits, Clock clock) {
        return new ForwardService(store, limits, clock);
    }

    @Bean
    UpdatesService updatesService(SessionStore store) {
        return new UpdatesService(store);
    }
}
