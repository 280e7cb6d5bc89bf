package dev.batchnorm.security;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The keys, the tenants, the request filter, and the key file's reloading. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    ApiKeys apiKeys(SecurityProperties props) {
        ApiKeys keys = new ApiKeys(props.keys(), props.keysFile());
        if (props.mode() == SecurityProperties.Mode.API_KEY && keys.isEmpty()) {
            throw new IllegalStateException("batchnorm.security.mode=api-key needs at least one key: set batchnorm.security.keys "
                    + "(or BATCHNORM_SECURITY_KEYS) or batchnorm.security.keys-file to entries <tenant>:<sha256 hex of the key>");
        }
        if (props.mode() == SecurityProperties.Mode.NONE) {
            log.info("batchnorm.security.mode=none: every caller is one tenant, no key is needed");
        }
        return keys;
    }

    @Bean
    Tenants tenants(SecurityProperties props) {
        return new Tenants(props);
    }

    @Bean
    CurrentTenant currentTenant(SecurityProperties props, Tenants tenants) {
        return new CurrentTenant(props.mode() == SecurityProperties.Mode.NONE ? tenants.unscoped() : null);
    }

    /** After the observation filter (so refusals are in http.server.requests), before everything else. */
    @Bean
    FilterRegistrationBean<SecurityFilter> securityFilter(SecurityProperties props, dev.batchnorm.config.BatchNormProperties service, ApiKeys keys,
            Tenants tenants, MeterRegistry registry) {
        return registration(new SecurityFilter(props, service.limits().maxRequestHeadSize().toBytes(), keys, tenants, registry));
    }

    /** The filter on every path of a servlet context, first but for the observation filter. */
    static FilterRegistrationBean<SecurityFilter> registration(SecurityFilter filter) {
        FilterRegistrationBean<SecurityFilter> bean = new FilterRegistrationBean<>(filter);
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        bean.addUrlPatterns("/*");
        return bean;
    }

    /** Reads the key file again now and then, so that a revoked key stops working without a restart. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService keyReloader(SecurityProperties props, ApiKeys keys) {
        ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "api-key-reloader");
            t.setDaemon(true);
            return t;
        });
        if (props.keysFile() != null) {
            long every = props.keysReloadInterval().toMillis();
            reloader.scheduleWithFixedDelay(() -> {
                try {
                    keys.reload();
                } catch (RuntimeException e) {
                    log.warn("API key reload failed ({})", e.getClass().getSimpleName());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        return reloader;
    }
}
