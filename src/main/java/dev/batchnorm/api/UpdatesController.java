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
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.Explode;
import io.swagger.v3.oas.annotations.enums.ParameterStyle;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Updates")
@ApiDocs.ServerErrors
@ApiDocs.StoreErrors
class UpdatesController {

    private static final int MAX_IDS = 100_000;

    /** A pending op; {@code sessionId} appears in collection-wide lists. */
    @Schema(name = "UpdateOp", description = "A pending update op: applying it does variable <- variable * decay + value * (1 - decay).",
            requiredProperties = {"id", "collection", "variable", "value", "decay", "createdAt"})
    record OpView(
            @Schema(description = "The op's session; in collection-wide lists only.") @JsonInclude(JsonInclude.Include.NON_NULL) String sessionId,
            @Schema(format = "int64", description = "Unique and increasing within the session, never reused.", example = "1") long id,
            @Schema(example = "update_ops") String collection,
            @Schema(allowableValues = {"movingMean", "movingVariance"}) String variable,
            @Schema(description = "The batch statistic the op moves the variable towards.") FlatTensor value,
            @Schema(format = "double", example = "0.999") double decay,
            Instant createdAt) {

        static OpView of(String sessionId, DType dtype, PendingOp op) {
            return new OpView(sessionId, op.id(), op.collection(), op.variable().wireName(),
                    FlatTensor.of(dtype, op.value()), op.decay(), op.createdAt());
        }
    }

    @Schema(name = "UpdateOpList", requiredProperties = {"updates", "count", "nextPageToken"})
    record OpsPage(List<OpView> updates,
            @Schema(format = "int64", description = "How many ops are pending in all pages.") long count,
            @Schema(types = {"string", "null"}, description = "Pass as pageToken for the next page; null on the last page.") String nextPageToken) {}

    @Schema(name = "CollectionUpdateOpList", requiredProperties = {"collection", "updates", "nextPageToken"})
    record CollectionOpsPage(@Schema(example = "update_ops") String collection,
            @ArraySchema(arraySchema = @Schema(description = "By session id, then op id; each op names its sessionId.")) List<OpView> updates,
            @Schema(types = {"string", "null"}, description = "Pass as pageToken for the next page; null on the last page.") String nextPageToken) {}

    @Schema(name = "ApplyResult", requiredProperties = {"applied", "alreadyApplied", "variables", "version"})
    record ApplyView(
            @ArraySchema(schema = @Schema(type = "integer", format = "int64"), arraySchema = @Schema(description = "The ops this request applied, in id order.")) long[] applied,
            @ArraySchema(schema = @Schema(type = "integer", format = "int64"),
                    arraySchema = @Schema(description = "Ids that were applied before (a retried request applies nothing twice).")) long[] alreadyApplied,
            @Schema(implementation = ApiDocs.Variables.class) Map<String, FlatTensor> variables,
            @Schema(format = "int64") long version) {}

    @Schema(name = "DiscardResult", requiredProperties = {"discarded", "notPending", "version"})
    record DiscardView(
            @ArraySchema(schema = @Schema(type = "integer", format = "int64"), arraySchema = @Schema(description = "The ops this request discarded.")) long[] discarded,
            @ArraySchema(schema = @Schema(type = "integer", format = "int64"),
                    arraySchema = @Schema(description = "Ids that were no longer pending (applied or discarded before).")) long[] notPending,
            @Schema(format = "int64") long version) {}

    /** One session's part of a collection-wide apply; {@code error} says why its ops stay pending. */
    @Schema(name = "SessionApplyResult", requiredProperties = {"sessionId", "applied", "version"})
    record SessionApplyView(String sessionId,
            @ArraySchema(schema = @Schema(type = "integer", format = "int64")) long[] applied,
            @Schema(types = {"integer", "null"}, format = "int64", description = "The session's version after the apply; null with error.") Long version,
            @Schema(description = "Why this session's ops stay pending; absent when they were applied.")
            @JsonInclude(JsonInclude.Include.NON_NULL) SessionError error) {}

