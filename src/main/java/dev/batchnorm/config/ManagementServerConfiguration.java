package dev.batchnorm.config;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * The API server's Tomcat settings on the actuator's own server too, when it has a port of its
 * own ({@code management.server.port}): Tomcat's errors as problem+json with the security headers,
 * and no form bodies. Spring Boot builds that server in a child context, which the main context's
 * customizers never reach. Imported there by Boot (listed in
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports}),
 * never component-scanned.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementServerConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> managementProblemErrorPages() {
        return WebConfiguration::problemErrorPages;
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> managementNoFormBodies() {
        return WebConfiguration::noFormBodies;
    }
}
