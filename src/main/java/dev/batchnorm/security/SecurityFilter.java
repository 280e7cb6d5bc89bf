package dev.batchnorm.security;

import dev.batchnorm.api.ProblemResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * In front of everything: sets the security headers, authenticates the API key (mode api-key),
 * applies the tenant's request rate to the API, and binds the tenant for the request. Health is
 * always open; metrics, the OpenAPI document and Swagger UI need a key when restricted; every
 * other path needs one in mode api-key. A path that is not plain (dot-segments, path parameters)
 * is refused first, so no path can look open to this filter and route elsewhere. Refusals are
 * problem+json that never echo the request: no key, header, path or query reaches a response or
 * a log.
 */
final class SecurityFilter extends OncePerRequestFilter {

    /** RFC 6750's b64token after "Bearer". */
    private static final Pattern BEARER = Pattern.compile("(?i:bearer) +([A-Za-z0-9\\-._~+/]+=*) *");
    private static final int MAX_HEADER = 1024;

    /** What a path is, for the decisions here. */
    /** The playground's static files (src/main/resources/static): public, like any web page's code. */
    private static final java.util.Set<String> PLAYGROUND_FILES =
            java.util.Set.of("/", "/index.html", "/playground.js", "/playground.css", "/favicon.svg");

    enum Area {
        API, HEALTH, METRICS, API_DOCS, SWAGGER_UI, PLAYGROUND, OTHER
    }

    private final SecurityProperties props;
    private final long maxHeadBytes;
    private final ApiKeys keys;
    private final Tenants tenants;
    private final Map<String, Counter> rejections;

    /**
     * @param maxHeadBytes the request line and header fields ({@code batchnorm.limits.max-request-head-size})
     */
    SecurityFilter(SecurityProperties props, long maxHeadBytes, ApiKeys keys, Tenants tenants, MeterRegistry registry) {
        this.props = props;
        this.maxHeadBytes = maxHeadBytes;
        this.keys = keys;
        this.tenants = tenants;
        this.rejections = Map.of(
                "missing_api_key", rejected(registry, "missing_api_key"),
                "invalid_api_key", rejected(registry, "invalid_api_key"),
                "rate_limited", rejected(registry, "rate_limited"));
    }

    private static Counter rejected(MeterRegistry registry, String reason) {
        return Counter.builder("batchnorm.security.rejections").description("Requests refused by authentication or rate limits")
                .tag("reason", reason).register(registry);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = normalizedPath(request);
        Area area = area(path);
        SecurityHeaders.apply(response, switch (area) {
            case SWAGGER_UI -> SecurityHeaders.Kind.SWAGGER_UI;
            case PLAYGROUND -> SecurityHeaders.Kind.PLAYGROUND;
            default -> SecurityHeaders.Kind.DATA;
        });
        if (!headWithinLimit(request, response)) {
            return;
        }
        if (!plain(request, path)) {
            ProblemResponses.write(response, 400, "invalid_path", "Invalid path",
                    "The path has dot-segments, path parameters (;) or repeated slashes; send it in its plain form.",
                    "urn:uuid:" + UUID.randomUUID(), Map.of());
            return;
        }
        if (!concreteContentType(request.getContentType())) {
            ProblemResponses.write(response, 415, "unsupported_media_type", "Unsupported Media Type",
                    "The Content-Type header is not a media type such as application/json or application/x-npy.",
                    "urn:uuid:" + UUID.randomUUID(), Map.of());
            return;
        }
        Tenant tenant;
        if (props.mode() == SecurityProperties.Mode.NONE) {
            tenant = tenants.unscoped();
        } else if (open(area)) {
            guarded(request, response, chain, area);
            return;
        } else {
            Optional<Tenant> authenticated = authenticate(request, response);
            if (authenticated.isEmpty()) {
                return;
            }
            tenant = authenticated.get();
        }
        if (area == Area.API && !withinRate(tenant, request, response)) {
            return;
        }
        bound(tenant, area, request, response, chain);
    }

