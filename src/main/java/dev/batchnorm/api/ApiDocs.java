package dev.batchnorm.api;

import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.util.List;
import org.springframework.core.annotation.AliasFor;

/**
 * The OpenAPI document's vocabulary: request shapes, the tensor and problem schemas, examples and
 * the error responses the controllers declare. The endpoints read their bodies with streaming
 * readers (primitive arrays, exact decimals), not through these records; they exist so that the
 * document, and the SDKs generated from it, describe the wire exactly.
 */
final class ApiDocs {

    private ApiDocs() {}

    static final String JSON = "application/json";
    static final String PROBLEM = "application/problem+json";
    static final String NPY = "application/x-npy";

    static final String ID_PATTERN = "^[A-Za-z0-9._-]{1,128}$";
    static final String COLLECTION_PATTERN = "^([A-Za-z0-9._:/-]{1,128})?$";

    // ---- tensors -------------------------------------------------------------------------------

    /*
     * The nested form is split by rank so that the oneOf members are disjoint even for lax
     * validators: the generated Python SDK (pydantic) takes any iterable, a FlatTensor model too,
     * for an array of anything, and would then find two matches. Their items are set in
     * ApiDocsCustomizer (an annotation cannot describe an array's items at type level).
     */

    /** A rank-1 list: an initializer given as a flat list of the non-reduced size. */
    @Schema(name = "Vector", types = "array", description = "A flat list of numbers (rank 1).", example = "[10, 10]")
    interface Vector {}

    /** The nested form of a rank-2 tensor: the colab's [batch, channels]. */
    @Schema(name = "Matrix", types = "array",
            description = "A rank-2 tensor as nested arrays of numbers, batch (outermost) axis first: [[x00, x01], [x10, x11], ...]. "
                    + "Every row has the same length. Numbers only: no strings, null, NaN or Infinity.",
            example = "[[9.8, 11.2], [10.4, 8.1]]")
    interface Matrix {}

    /** The nested form of a tensor of rank 3 or more. */
    @Schema(name = "NestedTensor", types = "array",
            description = "A tensor of rank 3 or more as nested arrays of numbers, batch (outermost) axis first; the rank is the nesting "
                    + "depth and every array at one depth has the same length, e.g. NHWC images [[[[...]]]].",
            example = "[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]")
    interface NestedTensor {}

    /** Either form of a tensor. */
    @Schema(name = "Tensor", oneOf = {Matrix.class, NestedTensor.class, TensorBodies.FlatTensor.class},
            description = "A tensor in either form: nested arrays (Matrix for rank 2, NestedTensor for rank 3 or more) or "
                    + "{\"shape\", \"data\"} in row-major order (FlatTensor). A forward answers its outputs in the form its inputs used.")
    interface Tensor {}

    /** A variable's initial or assigned value. */
    @Schema(name = "Initializer", oneOf = {Double.class, Vector.class, Matrix.class, NestedTensor.class, TensorBodies.FlatTensor.class},
            description = "A scalar (broadcast to the statistics' shape), a tensor of the statistics' shape (nested or flat), "
                    + "or a flat list (Vector) of the non-reduced size. Answers show a scalar as a number and anything else in the flat form.")
    interface Initializer {}

    // ---- requests ------------------------------------------------------------------------------

    @Schema(name = "Initializers", description = "Initial values by variable. beta exists only when offset is true and gamma only when "
            + "scale is true; an initializer for a variable that does not exist is 400. Defaults: movingMean 0, movingVariance 1, beta 0, gamma 1.")
    record Initializers(
            @Schema(implementation = Initializer.class) Object movingMean,
            @Schema(implementation = Initializer.class) Object movingVariance,
            @Schema(implementation = Initializer.class) Object beta,
            @Schema(implementation = Initializer.class) Object gamma) {}

