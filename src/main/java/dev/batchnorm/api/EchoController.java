package dev.batchnorm.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/echo}: answers the request body unchanged, with its content type. It exists
 * only under the {@code echo} profile, as the load benchmark's baseline: the cost of moving the
 * same bytes in and out through the same server (Tomcat, the filters, the body limit, the
 * metrics) with no parsing and no math.
 */
@Profile("echo")
@Hidden
@RestController
class EchoController {

    private final ApiSupport api;

    EchoController(ApiSupport api) {
        this.api = api;
    }

    @PostMapping(path = "/v1/echo")
    ResponseEntity<byte[]> echo(HttpServletRequest request) {
        byte[] body;
        try (InputStream in = api.bodies.open(request)) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String type = request.getContentType();
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, type == null ? MediaType.APPLICATION_OCTET_STREAM_VALUE : type)
                .body(body);
    }
}
