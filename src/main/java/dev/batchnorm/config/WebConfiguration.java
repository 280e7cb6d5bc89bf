package dev.batchnorm.config;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.servers.Server;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's identity and its tags (one generated SDK class per tag); its servers entry
 * is fixed so the document does not change with the port.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info = @Info(title = "batchnorm-service", version = "v1",
                description = """
                        Sonnet v1's snt.BatchNorm as a service. A session is one BatchNorm instance; a forward normalizes a batch in any of
                        Sonnet's modes; training forwards leave their moving-average updates as pending update ops (or apply them in place),
                        which you list, apply or discard, as with tf.get_collection(UPDATE_OPS).

                        Tensors are nested arrays (batch axis first) or {"shape": [..], "data": [..]} in row-major order; forwards also
                        take and answer NumPy .npy (application/x-npy). Every error is application/problem+json with a stable code."""),
        servers = @Server(url = "/"),
        tags = {
                @Tag(name = "Sessions", description = "Create, read, list and delete BatchNorm instances."),
                @Tag(name = "Forward", description = "Normalize a batch: training, inference with batch statistics, or with the moving averages."),
                @Tag(name = "Updates", description = "Pending moving-average update ops: list, apply, discard; per session or across a collection."),
                @Tag(name = "Variables", description = "Read the moving statistics and parameters, or assign one.")})
class WebConfiguration {

    /** Tomcat's errors outside Spring (malformed request lines) as problem+json too. */
    @org.springframework.context.annotation.Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory> problemErrorPages() {
        return WebConfiguration::problemErrorPages;
    }

    /** Also applied to the actuator's own server, by {@link ManagementServerConfiguration}. */
    static void problemErrorPages(org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }

    /**
     * The service's limit on the request head must be the one that refuses (see application.yml):
     * the connector's own, were it reached first, drops the connection with the request unread.
     */
    @org.springframework.context.annotation.Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory> requestHeadLimits(
            BatchNormProperties props) {
        long service = props.limits().maxRequestHeadSize().toBytes();
        return factory -> factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof org.apache.coyote.http11.AbstractHttp11Protocol<?> http
                    && service >= http.getMaxHttpRequestHeaderSize()) {
                throw new IllegalStateException("batchnorm.limits.max-request-head-size (" + service + " bytes) must be below "
                        + "server.max-http-request-header-size (" + http.getMaxHttpRequestHeaderSize() + " bytes): the connector "
                        + "refuses a head over its limit by dropping the connection, with the request unread");
            }
        });
    }

    /**
     * Tomcat never reads a request body as form parameters. No endpoint takes a form, so a form
     * body must be refused as an unsupported media type by the endpoint's reader; parsed, its
     * fields would pass for query parameters and its undecodable bytes would fail the request.
     */
    @org.springframework.context.annotation.Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory> noFormBodies() {
        return WebConfiguration::noFormBodies;
    }

    static void noFormBodies(org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> connector.setParseBodyMethods(""));
    }
}