    @Schema(name = "CreateSessionRequest", description = "A BatchNorm instance's constructor arguments. Every field is optional; the defaults are Sonnet v1's. "
            + "Unknown fields are 400 (unknown fields are never ignored).")
    record CreateSessionRequest(
            @Schema(description = "1 to 128 characters from [A-Za-z0-9._-], not '.' or '..'; generated (a UUID) when absent. "
                    + "Creating an id that exists is 409 unless the effective spec is identical (a retry), which answers 200.",
                    pattern = ID_PATTERN, example = "demo") String id,
            @ArraySchema(arraySchema = @Schema(nullable = true,
                    description = "The reduction axes (Sonnet's axis), distinct (a repeated axis is 400); null means every axis but the last."),
                    schema = @Schema(type = "integer", format = "int32", minimum = "0", maximum = "63"),
                    minItems = 1, maxItems = 32) List<Integer> axis,
            @Schema(defaultValue = "true", description = "Whether the beta (offset) variable exists.") Boolean offset,
            @Schema(defaultValue = "false", description = "Whether the gamma (scale) variable exists.") Boolean scale,
            @Schema(defaultValue = "0.999", minimum = "0", maximum = "1", format = "double",
                    description = "The moving averages' decay: variable <- variable * decay + value * (1 - decay).") Double decayRate,
            @Schema(defaultValue = "0.001", exclusiveMinimumValue = 0, format = "double", description = "Added to the variance before its square root.") Double eps,
            @Schema(types = {"string", "null"}, defaultValue = SessionSpecDefaults.COLLECTION, pattern = COLLECTION_PATTERN,
                    description = "Where training forwards put their two update ops. Absent: \"update_ops\" (the ops stay pending until applied). "
                            + "null: Sonnet's update_ops_collection=None, every training forward updates the moving averages in place. "
                            + "The empty string \"\" means the same as null (Sonnet tests the collection for truthiness): "
                            + "send it from a client that cannot send an explicit null (the generated Java SDK drops null fields). "
                            + "Any other value names the collection (1 to 128 characters from [A-Za-z0-9._:/-]).")
            String updateOpsCollection,
            @Schema(implementation = Initializers.class) Initializers initializers,
            @Schema(allowableValues = {"float32", "float64"}, defaultValue = "float32",
                    description = "float32 computes as Sonnet does; float64 is offered too.") String dtype,
            @Schema(types = {"integer", "null"}, format = "int64", minimum = "1", maximum = "315360000",
                    description = "Idle expiry in seconds, refreshed by every use; null or absent: the session lives until deleted.") Long ttlSeconds) {}

