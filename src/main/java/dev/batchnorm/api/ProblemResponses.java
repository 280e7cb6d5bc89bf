package dev.batchnorm.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Problem+json answers written straight to the servlet response, where no handler runs (a filter,
 * the container's error dispatch), in the shape {@link ProblemHandler} gives every other error.
 * Content negotiation plays no part: an error is problem+json whatever the request accepts.
 */
public final class ProblemResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {}

    /** A problem for a bare status, when nothing more is known: the container's errors, empty error answers. */
    public static void write(HttpServletResponse response, int status, String instance) throws IOException {
        HttpStatus known = HttpStatus.resolve(status);
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
        String detail = status >= 500 ? "The service failed unexpectedly; the failure was logged."
                : "The request was refused (" + (known == null ? "HTTP " + status : known.getReasonPhrase()) + ").";
        write(response, status, code, known == null ? "Error" : known.getReasonPhrase(), detail, instance, Map.of());
    }

    /**
     * @param extra further members, such as {@code retryAfterSeconds}
     */
    public static void write(HttpServletResponse response, int status, String code, String title, String detail, String instance,
            Map<String, Object> extra) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", ProblemHandler.TYPE_BASE + code.replace('_', '-'));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        body.put("code", code);
        body.putAll(extra);
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
