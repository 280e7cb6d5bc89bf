package dev.batchnorm.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** One problem with one part of a request: a JSON Pointer into it, and what is wrong there. */
@Schema(name = "FieldProblem", requiredProperties = {"pointer", "message"})
public record FieldProblem(
        @Schema(description = "A JSON Pointer (RFC 6901) into the request body; for .npy bodies, the element's index.", example = "/inputs/1/0") String pointer,
        @Schema(example = "Expected a number.") String message) {

    /** Escapes a member name for a JSON Pointer (RFC 6901). */
    public static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
