package dev.batchnorm.api;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request the edge refuses before anything runs: bad JSON, bad fields, bad parameters, limits.
 * Rendered as problem+json with {@code code} and, for field problems, {@code errors}.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final String title;
    private final List<FieldProblem> errors;

    public ApiException(HttpStatus status, String code, String title, String detail, List<FieldProblem> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    /** A 400 about one field. */
    public static ApiException badField(String code, String pointer, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, "Invalid request", message, List.of(new FieldProblem(pointer, message)));
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldProblem> errors() {
        return errors;
    }
}