    @Schema(name = "SessionApplyError", requiredProperties = {"code", "detail"})
    record SessionError(@Schema(example = "non_finite_result") String code, String detail) {}

    @Schema(name = "CollectionApplyResult", requiredProperties = {"collection", "sessions", "appliedCount"})
    record CollectionApplyView(@Schema(example = "update_ops") String collection, List<SessionApplyView> sessions,
            @Schema(format = "int64", description = "Ops applied over every session.") long appliedCount) {}

    private final UpdatesService updates;
    private final ApiSupport api;
    private final ServiceMetrics metrics;

    UpdatesController(UpdatesService updates, ApiSupport api, ServiceMetrics metrics) {
        this.updates = updates;
        this.api = api;
        this.metrics = metrics;
    }

    @GetMapping(path = "/v1/sessions/{id}/updates", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listUpdates", summary = "List the session's pending update ops in id order",
            description = "Sonnet's tf.get_collection(UPDATE_OPS) for one module. count is the number pending in all; pages follow nextPageToken.")
    @ApiResponse(responseCode = "200", description = "A page of pending ops.", content = @Content(mediaType = ApiDocs.JSON,
            schema = @Schema(implementation = OpsPage.class), examples = @ExampleObject(name = "afterE1",
                    summary = "The two ops of the E1 forward", value = ApiDocs.Examples.UPDATES)))
    @ApiDocs.BadRequest("invalid_parameter (pageSize out of range), invalid_page_token.")
    @ApiDocs.NotFound
    OpsPage list(@Parameter(description = "The session id.", example = "demo") @PathVariable String id,
            @Parameter(description = "Ops per page: from 1 to batchnorm.limits.max-page-size (1000 by default); 100 by default.",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1")) @RequestParam(required = false) Integer pageSize,
            @Parameter(description = "The nextPageToken of the page before.") @RequestParam(required = false) String pageToken) {
        int size = api.pageSize(pageSize);
        long after = parseLong(PageTokens.decode(pageToken), 0);
        PendingPage page = updates.pending(id, after, size + 1);
        boolean more = page.ops().size() > size;
        List<OpView> views = page.ops().stream().limit(size).map(op -> OpView.of(null, page.dtype(), op)).toList();
        return new OpsPage(views, page.total(), more ? PageTokens.encode(Long.toString(views.getLast().id())) : null);
    }

    @PostMapping(path = "/v1/sessions/{id}/updates/apply", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "applyUpdates", summary = "Apply pending update ops atomically",
            description = "sess.run(update_ops): {} applies every pending op in id order; {\"ids\": [..]} those ids; {\"throughId\": n} every pending op "
                    + "up to n. Ids applied before are reported in alreadyApplied and not applied again; an id that never existed is 404 and "
                    + "nothing is applied.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, content = @Content(mediaType = ApiDocs.JSON,
            schema = @Schema(implementation = ApiDocs.ApplyRequest.class), examples = {
                    @ExampleObject(name = "all", summary = "Every pending op, in id order", value = "{}"),
                    @ExampleObject(name = "ids", summary = "These ops", value = "{\"ids\": [1, 2]}"),
                    @ExampleObject(name = "throughId", summary = "Every pending op up to id 2", value = "{\"throughId\": 2}")}))
    @ApiResponse(responseCode = "200", description = "Applied; the new variables.", content = @Content(mediaType = ApiDocs.JSON,
            schema = @Schema(implementation = ApplyView.class), examples = @ExampleObject(name = "e2",
                    summary = "The all example's answer after the E1 forward (SEMANTICS.md E2)", value = ApiDocs.Examples.APPLIED)))
    @ApiDocs.BadRequest("invalid_body, invalid_field, unknown_field, malformed_json, trailing_content; non_finite_result: "
            + "the ops would overflow the session's dtype (nothing is applied).")
    @ApiDocs.NotFound("session_not_found; update_not_found (with ids): an id that never existed, and nothing is applied.")
    @ApiDocs.Conflict("update_discarded (with ids): a discarded op can never be applied.")
    @ApiDocs.TooLarge("request_too_large, too_many_ids.")
    @ApiDocs.UnsupportedMediaType("unsupported_media_type: the body is not JSON.")
    ApplyView apply(@Parameter(description = "The session id.", example = "demo") @PathVariable String id, HttpServletRequest request) {
        ApiSupport.requireJson(request);
        OpSelector selector = readSelector(request);
        ApplyReceipt r = updates.apply(id, selector);
        metrics.applied(r.applied().length);
        return new ApplyView(r.applied(), r.alreadyApplied(), SessionViews.variables(r.dtype(), r.variables()), r.version());
    }

