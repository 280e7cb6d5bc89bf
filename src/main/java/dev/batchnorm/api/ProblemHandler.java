package dev.batchnorm.api;

import dev.batchnorm.api.json.TensorFormatException;
import dev.batchnorm.api.json.TensorLimitException;
import dev.batchnorm.norm.NonFiniteResultException;
import dev.batchnorm.session.ContentionException;
import dev.batchnorm.session.InvalidSpecException;
import dev.batchnorm.session.LimitExceededException;
import dev.batchnorm.session.SessionConflictException;
import dev.batchnorm.session.SessionNotFoundException;
import dev.batchnorm.session.ShapeMismatchException;
import dev.batchnorm.session.UpdateOpsException;
import dev.batchnorm.session.VariableNotFoundException;
import dev.batchnorm.session.VersionMismatchException;
import dev.batchnorm.store.StoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamReadException;

/**
 * Turns every failure into RFC 9457 {@code application/problem+json} with a stable {@code code}.
 * Domain exceptions know nothing of HTTP; their statuses are decided here, in one place. Details
 * are our own sentences: no stack trace or class name reaches a client.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    static final String TYPE_BASE = "https://batchnorm.dev/problems/";
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler
    ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest request) {
        return problem(e.status(), e.code(), e.title(), e.getMessage(), e.errors(), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tensorFormat(TensorFormatException e, HttpServletRequest request) {
        String title = e.code().equals("malformed_json") || e.code().equals("trailing_content") ? "Malformed JSON" : "Invalid tensor";
        return problem(HttpStatus.BAD_REQUEST, e.code(), title, e.getMessage(), List.of(new FieldProblem(e.pointer(), e.getMessage())), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tensorLimit(TensorLimitException e, HttpServletRequest request) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, e.code(), "Request too large", e.getMessage(), List.of(new FieldProblem(e.pointer(), e.getMessage())), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> nonFinite(NonFiniteResultException e, HttpServletRequest request) {
        String detail = "The result is not finite in the session's dtype: " + e.getMessage() + ".";
        return problem(HttpStatus.BAD_REQUEST, "non_finite_result", "Result overflows", detail, List.of(), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> contention(ContentionException e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> r = problem(HttpStatus.CONFLICT, "concurrent_modification", "Concurrent modification", e.getMessage(), List.of(), request);
        return ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders()).header(HttpHeaders.RETRY_AFTER, "1").body(r.getBody());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalidSpec(InvalidSpecException e, HttpServletRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "invalid_session_spec", "Invalid session spec", e.getMessage(), List.of(new FieldProblem(e.pointer(), e.getMessage())), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notFound(SessionNotFoundException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "session_not_found", "Session not found", e.getMessage(), List.of(), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> variableNotFound(VariableNotFoundException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "variable_not_found", "Variable not found", e.getMessage(), List.of(), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> conflict(SessionConflictException e, HttpServletRequest request) {
        return problem(HttpStatus.CONFLICT, "session_exists", "Session exists", e.getMessage(), List.of(), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> shape(ShapeMismatchException e, HttpServletRequest request) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "shape_mismatch", "Shape mismatch", e.getMessage(), List.of(), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> updateOps(UpdateOpsException e, HttpServletRequest request) {
        boolean notFound = e.reason() == UpdateOpsException.Reason.NOT_FOUND;
        ResponseEntity<ProblemDetail> r = problem(notFound ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT,
                notFound ? "update_not_found" : "update_discarded", notFound ? "Update op not found" : "Update op discarded",
                e.getMessage(), List.of(), request);
        r.getBody().setProperty("ids", e.ids());
        return r;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> version(VersionMismatchException e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> r = problem(HttpStatus.PRECONDITION_FAILED, "version_mismatch", "Version mismatch", e.getMessage(), List.of(), request);
        r.getBody().setProperty("currentVersion", e.current());
        return r;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> limit(LimitExceededException e, HttpServletRequest request) {
        String code = switch (e.limit()) {
            case SESSIONS -> "session_limit_reached";
            case TENANT_SESSIONS -> "session_quota_reached";
            case PENDING_OPS -> "pending_ops_limit_reached";
            case STATISTICS -> "too_many_statistics";
        };
        HttpStatus status = e.limit() == LimitExceededException.Limit.STATISTICS ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.CONFLICT;
        ResponseEntity<ProblemDetail> r = problem(status, code, "Limit reached", e.getMessage(), List.of(), request);
        r.getBody().setProperty("limit", e.max());
        return r;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> storeUnavailable(StoreUnavailableException e, HttpServletRequest request) {
        log.warn("Session store unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getCause() == null ? "" : e.getCause().getMessage());
        ResponseEntity<ProblemDetail> r = problem(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable", "Store unavailable",
                "The session store cannot be reached right now; the request may not have been applied. Retry it (creates, applies and discards are safe to retry).",
                List.of(), request);
        return ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders()).header(HttpHeaders.RETRY_AFTER, "1").body(r.getBody());
    }

    /**
     * A read error met outside the readers' own translation: Jackson reads a string's text lazily,
     * so a body that ends inside a string fails on the read of its value. Still malformed JSON.
     */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> unreadable(StreamReadException e, HttpServletRequest request) {
        JsonParser p = e.processor();
        if (p == null) {
            return problem(HttpStatus.BAD_REQUEST, "malformed_json", "Malformed JSON", "The request body is not valid JSON.", List.of(), request);
        }
        String pointer;
        try {
            pointer = p.streamReadContext().pathAsPointer().toString();
        } catch (RuntimeException ignored) {
            pointer = "";
        }
        return switch (dev.batchnorm.api.json.TensorJson.readError(e, p, pointer)) {
            case TensorLimitException limit -> tensorLimit(limit, request);
            case TensorFormatException format -> tensorFormat(format, request);
            default -> problem(HttpStatus.BAD_REQUEST, "malformed_json", "Malformed JSON", "The request body is not valid JSON.", List.of(), request);
        };
    }

    /**
     * Tomcat fails the first read of a parameter when the query string does not decode (a
     * percent-escape that is not UTF-8). Its message quotes the raw bytes, so neither the detail
     * nor the log repeats it.
     */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> undecodableParameters(org.apache.tomcat.util.http.InvalidParameterException e, HttpServletRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "invalid_parameter", "Invalid parameter",
                "The query string does not decode as UTF-8 parameters.", List.of(), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal error",
                "The service failed unexpectedly; the failure was logged. Nothing was changed by a request that failed before its commit.", List.of(), request);
    }

    /** Spring MVC's own failures (405, 415, 406, missing parameters, unknown paths) get a code too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body == null && ex instanceof ErrorResponse error) {
            body = error.getBody();
        }
        if (body instanceof ProblemDetail pd) {
            String code = switch (ex) {
                case HttpRequestMethodNotSupportedException x -> "method_not_allowed";
                case HttpMediaTypeNotSupportedException x -> "unsupported_media_type";
                case HttpMediaTypeNotAcceptableException x -> "not_acceptable";
                case NoResourceFoundException x -> "not_found";
                case MissingServletRequestParameterException x -> "missing_parameter";
                case TypeMismatchException x -> "invalid_parameter";
                case HttpMessageNotReadableException x -> "malformed_json";
                default -> status.is4xxClientError() ? "bad_request" : "internal_error";
            };
            if (ex instanceof HttpMessageNotReadableException) {
                pd.setDetail("The request body could not be read as JSON.");
            }
            if (ex instanceof TypeMismatchException mismatch) {
                // Spring's own sentence shows the value's Java type, e.g. for a parameter given twice
                pd.setDetail("The parameter '" + mismatch.getPropertyName() + "' has a value that is not valid here.");
            }
            pd.setType(URI.create(TYPE_BASE + code.replace('_', '-')));
            pd.setProperty("code", code);
            return ResponseEntity.status(status).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
        }
        return super.handleExceptionInternal(ex, body, headers, status, request);
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String title, String detail, List<FieldProblem> errors, HttpServletRequest request) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(TYPE_BASE + code.replace('_', '-')));
        pd.setTitle(title);
        pd.setInstance(URI.create(request.getRequestURI()));
        pd.setProperty("code", code);
        if (!errors.isEmpty()) {
            pd.setProperty("errors", errors);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }
}
