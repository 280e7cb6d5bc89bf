package dev.batchnorm.api;

/** One problem with one part of a request: a JSON Pointer into it, and what is wrong there. */
public record FieldProblem(String pointer, String message) {

    /** Escapes a member name for a JSON Pointer (RFC 6901). */
    public static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
