package dev.batchnorm.api;

import dev.batchnorm.api.json.TensorJson;
import java.util.List;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/** Small helpers for hand-written streaming readers of request bodies. */
final class JsonBodies {

    private JsonBodies() {}

    /** Advances to the root object's START_OBJECT; an empty body or another root is a 400. */
    static void expectRootObject(JsonParser p) {
        JsonToken t = next(p);
        if (t == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "missing_body", "Invalid request", "The request needs a JSON object body.", List.of(new FieldProblem("", "The request needs a JSON object body.")));
        }
        if (t != JsonToken.START_OBJECT) {
            throw ApiException.badField("invalid_body", "", "The request body must be a JSON object.");
        }
    }

    /** The next token; Jackson's syntax errors become {@code malformed_json}. */
    static JsonToken next(JsonParser p) {
        try {
            return p.nextToken();
        } catch (JacksonException e) {
            throw TensorJson.readError(e, p, pointerOf(p));
        }
    }

    /** Skips the current value's children; Jackson's errors become {@code malformed_json} or a 413. */
    static void skip(JsonParser p) {
        try {
            p.skipChildren();
        } catch (JacksonException e) {
            throw TensorJson.readError(e, p, pointerOf(p));
        }
    }

    /** The boolean value at the current token, or a 400 naming the field. */
    static boolean bool(JsonParser p, String pointer) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE;
        }
        throw ApiException.badField("invalid_field", pointer, "Must be true or false (no quotes, not null).");
    }

    static ApiException unknownField(String pointer) {
        return ApiException.badField("unknown_field", pointer, "Unknown field; check its spelling (field names are camelCase).");
    }

    static ApiException missingField(String pointer) {
        return ApiException.badField("missing_field", pointer, "This field is required.");
    }

    private static String pointerOf(JsonParser p) {
        try {
            return p.streamReadContext().pathAsPointer().toString();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
