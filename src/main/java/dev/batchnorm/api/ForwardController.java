package dev.batchnorm.api;

import dev.batchnorm.api.ForwardRequestReader.ForwardRequest;
import dev.batchnorm.api.TensorBodies.FlatTensor;
import dev.batchnorm.api.TensorBodies.TensorBody;
import dev.batchnorm.api.json.ParsedTensor;
import dev.batchnorm.api.json.TensorForm;
import dev.batchnorm.api.npy.Npy;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import dev.batchnorm.session.ForwardService;
import dev.batchnorm.session.SessionService;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.Variable;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/sessions/{id}/forward}: Sonnet's {@code bn(inputs, is_training, test_local_stats)}. */
@RestController
@Tag(name = "Forward")
@ApiDocs.ServerErrors
@ApiDocs.StoreErrors
class ForwardController {

    /** An update op this forward left pending. */
    @Schema(name = "UpdateOpRef", requiredProperties = {"id", "variable"})
    record OpRef(@Schema(format = "int64", example = "17") long id,
            @Schema(allowableValues = {"movingMean", "movingVariance"}) String variable) {}

    /** The forward's answer; batch statistics appear when they normalized the input. */
    @Schema(name = "ForwardResponse", requiredProperties = {"outputs", "normalizedWith", "updateOps", "updatesApplied", "version"})
    record ForwardResponse(
            @Schema(implementation = ApiDocs.Tensor.class, description = "The normalized batch, in the form the inputs used.") TensorBody outputs,
            @Schema(allowableValues = {"batch", "moving"}, description = "batch: this batch's mean and variance; moving: the moving averages.") String normalizedWith,
            @Schema(description = "This batch's mean (statistics shape, keep_dims); present when normalizedWith is batch.")
            @JsonInclude(JsonInclude.Include.NON_NULL) FlatTensor batchMean,
            @Schema(description = "This batch's biased variance; present when normalizedWith is batch.")
            @JsonInclude(JsonInclude.Include.NON_NULL) FlatTensor batchVariance,
            @ArraySchema(arraySchema = @Schema(description = "The update ops this forward left pending (empty when none).")) List<OpRef> updateOps,
            @Schema(description = "Whether this forward's update ops were applied with it (in-place session or applyUpdates).") boolean updatesApplied,
            @Schema(format = "int64", description = "The session's version after this forward.") long version) {}

    private final SessionService sessions;
    private final ForwardService forwards;
    private final ApiSupport api;
    private final ForwardRequestReader reader;
    private final ServiceMetrics metrics;

    ForwardController(SessionService sessions, ForwardService forwards, ApiSupport api, ServiceMetrics metrics) {
        this.sessions = sessions;
        this.forwards = forwards;
        this.api = api;
        this.reader = new ForwardRequestReader(api.json, api.tensors);
        this.metrics = metrics;
    }

