package dev.batchnorm.api;

import dev.batchnorm.api.ForwardRequestReader.ForwardRequest;
import dev.batchnorm.api.TensorBodies.FlatTensor;
import dev.batchnorm.api.TensorBodies.TensorBody;
import dev.batchnorm.norm.DType;
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
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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

    @PostMapping(path = "/v1/sessions/{id}/forward", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Run the BatchNorm forward in one of Sonnet's modes",
            description = "isTraining (required) and testLocalStats (default true) choose the statistics; training forwards create two update ops, pending in the session's collection, or applied in place when the collection is null or applyUpdates is true.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ApiDocs.ForwardRequest.class)))
    ForwardResponse forward(@PathVariable String id, HttpServletRequest request) {
        long start = System.nanoTime();
        ApiSupport.requireJson(request);
        SessionSnapshot session = sessions.getForForward(id);
        DType dtype = session.spec().dtype();
        ForwardRequest req = reader.read(api.bodies.open(request), dtype);
        ForwardService.Result r;
        try {
            r = forwards.forward(session, req.inputs().tensor(), req.flags());
        } catch (dev.batchnorm.norm.NonFiniteResultException e) {
            throw ApiException.badField("non_finite_result", "/inputs", "The result is not finite in the session's dtype: " + e.getMessage() + ".");
        }
        long[] ids = r.receipt().opIds();
        List<OpRef> ops = ids.length == 0 ? List.of()
                : List.of(new OpRef(ids[0], Variable.MOVING_MEAN.wireName()), new OpRef(ids[1], Variable.MOVING_VARIANCE.wireName()));
        boolean batch = r.batchStats() != null;
        metrics.forward(req.flags(), r.receipt(), req.inputs().tensor().size(), System.nanoTime() - start);
        return new ForwardResponse(
                new TensorBody(r.outputs(), req.inputs().form()),
                batch ? "batch" : "moving",
                batch ? new FlatTensor(dtype, r.statsShape(), r.batchStats().mean()) : null,
                batch ? new FlatTensor(dtype, r.statsShape(), r.batchStats().variance()) : null,
                ops, r.receipt().updatesApplied(), r.receipt().version());
    }
}
