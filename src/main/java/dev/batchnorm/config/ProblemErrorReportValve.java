package dev.batchnorm.config;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error page, for requests it refuses before Spring sees them (a malformed URL
 * encoding, an illegal character in the path, a request head over the connector's backstop limit),
 * as problem+json instead of HTML.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String code = status == 400 ? "bad_request" : status == 404 ? "not_found" : status >= 500 ? "internal_error" : "http_" + status;
        String detail = status == 400 ? "The request line, path or header fields are malformed (for example an invalid percent-encoding) or too large to parse."
                : "The request could not be served.";
        try {
            dev.batchnorm.security.SecurityHeaders.apply(response, dev.batchnorm.security.SecurityHeaders.Kind.DATA);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer w = response.getReporter();
            if (w != null) {
                w.write("{\"type\":\"https://batchnorm.dev/problems/" + code.replace('_', '-') + "\",\"title\":\"Bad request\",\"status\":"
                        + status + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}");
                w.flush();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is committed: nothing more to say
        }
    }
}
