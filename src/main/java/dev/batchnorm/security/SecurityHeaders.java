package dev.batchnorm.security;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The headers every response carries: no MIME sniffing, no framing, no referrer. API answers
 * are not cached and may hold no active content; the playground page may load its own scripts,
 * styles and images and call the API of its own origin, nothing else; the Swagger UI's pages and
 * assets keep only the framing rule.
 */
public final class SecurityHeaders {

    private SecurityHeaders() {}

    /** What a response is, for its Content-Security-Policy and caching. */
    public enum Kind {
        /** An API answer, a problem, or anything else that is data. */
        DATA("default-src 'none'; frame-ancestors 'none'", "no-store"),
        /** The playground page and its assets, served from the jar. */
        PLAYGROUND("default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", "no-cache"),
        /** Swagger UI's pages and assets (inline scripts of its own). */
        SWAGGER_UI("frame-ancestors 'none'", null);

        private final String csp;
        private final String cacheControl;

        Kind(String csp, String cacheControl) {
            this.csp = csp;
            this.cacheControl = cacheControl;
        }
    }

    public static void apply(HttpServletResponse response, Kind kind) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Content-Security-Policy", kind.csp);
        if (kind.cacheControl != null) {
            response.setHeader("Cache-Control", kind.cacheControl);
        }
    }
}
