package dev.batchnorm.api;

import dev.batchnorm.api.json.TensorJsonReader;
import dev.batchnorm.config.BatchNormProperties;
import org.springframework.stereotype.Component;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.core.ErrorReportConfiguration;
import tools.jackson.core.json.JsonFactory;

/**
 * What every controller shares: the body limits, the JSON factory and tensor reader configured
 * from the limits, and parameter checks.
 */
@Component
final class ApiSupport {

    final RequestBodies bodies;
    final JsonFactory json;
    final TensorJsonReader tensors;
    /** Reads variables and initializers: tensors of at most the statistics' size limit. */
    final TensorJsonReader statistics;
    final int maxTensorElements;
    final int maxStatisticsElements;
    private final int defaultPageSize;
    private final int maxPageSize;

    ApiSupport(BatchNormProperties props) {
        BatchNormProperties.Limits limits = props.limits();
        this.bodies = new RequestBodies(limits.maxRequestSize().toBytes());
        // Jackson quotes the offending token of malformed JSON in its messages, and a problem must
        // not echo what a body holds (a key pasted in the wrong place): quote nothing
        this.json = dev.batchnorm.api.json.TensorJson.factory(limits.maxNestingDepth()).rebuild()
                .errorReportConfiguration(ErrorReportConfiguration.builder().maxErrorTokenLength(0).maxRawContentLength(0).build())
                .build();
        this.tensors = new TensorJsonReader(limits.maxTensorElements(), limits.maxNestingDepth());
        this.statistics = new TensorJsonReader(limits.maxStatisticsElements(), limits.maxNestingDepth());
        this.maxTensorElements = limits.maxTensorElements();
        this.maxStatisticsElements = limits.maxStatisticsElements();
        this.defaultPageSize = limits.defaultPageSize();
        this.maxPageSize = limits.maxPageSize();
    }

    /** The page size asked for, checked against the limit. */
    int pageSize(Integer requested) {
        if (requested == null) {
            return defaultPageSize;
        }
        if (requested < 1 || requested > maxPageSize) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_parameter", "Invalid parameter",
                    "pageSize must be from 1 to " + maxPageSize + ".", List.of());
        }
        return requested;
    }

    /** Refuses a body whose declared type is not JSON (a missing type is taken as JSON). */
    static void requireJson(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return;
        }
        MediaType mt;
        try {
            mt = MediaType.parseMediaType(type);
        } catch (RuntimeException e) {
            mt = null;
        }
        if (mt == null || !(MediaType.APPLICATION_JSON.isCompatibleWith(mt) || "json".equals(mt.getSubtypeSuffix()))) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Unsupported media type",
                    "This endpoint takes application/json.", List.of());
        }
    }

    /**
     * The version in an {@code If-Match} header: {@code null} for none or {@code *}, and -1 (a
     * version no session has) for a weak or malformed tag, which never matches a strong comparison.
     */
    static Long ifMatch(String header) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return null;
        }
        String h = header.trim();
        if (h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"")) {
            try {
                return Long.parseLong(h.substring(1, h.length() - 1));
            } catch (NumberFormatException e) {
                return -1L;
            }
        }
        return -1L;
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }
}