    @Schema(name = "ForwardRequest", description = "One forward pass. Unknown fields are 400.")
    record ForwardRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, implementation = Tensor.class,
                    description = "The batch: rank >= 2, at least one example, batch axis first, nested or flat.") Object inputs,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "Sonnet's is_training (required, as in Sonnet v1): true normalizes with the batch's statistics "
                            + "and creates two update ops for the moving averages.") Boolean isTraining,
            @Schema(defaultValue = "true", description = "Sonnet's test_local_stats, read only when isTraining is false: "
                    + "true normalizes with the batch's statistics, false with the moving averages.") Boolean testLocalStats,
            @Schema(defaultValue = "false", description = "Apply this forward's two update ops atomically with it (the colab's "
                    + "control dependencies). Ops that were pending before stay pending.") Boolean applyUpdates) {}

    @Schema(name = "ApplyRequest", description = "Which pending ops to apply: {} (or no body) applies every pending op in id order; "
            + "give ids or throughId, not both. Unknown fields are 400.")
    record ApplyRequest(
            @ArraySchema(schema = @Schema(type = "integer", format = "int64"), maxItems = 100_000,
                    arraySchema = @Schema(description = "These ops, applied in id order; ids applied before are reported in alreadyApplied.")) List<Long> ids,
            @Schema(format = "int64", description = "Every pending op with an id up to and including this one.") Long throughId) {}

    // ---- answers -------------------------------------------------------------------------------

    @Schema(name = "Variables", description = "A session's variables in the flat form; beta exists when offset is true, gamma when scale is true.",
            requiredProperties = {"movingMean", "movingVariance"})
    record Variables(TensorBodies.FlatTensor movingMean, TensorBodies.FlatTensor movingVariance,
            TensorBodies.FlatTensor beta, TensorBodies.FlatTensor gamma) {}

    @Schema(name = "Counters", requiredProperties = {"forwards", "updateOpsCreated", "updateOpsApplied", "updateOpsPending", "updateOpsDiscarded"},
            description = "Every training forward creates two update ops; ops applied in place or with applyUpdates count as created and applied "
                    + "without ever being pending.")
    record SessionCounters(
            @Schema(format = "int64", description = "Forwards run, training and inference.") long forwards,
            @Schema(format = "int64") long updateOpsCreated,
            @Schema(format = "int64") long updateOpsApplied,
            @Schema(format = "int64") long updateOpsPending,
            @Schema(format = "int64") long updateOpsDiscarded) {}

    @Schema(name = "Problem", description = "An RFC 9457 problem. Every error is application/problem+json with a stable, "
            + "machine-readable code; an error changes nothing.",
            requiredProperties = {"type", "title", "status", "detail", "instance", "code"})
    record Problem(
            @Schema(format = "uri", example = "https://batchnorm.dev/problems/session-not-found") URI type,
            @Schema(example = "Session not found") String title,
            @Schema(format = "int32", example = "404") int status,
            @Schema(example = "No session has the id 'demo'.") String detail,
            @Schema(format = "uri-reference", example = "/v1/sessions/demo") URI instance,
            @Schema(description = "Stable and machine-readable (snake_case); the README's Errors section lists every code. Besides the codes "
                    + "each response names, any /v1 operation can answer 401 missing_api_key or invalid_api_key (when the service runs with "
                    + "API keys), 429 rate_limited (with retryAfterSeconds) and 400 invalid_path (dot-segments, ';' or repeated slashes in the path).",
                    example = "session_not_found") String code,
            @ArraySchema(arraySchema = @Schema(description = "For problems in the request body: where (a JSON Pointer into the request) and what.")) List<FieldProblem> errors,
            @ArraySchema(schema = @Schema(type = "integer", format = "int64"),
                    arraySchema = @Schema(description = "update_not_found and update_discarded: the ids concerned.")) List<Long> ids,
            @Schema(format = "int64", description = "version_mismatch: the session's current version.") Long currentVersion,
            @Schema(format = "int64", description = "session_limit_reached, session_quota_reached, pending_ops_limit_reached, "
                    + "too_many_statistics: the limit.") Long limit,
            @Schema(format = "int64", minimum = "1", description = "rate_limited: whole seconds to wait before retrying, as in the Retry-After header.")
            Long retryAfterSeconds) {}

    /** The defaults the documentation names; the session layer owns the values. */
    static final class SessionSpecDefaults {
        static final String COLLECTION = dev.batchnorm.session.SessionSpec.DEFAULT_COLLECTION;

        private SessionSpecDefaults() {}
    }

    // ---- error responses, declared on the operations ---------------------------------------------

    /** A 400 problem; the value lists the codes this operation can answer. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "400", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @interface BadRequest {
        @AliasFor(annotation = ApiResponse.class, attribute = "description")
        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @interface NotFound {
        @AliasFor(annotation = ApiResponse.class, attribute = "description")
        String value() default "session_not_found: no session has this id.";
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "409", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @interface Conflict {
        @AliasFor(annotation = ApiResponse.class, attribute = "description")
        String value();
    }

    /** A 409 that may be transient (concurrent_modification), with Retry-After. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "409", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)),
            headers = @Header(name = "Retry-After", description = "With concurrent_modification only: seconds to wait before retrying.",
                    schema = @Schema(type = "integer")))
    @interface ConflictRetry {
        @AliasFor(annotation = ApiResponse.class, attribute = "description")
        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "412", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @interface PreconditionFailed {
        @AliasFor(annotation = ApiResponse.class, attribute = "description")
        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "413", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @interface TooLarge {
        @AliasFor(annotation = ApiResponse.class, attribute = "description")
        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "415", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @interface UnsupportedMediaType {
        @AliasFor(annotation = ApiResponse.class, attribute = "description")
        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "422", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @interface ShapeMismatch {
        @AliasFor(annotation = ApiResponse.class, attribute = "description")
        String value();
    }

    /** What every operation can answer when the service or its store fails. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @ApiResponse(responseCode = "500", description = "internal_error: the failure is logged; the answer carries no stack trace.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @interface ServerErrors {}

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @ApiResponse(responseCode = "503", description = "store_unavailable: the session store (Redis) could not be reached in time; retry.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)),
            headers = @Header(name = "Retry-After", description = "Seconds to wait before retrying.", schema = @Schema(type = "integer")))
    @interface StoreErrors {}

    // ---- examples ----------------------------------------------------------------------------------

    /**
     * Answers as the service writes them, for the walk-through that the request examples and the
     * forward's E1 example follow: create {@code demo}, one training forward (E1), then list, apply (E2),
     * discard or assign. The error examples are the service's own problems, by operation.
     */
    static final class Examples {

        private Examples() {}

        /** {@code POST /v1/sessions {"id": "demo"}} on a fresh service; a retry answers the same with 200. */
        static final String SESSION_CREATED = """
                {"id": "demo", "spec": {"id": "demo", "axis": null, "offset": true, "scale": false, "decayRate": 0.999, "eps": 0.001,
                 "updateOpsCollection": "update_ops", "initializers": {"movingMean": 0.0, "movingVariance": 1.0, "beta": 0.0},
                 "dtype": "float32", "ttlSeconds": null},
                 "inputShape": null,
                 "variables": {"movingMean": {"shape": [], "data": [0.0]}, "movingVariance": {"shape": [], "data": [1.0]},
                  "beta": {"shape": [], "data": [0.0]}},
                 "counters": {"forwards": 0, "updateOpsCreated": 0, "updateOpsApplied": 0, "updateOpsPending": 0, "updateOpsDiscarded": 0},
                 "version": 1, "createdAt": "2025-06-02T09:30:00.120Z", "updatedAt": "2025-06-02T09:30:00.120Z", "expiresAt": null}""";

        /** {@code GET /v1/sessions/demo} after the E1 forward: the shape is fixed and two ops are pending. */
        static final String SESSION = """
                {"id": "demo", "spec": {"id": "demo", "axis": null, "offset": true, "scale": false, "decayRate": 0.999, "eps": 0.001,
                 "updateOpsCollection": "update_ops", "initializers": {"movingMean": 0.0, "movingVariance": 1.0, "beta": 0.0},
                 "dtype": "float32", "ttlSeconds": null},
                 "inputShape": [null, 2],
                 "variables": {"movingMean": {"shape": [1, 2], "data": [0.0, 0.0]}, "movingVariance": {"shape": [1, 2], "data": [1.0, 1.0]},
                  "beta": {"shape": [1, 2], "data": [0.0, 0.0]}},
                 "counters": {"forwards": 1, "updateOpsCreated": 2, "updateOpsApplied": 0, "updateOpsPending": 2, "updateOpsDiscarded": 0},
                 "version": 2, "createdAt": "2025-06-02T09:30:00.120Z", "updatedAt": "2025-06-02T09:30:01.457Z", "expiresAt": null}""";

        /** {@code GET /v1/sessions}: list entries leave out the variables and the spec's initializers. */
        static final String SESSION_LIST = """
                {"sessions": [{"id": "demo", "spec": {"id": "demo", "axis": null, "offset": true, "scale": false, "decayRate": 0.999,
                  "eps": 0.001, "updateOpsCollection": "update_ops", "dtype": "float32", "ttlSeconds": null},
                  "inputShape": [null, 2],
                  "counters": {"forwards": 1, "updateOpsCreated": 2, "updateOpsApplied": 0, "updateOpsPending": 2, "updateOpsDiscarded": 0},
                  "version": 2, "createdAt": "2025-06-02T09:30:00.120Z", "updatedAt": "2025-06-02T09:30:01.457Z", "expiresAt": null}],
                 "nextPageToken": null}""";

        /** {@code GET /v1/sessions/demo/variables} after the E1 forward: the ops are still pending. */
        static final String VARIABLES = """
                {"variables": {"movingMean": {"shape": [1, 2], "data": [0.0, 0.0]}, "movingVariance": {"shape": [1, 2], "data": [1.0, 1.0]},
                 "beta": {"shape": [1, 2], "data": [0.0, 0.0]}}, "version": 2}""";

        /** The assign request's flat example, on the session at version 2. */
        static final String ASSIGNED = """
                {"name": "movingMean", "value": {"shape": [1, 2], "data": [10.0, 10.0]}, "version": 3}""";

        /** {@code GET /v1/sessions/demo/updates} after the E1 forward. */
        static final String UPDATES = """
                {"updates": [
                  {"id": 1, "collection": "update_ops", "variable": "movingMean", "value": {"shape": [1, 2], "data": [2.0, 2.0]},
                   "decay": 0.999, "createdAt": "2025-06-02T09:30:01.457Z"},
                  {"id": 2, "collection": "update_ops", "variable": "movingVariance", "value": {"shape": [1, 2], "data": [0.6666667, 8.0]},
                   "decay": 0.999, "createdAt": "2025-06-02T09:30:01.457Z"}],
                 "count": 2, "nextPageToken": null}""";

        /** {@code POST /v1/sessions/demo/updates/apply {}} after the E1 forward: SEMANTICS.md E2. */
        static final String APPLIED = """
                {"applied": [1, 2], "alreadyApplied": [],
                 "variables": {"movingMean": {"shape": [1, 2], "data": [0.002, 0.002]}, "movingVariance": {"shape": [1, 2], "data": [0.9996667, 1.007]},
                  "beta": {"shape": [1, 2], "data": [0.0, 0.0]}},
                 "version": 3}""";

        /** {@code DELETE /v1/sessions/demo/updates} after the E1 forward. */
        static final String DISCARDED = """
                {"discarded": [1, 2], "notPending": [], "version": 3}""";

        /** {@code GET /v1/updates?collection=update_ops} with demo's two E1 ops pending. */
        static final String COLLECTION_UPDATES = """
                {"collection": "update_ops", "updates": [
                  {"sessionId": "demo", "id": 1, "collection": "update_ops", "variable": "movingMean",
                   "value": {"shape": [1, 2], "data": [2.0, 2.0]}, "decay": 0.999, "createdAt": "2025-06-02T09:30:01.457Z"},
                  {"sessionId": "demo", "id": 2, "collection": "update_ops", "variable": "movingVariance",
                   "value": {"shape": [1, 2], "data": [0.6666667, 8.0]}, "decay": 0.999, "createdAt": "2025-06-02T09:30:01.457Z"}],
                 "nextPageToken": null}""";

        /** {@code POST /v1/updates/apply?collection=update_ops} with demo's two E1 ops pending. */
        static final String COLLECTION_APPLIED = """
                {"collection": "update_ops", "sessions": [{"sessionId": "demo", "applied": [1, 2], "version": 3}], "appliedCount": 2}""";

        // errors

        /** A 404 for session {@code demo}; the customizer sets {@code instance} to each operation's path, as for {@link #INVALID_PAGE_SIZE}. */
        static final String SESSION_NOT_FOUND = """
                {"type": "https://batchnorm.dev/problems/session-not-found", "title": "Session not found", "status": 404,
                 "detail": "No session has the id 'demo'.", "instance": "/v1/sessions/demo", "code": "session_not_found"}""";

        static final String VARIABLE_NOT_FOUND = """
                {"type": "https://batchnorm.dev/problems/variable-not-found", "title": "Variable not found", "status": 404,
                 "detail": "This session has no variable 'gamma'; it has movingMean, movingVariance, beta (when offset) and gamma (when scale).",
                 "instance": "/v1/sessions/demo/variables/gamma", "code": "variable_not_found"}""";

        static final String MISSING_API_KEY = """
                {"type": "https://batchnorm.dev/problems/missing-api-key", "title": "Unauthorized", "status": 401,
                 "detail": "This endpoint needs an API key: send it as Authorization: Bearer <key>.",
                 "instance": "urn:uuid:f6e96026-ffea-4b79-8e02-4c606ab10b45", "code": "missing_api_key"}""";

        static final String INVALID_API_KEY = """
                {"type": "https://batchnorm.dev/problems/invalid-api-key", "title": "Unauthorized", "status": 401,
                 "detail": "The API key is not valid: unknown, revoked, or not sent as one Authorization: Bearer <key> header.",
                 "instance": "urn:uuid:f06668b5-6c90-46bf-811d-31b2b96fb568", "code": "invalid_api_key"}""";

        static final String RATE_LIMITED = """
                {"type": "https://batchnorm.dev/problems/rate-limited", "title": "Too many requests", "status": 429,
                 "detail": "This tenant may send 20 requests per second (bursts of 40); retry in 1 s. Nothing was done.",
                 "instance": "/v1/sessions", "code": "rate_limited", "retryAfterSeconds": 1}""";

        static final String SESSION_QUOTA_REACHED = """
                {"type": "https://batchnorm.dev/problems/session-quota-reached", "title": "Limit reached", "status": 409,
                 "detail": "Your tenant holds its quota of 100 sessions; delete some first.", "instance": "/v1/sessions",
                 "code": "session_quota_reached", "limit": 100}""";

        static final String INVALID_PAGE_SIZE = """
                {"type": "https://batchnorm.dev/problems/invalid-parameter", "title": "Invalid parameter", "status": 400,
                 "detail": "pageSize must be from 1 to 1000.", "instance": "/v1/sessions", "code": "invalid_parameter"}""";

        /** A 400 by operation id: a validation problem that operation answers. */
        static final java.util.Map<String, String> BAD_REQUEST = java.util.Map.of(
                "createSession", """
                        {"type": "https://batchnorm.dev/problems/invalid-session-spec", "title": "Invalid session spec", "status": 400,
                         "detail": "/eps: eps must be a number > 0 that stays positive and finite in the session's dtype",
                         "instance": "/v1/sessions", "code": "invalid_session_spec",
                         "errors": [{"pointer": "/eps", "message": "eps must be a number > 0 that stays positive and finite in the session's dtype"}]}""",
                "listSessions", INVALID_PAGE_SIZE,
                "forward", """
                        {"type": "https://batchnorm.dev/problems/ragged-tensor", "title": "Invalid tensor", "status": 400,
                         "detail": "this array has 1 elements, expected 2", "instance": "/v1/sessions/demo/forward", "code": "ragged_tensor",
                         "errors": [{"pointer": "/inputs/1", "message": "this array has 1 elements, expected 2"}]}""",
                "assignVariable", """
                        {"type": "https://batchnorm.dev/problems/invalid-value", "title": "Invalid request", "status": 400,
                         "detail": "A variance cannot be negative.", "instance": "/v1/sessions/demo/variables/movingVariance", "code": "invalid_value",
                         "errors": [{"pointer": "", "message": "A variance cannot be negative."}]}""",
                "listUpdates", INVALID_PAGE_SIZE,
                "applyUpdates", """
                        {"type": "https://batchnorm.dev/problems/invalid-field", "title": "Invalid request", "status": 400,
                         "detail": "An update op id is an integer.", "instance": "/v1/sessions/demo/updates/apply", "code": "invalid_field",
                         "errors": [{"pointer": "/ids/0", "message": "An update op id is an integer."}]}""",
                "discardUpdates", """
                        {"type": "https://batchnorm.dev/problems/invalid-parameter", "title": "Invalid parameter", "status": 400,
                         "detail": "ids must be a comma-separated list of integers, e.g. ids=1,2.", "instance": "/v1/sessions/demo/updates",
                         "code": "invalid_parameter"}""",
                "listCollectionUpdates", INVALID_PAGE_SIZE);
    }
}