    @DeleteMapping(path = "/v1/sessions/{id}/updates", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "discardUpdates", summary = "Discard pending update ops (all, ?ids=1,2 or ?throughId=n)",
            description = "Ids that are no longer pending are reported in notPending; an id that never existed is 404 and nothing is discarded. "
                    + "A discarded op can never be applied.")
    @ApiResponse(responseCode = "200", description = "Discarded.", content = @Content(mediaType = ApiDocs.JSON,
            schema = @Schema(implementation = DiscardView.class), examples = @ExampleObject(name = "all",
                    summary = "Discarding every pending op after the E1 forward", value = ApiDocs.Examples.DISCARDED)))
    @ApiDocs.BadRequest("invalid_parameter: ids is not a comma-separated list of integers, or both ids and throughId are given.")
    @ApiDocs.NotFound("session_not_found; update_not_found (with ids): an id that never existed, and nothing is discarded.")
    DiscardView discard(@Parameter(description = "The session id.", example = "demo") @PathVariable String id,
            @Parameter(description = "These ops (comma-separated: ids=1,2).", style = ParameterStyle.FORM, explode = Explode.FALSE,
                    array = @ArraySchema(schema = @Schema(type = "integer", format = "int64")))
            @RequestParam(required = false) String ids,
            @Parameter(description = "Every pending op up to and including this id.") @RequestParam(required = false) Long throughId) {
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
    @Operation(operationId = "listCollectionUpdates", summary = "List pending update ops across every session of a collection",
            description = "Like tf.get_collection(UPDATE_OPS), which spans every module: ordered by session id, then op id.")
    @ApiResponse(responseCode = "200", description = "A page of pending ops.", content = @Content(mediaType = ApiDocs.JSON,
            schema = @Schema(implementation = CollectionOpsPage.class), examples = @ExampleObject(name = "afterE1",
                    summary = "update_ops with demo's two E1 ops pending", value = ApiDocs.Examples.COLLECTION_UPDATES)))
    @ApiDocs.BadRequest("invalid_parameter (pageSize out of range), invalid_page_token.")
    CollectionOpsPage listCollection(
            @Parameter(description = "The collection.", example = "update_ops") @RequestParam(defaultValue = SessionSpec.DEFAULT_COLLECTION) String collection,
            @Parameter(description = "Ops per page: from 1 to batchnorm.limits.max-page-size (1000 by default); 100 by default.",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1")) @RequestParam(required = false) Integer pageSize,
            @Parameter(description = "The nextPageToken of the page before.") @RequestParam(required = false) String pageToken) {
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
    @Operation(operationId = "applyCollectionUpdates", summary = "Apply every pending op of every session in a collection",
            description = "sess.run(tf.get_collection(UPDATE_OPS)) across modules: atomic per session; the answer reports each session's result. "
                    + "A session whose ops would overflow its dtype is reported with an error and keeps them pending; the others are applied.")
    @ApiResponse(responseCode = "200", description = "Each session's result.", content = @Content(mediaType = ApiDocs.JSON,
            schema = @Schema(implementation = CollectionApplyView.class), examples = @ExampleObject(name = "afterE1",
                    summary = "update_ops with demo's two E1 ops pending", value = ApiDocs.Examples.COLLECTION_APPLIED)))
    CollectionApplyView applyCollection(
            @Parameter(description = "The collection.", example = "update_ops") @RequestParam(defaultValue = SessionSpec.DEFAULT_COLLECTION) String collection) {
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
