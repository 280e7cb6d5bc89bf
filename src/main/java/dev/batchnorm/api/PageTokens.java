package dev.batchnorm.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page tokens: the position after which the next page starts, base64url-encoded. */
final class PageTokens {

    private PageTokens() {}

    static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The position in a token, or {@code null} for no token; a token we did not make is a 400. */
    static String decode(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    static ApiException invalid() {
        return new ApiException(org.springframework.http.HttpStatus.BAD_REQUEST, "invalid_page_token", "Invalid parameter",
                "The pageToken is not one this service issued; start again without it.", java.util.List.of());
    }
}