    @PostMapping(path = "/v1/sessions/{id}/forward", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "forward", summary = "Run the BatchNorm forward in one of Sonnet's modes",
            description = """
                    isTraining (required) and testLocalStats (default true) choose the statistics:

                    | isTraining | testLocalStats | session's updateOpsCollection | normalized with | moving averages |
                    |---|---|---|---|---|
                    | true | any | a name | this batch's statistics | two update ops are created and stay pending |
                    | true | any | null | this batch's statistics | updated in place by this forward |
                    | false | true | any | this batch's statistics | untouched |
                    | false | false | any | the moving averages | untouched |

                    applyUpdates: true applies this forward's two ops atomically with it (the colab's control dependencies).

                    The batch is JSON (nested arrays or {shape, data}), or a NumPy .npy document (application/x-npy: versions 1 to 3,
                    little-endian float32 or float64, C order) with the flags in the query string. Send Accept: application/x-npy to get
                    the outputs back as .npy, with the rest of the answer in BatchNorm-* headers.""",
            parameters = {
                    @Parameter(in = ParameterIn.QUERY, name = "isTraining", description = "With an application/x-npy body only, and required then: isTraining.",
                            schema = @Schema(type = "boolean")),
                    @Parameter(in = ParameterIn.QUERY, name = "testLocalStats", description = "With an application/x-npy body only: testLocalStats (default true).",
                            schema = @Schema(type = "boolean")),
                    @Parameter(in = ParameterIn.QUERY, name = "applyUpdates", description = "With an application/x-npy body only: applyUpdates (default false).",
                            schema = @Schema(type = "boolean"))})
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
            @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = ApiDocs.ForwardRequest.class), examples = {
                    @ExampleObject(name = "defaultTraining", summary = "Training (SEMANTICS.md E1): batch statistics, two pending update ops",
                            value = "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}"),
                    @ExampleObject(name = "flatTraining", summary = "The same batch in the flat form (the outputs come back flat)",
                            value = "{\"inputs\": {\"shape\": [3, 2], \"data\": [1, 0, 2, 0, 3, 6]}, \"isTraining\": true}"),
                    @ExampleObject(name = "inferenceWithBatchStats", summary = "is_training=False (test_local_stats defaults to true)",
                            value = "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": false}"),
                    @ExampleObject(name = "inferenceWithMovingStats", summary = "Test time: normalize with the moving averages",
                            value = "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": false, \"testLocalStats\": false}"),
                    @ExampleObject(name = "trainingWithControlDependencies", summary = "Training that applies its own update ops at once",
                            value = "{\"inputs\": [[9.8, 11.2], [10.4, 8.1]], \"isTraining\": true, \"applyUpdates\": true}")}),
            @Content(mediaType = ApiDocs.NPY, schema = @Schema(type = "string", format = "binary",
                    description = "A NumPy .npy document: np.save(buf, batch.astype(np.float32)). The flags go in the query string."))})
    @ApiResponse(responseCode = "200", description = "The normalized batch, and what the forward did.",
            headers = {
                    @Header(name = "BatchNorm-Normalized-With", description = "application/x-npy answers only: batch or moving.", schema = @Schema(type = "string")),
                    @Header(name = "BatchNorm-Version", description = "application/x-npy answers only: the version.", schema = @Schema(type = "integer", format = "int64")),
                    @Header(name = "BatchNorm-Updates-Applied", description = "application/x-npy answers only: true or false.", schema = @Schema(type = "boolean")),
                    @Header(name = "BatchNorm-Update-Ops", description = "application/x-npy answers only: the pending ops, e.g. 17=movingMean,18=movingVariance.",
                            schema = @Schema(type = "string")),
                    @Header(name = "BatchNorm-Stats-Shape", description = "application/x-npy answers with batch statistics that fit in 4 KB: the statistics' shape, e.g. 1,2.",
                            schema = @Schema(type = "string")),
                    @Header(name = "BatchNorm-Batch-Mean", description = "With BatchNorm-Stats-Shape: the batch mean, comma-separated.", schema = @Schema(type = "string")),
                    @Header(name = "BatchNorm-Batch-Variance", description = "With BatchNorm-Stats-Shape: the batch variance, comma-separated.", schema = @Schema(type = "string"))},
            content = {
                    @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = ForwardResponse.class), examples = @ExampleObject(name = "e1",
                            summary = "The defaultTraining example's answer on a fresh session (SEMANTICS.md E1)",
                            value = "{\"outputs\": [[-1.2238274, -0.70706254], [0.0, -0.70706254], [1.2238274, 1.4141252]], \"normalizedWith\": \"batch\", "
                                    + "\"batchMean\": {\"shape\": [1, 2], \"data\": [2.0, 2.0]}, \"batchVariance\": {\"shape\": [1, 2], \"data\": [0.6666667, 8.0]}, "
                                    + "\"updateOps\": [{\"id\": 1, \"variable\": \"movingMean\"}, {\"id\": 2, \"variable\": \"movingVariance\"}], "
                                    + "\"updatesApplied\": false, \"version\": 2}")),
                    @Content(mediaType = ApiDocs.NPY, schema = @Schema(type = "string", format = "binary",
                            description = "The outputs as .npy (what np.save writes); the rest of the answer is in the BatchNorm-* headers."))})
    @ApiDocs.BadRequest("missing_field (isTraining or inputs), invalid_field, unknown_field, malformed_json, trailing_content, ragged_tensor, "
            + "non_numeric_value, non_finite_value, shape_data_mismatch, invalid_shape, empty_tensor, invalid_rank, non_finite_result; "
            + ".npy bodies: npy_invalid, npy_truncated, npy_fortran_order, npy_big_endian, npy_unsupported_dtype, invalid_parameter, missing_parameter.")
    @ApiDocs.NotFound
    @ApiDocs.ConflictRetry("pending_ops_limit_reached (apply or discard pending ops first); concurrent_modification (with Retry-After: nothing changed, retry).")
    @ApiDocs.TooLarge("request_too_large, too_many_elements, too_many_statistics, nesting_too_deep.")
    @ApiDocs.UnsupportedMediaType("unsupported_media_type: the body is neither application/json nor application/x-npy.")
    @ApiDocs.ShapeMismatch("shape_mismatch: the input does not fit the session's fixed shape or axes.")
    ForwardResponse forward(@Parameter(description = "The session id.", example = "demo") @PathVariable String id, HttpServletRequest request) {
        long start = System.nanoTime();
        SessionSnapshot session = sessions.getForForward(id);
        ForwardRequest req = readJson(request, session);
        Run r = run(session, req, start);
        return json(r, req.inputs().form());
    }

    /** The same forward, answered as .npy (chosen by Accept: application/x-npy). */
    @PostMapping(path = "/v1/sessions/{id}/forward", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"}, produces = Npy.MEDIA_TYPE)
    @Operation(hidden = true) // documented on forward(): the same operation answered as .npy
    ResponseEntity<byte[]> forwardToNpy(@PathVariable String id, HttpServletRequest request) {
        long start = System.nanoTime();
        SessionSnapshot session = sessions.getForForward(id);
        ForwardRequest req = readJson(request, session);
        return npyAnswer(run(session, req, start));
    }

    @PostMapping(path = "/v1/sessions/{id}/forward", consumes = Npy.MEDIA_TYPE, produces = {MediaType.APPLICATION_JSON_VALUE, Npy.MEDIA_TYPE})
    @Operation(hidden = true) // documented on forward(): the same operation with an application/x-npy body
    ResponseEntity<?> forwardNpy(@PathVariable String id, @RequestParam String isTraining,
            @RequestParam(required = false) String testLocalStats, @RequestParam(required = false) String applyUpdates,
            HttpServletRequest request) {
        long start = System.nanoTime();
        ForwardService.Flags flags = new ForwardService.Flags(flag("isTraining", isTraining, false),
                flag("testLocalStats", testLocalStats, true), flag("applyUpdates", applyUpdates, false));
        SessionSnapshot session = sessions.getForForward(id);
        Tensor inputs = Npy.read(api.bodies.open(request), session.spec().dtype(), 2, api.maxTensorElements);
        Run r = run(session, new ForwardRequest(new ParsedTensor(inputs, TensorForm.FLAT), flags), start);
        return wantsNpy(request) ? npyAnswer(r) : ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json(r, TensorForm.FLAT));
    }

    private ForwardRequest readJson(HttpServletRequest request, SessionSnapshot session) {
        try (RequestBodies.Body body = api.bodies.read(request)) {
            return reader.read(body.bytes(), body.length(), session.spec().dtype());
        }
    }

    /** A forward's result with what the answer needs. */
    private record Run(ForwardService.Result result, DType dtype, List<OpRef> ops) {}

    private Run run(SessionSnapshot session, ForwardRequest req, long start) {
        DType dtype = session.spec().dtype();
        ForwardService.Result r;
        try {
            r = forwards.forward(session, req.inputs().tensor(), req.flags());
        } catch (dev.batchnorm.norm.NonFiniteResultException e) {
            throw ApiException.badField("non_finite_result", "/inputs", "The result is not finite in the session's dtype: " + e.getMessage() + ".");
        }
        long[] ids = r.receipt().opIds();
        List<OpRef> ops = ids.length == 0 ? List.of()
                : List.of(new OpRef(ids[0], Variable.MOVING_MEAN.wireName()), new OpRef(ids[1], Variable.MOVING_VARIANCE.wireName()));
        metrics.forward(req.flags(), r.receipt(), req.inputs().tensor().size(), System.nanoTime() - start);
        return new Run(r, dtype, ops);
    }

    private static ForwardResponse json(Run run, TensorForm form) {
        ForwardService.Result r = run.result();
        boolean batch = r.batchStats() != null;
        return new ForwardResponse(
                new TensorBody(r.outputs(), form),
                batch ? "batch" : "moving",
                batch ? new FlatTensor(run.dtype(), r.statsShape(), r.batchStats().mean()) : null,
                batch ? new FlatTensor(run.dtype(), r.statsShape(), r.batchStats().variance()) : null,
                run.ops(), r.receipt().updatesApplied(), r.receipt().version());
    }

    /** The outputs as .npy; the rest of the answer in headers (statistics only while they fit in a header). */
    private static ResponseEntity<byte[]> npyAnswer(Run run) {
        ForwardService.Result r = run.result();
        DType dtype = run.dtype();
        List<OpRef> ops = run.ops();
        HttpHeaders h = new HttpHeaders();
        h.set("BatchNorm-Normalized-With", r.batchStats() != null ? "batch" : "moving");
        h.set("BatchNorm-Version", Long.toString(r.receipt().version()));
        h.set("BatchNorm-Updates-Applied", Boolean.toString(r.receipt().updatesApplied()));
        h.set("BatchNorm-Update-Ops", ops.stream().map(o -> o.id() + "=" + o.variable()).collect(java.util.stream.Collectors.joining(",")));
        if (r.batchStats() != null) {
            String mean = numbers(r.batchStats().mean(), dtype);
            String variance = numbers(r.batchStats().variance(), dtype);
            if (mean.length() + variance.length() <= MAX_STATS_HEADER) {
                h.set("BatchNorm-Stats-Shape", java.util.Arrays.stream(r.statsShape()).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(",")));
                h.set("BatchNorm-Batch-Mean", mean);
                h.set("BatchNorm-Batch-Variance", variance);
            }
        }
        return ResponseEntity.ok().headers(h).contentType(MediaType.parseMediaType(Npy.MEDIA_TYPE)).body(Npy.toBytes(r.outputs()));
    }

    private static final int MAX_STATS_HEADER = 4096;

    private static String numbers(double[] values, DType dtype) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(dtype == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v));
            if (b.length() > MAX_STATS_HEADER) {
                break;
            }
        }
        return b.toString();
    }

    static boolean wantsNpy(HttpServletRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return accept != null && MediaType.parseMediaTypes(accept).stream()
                .anyMatch(m -> m.getType().equals("application") && m.getSubtype().equals("x-npy") && m.getQualityValue() > 0);
    }

    /** A strict boolean query parameter: "true" or "false", nothing else. */
    static boolean flag(String name, String value, boolean dflt) {
        if (value == null) {
            return dflt;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ApiException(org.springframework.http.HttpStatus.BAD_REQUEST, "invalid_parameter", "Invalid parameter",
                    name + " must be true or false.", List.of());
        };
    }
}
