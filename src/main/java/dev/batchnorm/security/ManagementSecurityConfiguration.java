package dev.batchnorm.security;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The same security filter on the management server, when the actuator listens on a port of its
 * own ({@code management.server.port}, as the Helm chart sets it). Spring Boot serves that port
 * from a child context whose servlet container sees none of the main context's filters, so without
 * this the management port would answer without the security headers and
 * {@code batchnorm.security.restrict.metrics} would not hold there. The filter's rules are the same
 * as on the API port: health open, {@code /actuator/prometheus} restricted unless
 * {@code restrict.metrics=false}, every other path needing a key in mode api-key. The keys,
 * tenants and properties are the main context's beans.
 *
 * <p>Boot imports this class into the child context only (listed in
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports});
 * the application's component scan leaves it out.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementSecurityConfiguration {

    @Bean
    FilterRegistrationBean<SecurityFilter> managementSecurityFilter(SecurityProperties props, dev.batchnorm.config.BatchNormProperties service,
            ApiKeys keys, Tenants tenants, MeterRegistry registry) {
        return SecurityConfiguration.registration(new SecurityFilter(props, service.limits().maxRequestHeadSize().toBytes(), keys, tenants, registry));
    }
}
