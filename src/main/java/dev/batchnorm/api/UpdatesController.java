package dev.batchnorm.api;

import static dev.batchnorm.api.JsonBodies.next;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.batchnorm.api.TensorBodies.FlatTensor;
import dev.batchnorm.norm.DType;
import dev.batchnorm.session.ApplyReceipt;
import dev.batchnorm.session.DiscardReceipt;
import dev.batchnorm.session.OpSelector;
import dev.batchnorm.session.PendingOp;
import dev.batchnorm.session.PendingPage;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.UpdatesService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;

/** Pending moving-average update ops: per session, and across a collection. */
@RestController
class UpdatesController {

    private static final int MAX_IDS = 100_000;

    /** A pending op; {@code sessionId} appears in collection-wide lists. */
    record OpView(@JsonInclude(JsonInclude.Include.NON_NULL) String sessionId, long id, String collection,
            String variable, FlatTensor value, double decay, Instant createdAt) {

        static OpView of(String sessionId, DType dtype, PendingOp op) {
            return new OpView(sessionId, op.id(), op.collection(), op.variable().wireName(),
                    FlatTensor.of(dtype, op.value()), op.decay(), op.createdAt());
        }
    }

    record OpsPage(List<OpView> updates, long count, String nextPageToken) {}

    record CollectionOpsPage(String collection, List<OpView> updates, String nextPageToken) {}

    record ApplyView(long[] applied, long[] alreadyApplied, Map<String, FlatTensor> variables, long version) {}

    record DiscardView(long[] discarded, long[] notPending, long version) {}

    /** One session's part of a collection-wide apply; {@code error} says why its ops stay pending. */
    record SessionApplyView(String sessionId, long[] applied, Long version,
            @JsonInclude(JsonInclude.Include.NON_NULL) SessionError error) {}

    record SessionError(String code, String detail) {}

    record CollectionApplyView(String collection, List<SessionApplyView> sessions, long appliedCount) {}

    private final UpdatesService updates;
    private final ApiSupport api;
    private final ServiceMetrics metrics;

    UpdatesController(UpdatesService updates, ApiSupport api, ServiceMetrics metrics) {
        this.updates = updates;
        this.api = api;
        this.metrics = metrics;
    }

    @GetMapping(path = "/v1/sessions/{id}/updates", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "List the session's pending update ops in id order", description = "count is the number pending in all; pages follow nextPageToken.")
    OpsPage list(@PathVariable String id, @RequestParam(required = false) Integer pageSize, @RequestParam(required = false) String pageToken) {
        int size = api.pageSize(pageSize);
        long after = parseLong(PageTokens.decode(pageToken), 0);
        PendingPage page = updates.pending(id, after, size + 1);
        boolean more = page.ops().size() > size;
        List<OpView> views = page.ops().stream().limit(size).map(op -> OpView.of(null, page.dtype(), op)).toList();
        return new OpsPage(views, page.total(), more ? PageTokens.encode(Long.toString(views.getLast().id())) : null);
    }

