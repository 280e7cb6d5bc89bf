package dev.batchnorm.api.json;

import static dev.batchnorm.api.json.TensorFormatException.MALFORMED_JSON;
import static dev.batchnorm.api.json.TensorLimitException.NESTING_TOO_DEEP;

import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * Turns Jackson's own read errors into the codec's exceptions, with messages a client can read:
 * Jackson's text minus the Java names it mentions (features, constraint getters, source
 * descriptions), plus the line and column.
 */
final class JacksonErrors {

    // "(for Array starting at [Source: REDACTED (`StreamReadFeature...` disabled); byte offset: #3])"
    private static final Pattern SOURCE_REMARK = Pattern.compile("\\s*\\([^()]*\\[Source:[^\\]]*\\]\\)");
    private static final Pattern SOURCE = Pattern.compile("\\s*\\[Source:[^\\]]*\\]");
    private static final Pattern FROM_SETTING = Pattern.compile(",?\\s*from `[^`]*`");
    private static final Pattern ENABLE_SETTING = Pattern.compile(":?\\s*enable `[^`]*`( to allow)?");
    private static final Pattern SOURCE_DESCRIPTION = Pattern.compile("\\s*\\(for [^()]*\\)");
    private static final Pattern BACKTICKED = Pattern.compile("\\s*`[^`]*`");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*");
    private static final Pattern TOKEN_NAME = Pattern.compile("\\b(?:VALUE|START|END|PROPERTY)_[A-Z_]+\\b");

    private JacksonErrors() {
    }

    /** The codec's exception for a Jackson read error met at {@code pointer}. */
    static RuntimeException translate(JacksonException e, JsonParser p, String pointer) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException && original.contains("nesting depth")) {
            int max = p.streamReadConstraints().getMaxNestingDepth();
            return new TensorLimitException(NESTING_TOO_DEEP, pointer, max, "the document is nested deeper than " + max + " levels");
        }
        return new TensorFormatException(MALFORMED_JSON, pointer, "invalid JSON: " + clean(original) + at(location(e, p)));
    }

    /** Jackson's message without Java names or source descriptions. */
    static String clean(String message) {
        String s = message.lines().findFirst().orElse("").strip();
        s = SOURCE_REMARK.matcher(s).replaceAll("");
        s = SOURCE.matcher(s).replaceAll("");
        s = FROM_SETTING.matcher(s).replaceAll("");
        s = ENABLE_SETTING.matcher(s).replaceAll("");
        s = SOURCE_DESCRIPTION.matcher(s).replaceAll("");
        s = BACKTICKED.matcher(s).replaceAll("");
        s = QUALIFIED_NAME.matcher(s).replaceAll("");
        s = TOKEN_NAME.matcher(s).replaceAll("value");
        s = s.replaceAll("\\s+", " ").strip();
        return s.isEmpty() ? "syntax error" : s;
    }

    /** " (line L, column C)", or nothing when the location is unknown. */
    static String at(TokenStreamLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return location.getColumnNr() < 1
                ? " (line " + location.getLineNr() + ")"
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static TokenStreamLocation location(JacksonException e, JsonParser p) {
        TokenStreamLocation location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? p.currentLocation() : location;
    }
}