    /**
     * Refuses a request whose head is over the service's limit: 414 when the request target is the
     * larger part of it, 431 otherwise. The connector parses heads well over this limit, so the
     * request has been read whole: Tomcat swallows its body after the answer, and the connection
     * stays usable (after a 414 Tomcat closes it, in order). The connector's own limit, the
     * backstop, refuses while parsing the head and closes with the request's bytes unread: the
     * kernel then resets the connection, and a client still sending its body, or not done reading,
     * loses the answer.
     */
    private boolean headWithinLimit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long target = request.getRequestURI().length() + (request.getQueryString() == null ? 0 : 1 + request.getQueryString().length());
        long head = request.getMethod().length() + 1 + target + 1 + request.getProtocol().length() + 2 + headerBytes(request) + 2;
        if (head <= maxHeadBytes) {
            return true;
        }
        String limit = "the limit of " + maxHeadBytes + " bytes for the request line and header fields (batchnorm.limits.max-request-head-size)";
        if (target > head / 2) {
            ProblemResponses.write(response, 414, "uri_too_long", "URI Too Long",
                    "The request target (path and query) makes the request head larger than " + limit + ".",
                    "urn:uuid:" + UUID.randomUUID(), Map.of());
        } else {
            ProblemResponses.write(response, 431, "headers_too_large", "Request Header Fields Too Large",
                    "The request's header fields make its head larger than " + limit + ".", "urn:uuid:" + UUID.randomUUID(), Map.of());
        }
        return false;
    }

    /** Each header field as sent, {@code name: value CRLF}: what the connector's own limit counts. */
    private static long headerBytes(HttpServletRequest request) {
        long n = 0;
        for (java.util.Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (java.util.Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                n += name.length() + 2 + values.nextElement().length() + 2;
            }
        }
        return n;
    }

    /** The chain, for a request outside the API: an error answer without a body gets a problem. */
    private static void guarded(HttpServletRequest request, HttpServletResponse response, FilterChain chain, Area area)
            throws IOException, ServletException {
        if (area == Area.API) {
            chain.doFilter(request, response);
            return;
        }
        ErrorBodyGuard guard = new ErrorBodyGuard(response);
        chain.doFilter(request, guard);
        guard.complete(request.getRequestURI());
    }

    /**
     * Whether a request's Content-Type, when it has one, names one media type: a wildcard or a
     * header that does not parse is no content type, and Spring fails on reading it (a 500 where
     * an endpoint reads a body, as the actuator's do on every request).
     */
    static boolean concreteContentType(String contentType) {
        if (contentType == null) {
            return true;
        }
        try {
            org.springframework.http.MediaType type = org.springframework.http.MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return false;
        }
    }

    /** The path Tomcat decoded and normalized; what Spring routes on may differ, see {@link #plain}. */
    private static String normalizedPath(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String info = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (info == null ? "" : info);
    }

    /**
     * Whether the path Spring routes on (the raw URI, decoded) is the one Tomcat normalized. They
     * differ only for dot-segments, path parameters and repeated slashes, which no client needs
     * and which let one path pass for another.
     */
    private static boolean plain(HttpServletRequest request, String path) {
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        try {
            return UriUtils.decode(raw, StandardCharsets.UTF_8).equals(path);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static Area area(String path) {
        if (path.equals("/v1") || path.startsWith("/v1/")) {
            return Area.API;
        }
        if (path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/livez") || path.equals("/readyz")) {
            return Area.HEALTH;
        }
        if (path.equals("/actuator/prometheus")) {
            return Area.METRICS;
        }
        if (path.equals("/v3/api-docs") || path.startsWith("/v3/api-docs/") || path.equals("/v3/api-docs.yaml")) {
            return Area.API_DOCS;
        }
        if (path.equals("/swagger-ui.html") || path.startsWith("/swagger-ui/")) {
            return Area.SWAGGER_UI;
        }
        if (PLAYGROUND_FILES.contains(path)) {
            return Area.PLAYGROUND;
        }
        return Area.OTHER;
    }

    /** Whether a (plain) path is open without a key. */
    private boolean open(Area area) {
        boolean open = switch (area) {
            case HEALTH, PLAYGROUND -> true; // the page holds no data: its API calls need a key like any other
            case METRICS -> !props.restrict().metrics();
            case API_DOCS -> !props.restrict().apiDocs();
            case SWAGGER_UI -> !props.restrict().swaggerUi();
            case API, OTHER -> false;
        };
        return open;
    }

    private Optional<Tenant> authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<String> headers = Collections.list(request.getHeaders("Authorization"));
        if (headers.isEmpty()) {
            unauthorized(response, "missing_api_key", "This endpoint needs an API key: send it as Authorization: Bearer <key>.",
                    "Bearer realm=\"batchnorm\"");
            return Optional.empty();
        }
        Optional<String> name = Optional.empty();
        if (headers.size() == 1 && headers.getFirst().length() <= MAX_HEADER) {
            Matcher m = BEARER.matcher(headers.getFirst());
            if (m.matches()) {
                name = keys.tenantOf(m.group(1));
            }
        }
        if (name.isEmpty()) {
            unauthorized(response, "invalid_api_key",
                    "The API key is not valid: unknown, revoked, or not sent as one Authorization: Bearer <key> header.",
                    "Bearer realm=\"batchnorm\", error=\"invalid_token\"");
            return Optional.empty();
        }
        return Optional.of(tenants.named(name.get()));
    }

    private void unauthorized(HttpServletResponse response, String code, String detail, String challenge) throws IOException {
        rejections.get(code).increment();
        response.setHeader("WWW-Authenticate", challenge);
        // the instance names this occurrence, not the request: the path may hold what a key should not be next to
        ProblemResponses.write(response, 401, code, "Unauthorized", detail, "urn:uuid:" + UUID.randomUUID(), Map.of());
    }

    private boolean withinRate(Tenant tenant, HttpServletRequest request, HttpServletResponse response) throws IOException {
        long waitNanos = tenant.rate().tryTake(System.nanoTime());
        if (waitNanos == 0) {
            return true;
        }
        rejections.get("rate_limited").increment();
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        response.setHeader("Retry-After", Long.toString(seconds));
        ProblemResponses.write(response, 429, "rate_limited", "Too many requests",
                "This tenant may send " + number(tenant.requestsPerSecond()) + " requests per second (bursts of "
                        + tenant.burst() + "); retry in " + seconds + " s. Nothing was done.",
                request.getRequestURI(), Map.of("retryAfterSeconds", seconds));
        return false;
    }

    /** 2 rather than 2.0; 0.5 stays 0.5. */
    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static void bound(Tenant tenant, Area area, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            ScopedValue.where(CurrentTenant.TENANT, tenant).call(() -> {
                guarded(request, response, chain, area);
                return null;
            });
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
    }
}
