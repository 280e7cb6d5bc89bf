package dev.batchnorm.config;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.servers.Server;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's identity; its servers entry is fixed so the document does not change with the port. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info = @Info(title = "batchnorm-service", version = "v1",
                description = "Sonnet v1 BatchNorm as a service: sessions, forwards in every mode, pending update ops."),
        servers = @Server(url = "/"))
class WebConfiguration {

    /** Tomcat's errors outside Spring (malformed request lines) as problem+json too. */
    @org.springframework.context.annotation.Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory> problemErrorPages() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }
}
