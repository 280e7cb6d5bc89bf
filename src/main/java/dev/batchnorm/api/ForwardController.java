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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
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
class ForwardController {

    /** An update op this forward left pending. */
    record OpRef(long id, String variable) {}

    /** The forward's answer; batch statistics appear when they normalized the input. */
    record ForwardResponse(
            TensorBody outputs,
            @Schema(allowableValues = {"batch", "moving"}) String normalizedWith,
            @JsonInclude(JsonInclude.Include.NON_NULL) FlatTensor batchMean,
            @JsonInclude(JsonInclude.Include.NON_NULL) FlatTensor batchVariance,
            List<OpRef> updateOps,
            boolean updatesApplied,
            long version) {}

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
    @Operation(summary = "Run the BatchNorm forward in one of Sonnet's modes",
            description = "isTraining (required) and testLocalStats (default true) choose the statistics; training forwards create two update ops, pending in the session's collection, or applied in place when the collection is null or applyUpdates is true.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ApiDocs.ForwardRequest.class)))
    ForwardResponse forward(@PathVariable String id, HttpServletRequest request) {
        long start = System.nanoTime();
        SessionSnapshot session = sessions.getForForward(id);
        ForwardRequest req = reader.read(api.bodies.open(request), session.spec().dtype());
        Run r = run(session, req, start);
        return json(r, req.inputs().form());
    }

    /** The same forward, answered as .npy (chosen by Accept: application/x-npy). */
    @PostMapping(path = "/v1/sessions/{id}/forward", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"}, produces = Npy.MEDIA_TYPE)
    @Operation(summary = "The forward with a JSON batch, answered as .npy", description = "The outputs are the body; the other fields are BatchNorm-* headers.")
    ResponseEntity<byte[]> forwardToNpy(@PathVariable String id, HttpServletRequest request) {
        long start = System.nanoTime();
        SessionSnapshot session = sessions.getForForward(id);
        ForwardRequest req = reader.read(api.bodies.open(request), session.spec().dtype());
        return npyAnswer(run(session, req, start));
    }

    @PostMapping(path = "/v1/sessions/{id}/forward", consumes = Npy.MEDIA_TYPE, produces = {MediaType.APPLICATION_JSON_VALUE, Npy.MEDIA_TYPE})
    @Operation(summary = "The forward with a binary .npy batch (little-endian float32/float64, C order)",
            description = "The mode flags are query parameters. With Accept: application/x-npy the outputs come back as .npy and the other fields as BatchNorm-* headers.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = Npy.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
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
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(r.outputs().size() * (dtype == DType.FLOAT32 ? 4 : 8) + 128);
        Npy.write(body, r.outputs());
        return ResponseEntity.ok().headers(h).contentType(MediaType.parseMediaType(Npy.MEDIA_TYPE)).body(body.toByteArray());
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