    @PostMapping(path = "/v1/sessions/{id}/updates/apply", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Apply pending update ops atomically", description = "{} applies every pending op in id order; {\"ids\": [..]} those ids; {\"throughId\": n} every pending op up to n. Ids applied before are reported in alreadyApplied and not applied again; an id that never existed is 404 and nothing is applied.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ApiDocs.ApplyRequest.class)))
    ApplyView apply(@PathVariable String id, HttpServletRequest request) {
        ApiSupport.requireJson(request);
        OpSelector selector = readSelector(request);
        ApplyReceipt r = updates.apply(id, selector);
        metrics.applied(r.applied().length);
        return new ApplyView(r.applied(), r.alreadyApplied(), SessionViews.variables(r.dtype(), r.variables()), r.version());
    }

    @DeleteMapping(path = "/v1/sessions/{id}/updates", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Discard pending update ops (all, ?ids=1,2 or ?throughId=n)", description = "Ids that are no longer pending are reported in notPending; an id that never existed is 404 and nothing is discarded.")
    DiscardView discard(@PathVariable String id, @RequestParam(required = false) String ids, @RequestParam(required = false) Long throughId) {
        OpSelector selector;
        if (ids != null && throughId != null) {
            throw parameter("Give ids or throughId, not both.");
        } else if (ids != null) {
            selector = new OpSelector.Ids(parseIds(ids));
        } else if (throughId != null) {
            selector = new OpSelector.Through(throughId);
        } else {
            selector = new OpSelector.All();
        }
        DiscardReceipt r = updates.discard(id, selector);
        return new DiscardView(r.discarded(), r.notPending(), r.version());
    }

    @GetMapping(path = "/v1/updates", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "List pending update ops across every session of a collection", description = "Like tf.get_collection(UPDATE_OPS): ordered by session id, then op id.")
    CollectionOpsPage listCollection(@RequestParam(defaultValue = SessionSpec.DEFAULT_COLLECTION) String collection,
            @RequestParam(required = false) Integer pageSize, @RequestParam(required = false) String pageToken) {
        int size = api.pageSize(pageSize);
        String position = PageTokens.decode(pageToken);
        String afterSession = null;
        long afterOp = 0;
        if (position != null) {
            int cut = position.lastIndexOf(' ');
            if (cut <= 0) {
                throw PageTokens.invalid();
            }
            afterSession = position.substring(0, cut);
            afterOp = parseLong(position.substring(cut + 1), 0);
        }
        List<UpdatesService.CollectionOp> page = updates.pendingInCollection(collection, afterSession, afterOp, size + 1);
        boolean more = page.size() > size;
        List<OpView> views = new ArrayList<>();
        for (UpdatesService.CollectionOp c : page.subList(0, Math.min(size, page.size()))) {
            views.add(OpView.of(c.sessionId(), c.dtype(), c.op()));
        }
        String next = more ? PageTokens.encode(views.getLast().sessionId() + " " + views.getLast().id()) : null;
        return new CollectionOpsPage(collection, views, next);
    }

    @PostMapping(path = "/v1/updates/apply", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Apply every pending op of every session in a collection", description = "Atomic per session; the answer reports each session's result.")
    CollectionApplyView applyCollection(@RequestParam(defaultValue = SessionSpec.DEFAULT_COLLECTION) String collection) {
        List<SessionApplyView> out = new ArrayList<>();
        long total = 0;
        for (UpdatesService.SessionApply a : updates.applyCollection(collection)) {
            if (a.failure() != null) {
                out.add(new SessionApplyView(a.sessionId(), new long[0], null, new SessionError("non_finite_result",
                        "Applying this session's ops would overflow its dtype (" + a.failure().getMessage() + "); they stay pending.")));
            } else {
                out.add(new SessionApplyView(a.sessionId(), a.receipt().applied(), a.receipt().version(), null));
                total += a.receipt().applied().length;
            }
        }
        metrics.applied((int) total);
        return new CollectionApplyView(collection, out, total);
    }

    private OpSelector readSelector(HttpServletRequest request) {
        try (JsonParser p = api.json.createParser(ObjectReadContext.empty(), api.bodies.open(request))) {
            JsonToken first = next(p);
            if (first == null) {
                return new OpSelector.All();
            }
            if (first != JsonToken.START_OBJECT) {
                throw ApiException.badField("invalid_body", "", "The request body must be a JSON object: {}, {\"ids\": [..]} or {\"throughId\": n}.");
            }
            long[] ids = null;
            Long through = null;
            for (JsonToken t = next(p); t != JsonToken.END_OBJECT; t = next(p)) {
                String name = p.currentName();
                next(p);
                switch (name) {
                    case "ids" -> ids = readIds(p);
                    case "throughId" -> through = readId(p, "/throughId");
                    default -> throw JsonBodies.unknownField("/" + FieldProblem.escape(name));
                }
            }
            dev.batchnorm.api.json.TensorJsonReader.expectEnd(p);
            if (ids != null && through != null) {
                throw ApiException.badField("invalid_field", "/throughId", "Give ids or throughId, not both.");
            }
            return ids != null ? new OpSelector.Ids(ids) : through != null ? new OpSelector.Through(through) : new OpSelector.All();
        }
    }

    private static long[] readIds(JsonParser p) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ApiException.badField("invalid_field", "/ids", "ids must be an array of integers.");
        }
        long[] ids = new long[16];
        int n = 0;
        for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
            if (n == MAX_IDS) {
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too_many_ids", "Request too large", "At most " + MAX_IDS + " ids per request.", List.of());
            }
            if (n == ids.length) {
                ids = java.util.Arrays.copyOf(ids, n * 2);
            }
            ids[n] = readId(p, "/ids/" + n);
            n++;
        }
        return java.util.Arrays.copyOf(ids, n);
    }

    private static long readId(JsonParser p, String pointer) {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw ApiException.badField("invalid_field", pointer, "An update op id is an integer.");
        }
        return p.getLongValue();
    }

    private static long[] parseIds(String csv) {
        String[] parts = csv.split(",", -1);
        if (parts.length > MAX_IDS) {
            throw parameter("At most " + MAX_IDS + " ids per request.");
        }
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw parameter("ids must be a comma-separated list of integers, e.g. ids=1,2.");
            }
        }
        return ids;
    }

    private static long parseLong(String s, long dflt) {
        if (s == null) {
            return dflt;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw PageTokens.invalid();
        }
    }

    private static ApiException parameter(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_parameter", "Invalid parameter", detail, List.of());
    }
}
