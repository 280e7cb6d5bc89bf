package dev.batchnorm.api;

import dev.batchnorm.api.SessionViews.SessionPage;
import dev.batchnorm.api.SessionViews.SessionView;
import dev.batchnorm.api.SessionViews.VariableView;
import dev.batchnorm.api.SessionViews.VariablesView;
import dev.batchnorm.api.TensorBodies.FlatTensor;
import dev.batchnorm.api.npy.Npy;
import dev.batchnorm.session.AssignReceipt;
import dev.batchnorm.session.SessionService;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import dev.batchnorm.session.VariableNotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;

/** Sessions: create, read, list, delete; variables: read and assign. */
@RestController
@RequestMapping(path = "/v1/sessions", produces = MediaType.APPLICATION_JSON_VALUE)
@ApiDocs.ServerErrors
@ApiDocs.StoreErrors
class SessionsController {

    private final SessionService sessions;
    private final ApiSupport api;
    private final SessionSpecReader specs;

    SessionsController(SessionService sessions, ApiSupport api) {
        this.sessions = sessions;
        this.api = api;
        this.specs = new SessionSpecReader(api.json, api.statistics);
    }

    @PostMapping
    @Tag(name = "Sessions")
    @Operation(operationId = "createSession", summary = "Create a session (one BatchNorm instance)",
            description = "Sonnet's snt.BatchNorm(...). 201 when created; 200 when a session with this id and the identical effective spec "
                    + "exists (a retried create is safe); 409 session_exists when the id exists with another spec. "
                    + "updateOpsCollection: absent keeps the update ops pending in \"update_ops\"; null (or \"\") updates the moving averages in place.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = ApiDocs.JSON,
            schema = @Schema(implementation = ApiDocs.CreateSessionRequest.class), examples = {
                    @ExampleObject(name = "basic", summary = "Sonnet's defaults: training forwards leave their update ops pending in \"update_ops\"",
                            value = "{\"id\": \"demo\"}"),
                    @ExampleObject(name = "colabInitializers", summary = "The colab's initializers (moving mean 10, moving variances 1 and 4)",
                            value = "{\"id\": \"demo-init\", \"initializers\": {\"movingMean\": [[10, 10]], \"movingVariance\": [[1, 4]]}}"),
                    @ExampleObject(name = "everyField", summary = "Every field, with its default value except id",
                            value = "{\"id\": \"demo-full\", \"axis\": null, \"offset\": true, \"scale\": false, \"decayRate\": 0.999, \"eps\": 0.001, "
                                    + "\"updateOpsCollection\": \"update_ops\", \"initializers\": {\"movingMean\": 0, \"movingVariance\": 1, \"beta\": 0}, "
                                    + "\"dtype\": \"float32\", \"ttlSeconds\": null}"),
                    @ExampleObject(name = "inPlace", summary = "update_ops_collection=None: every training forward updates the moving averages in place",
                            value = "{\"id\": \"demo-in-place\", \"updateOpsCollection\": null}"),
                    @ExampleObject(name = "inPlaceEmptyString", summary = "The same from a client that cannot send null: \"\" means null",
                            value = "{\"id\": \"demo-in-place-2\", \"updateOpsCollection\": \"\"}")}))
    @ApiResponse(responseCode = "201", description = "Created.",
            headers = {@Header(name = "Location", description = "/v1/sessions/{id}", schema = @Schema(type = "string", format = "uri-reference")),
                    @Header(name = "ETag", description = "The session's version, quoted: \"<version>\".", schema = @Schema(type = "string"))},
            content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = SessionView.class), examples = @ExampleObject(
                    name = "created", summary = "The basic example's answer: Sonnet's defaults, no shape yet", value = ApiDocs.Examples.SESSION_CREATED)))
    @ApiResponse(responseCode = "200", description = "A session with this id and the identical effective spec exists: a retried create.",
            headers = @Header(name = "ETag", description = "The session's version, quoted.", schema = @Schema(type = "string")),
            content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = SessionView.class), examples = @ExampleObject(
                    name = "retried", summary = "The basic example sent again before any forward: the same session", value = ApiDocs.Examples.SESSION_CREATED)))
    @ApiDocs.BadRequest("invalid_session_spec (with errors: a pointer for each invalid field), invalid_body, malformed_json, trailing_content; "
            + "an initializer's tensor codes (ragged_tensor, non_numeric_value, non_finite_value, shape_data_mismatch, ...).")
    @ApiDocs.Conflict("session_exists: the id names a session with another spec; session_limit_reached (with limit): the service's "
            + "batchnorm.limits.max-sessions; session_quota_reached (with limit): the tenant's max-sessions quota (batchnorm.security.quota).")
    @ApiDocs.TooLarge("request_too_large, too_many_statistics, nesting_too_deep.")
    @ApiDocs.UnsupportedMediaType("unsupported_media_type: the body is not JSON.")
    ResponseEntity<SessionView> create(HttpServletRequest request) {
        ApiSupport.requireJson(request);
        SessionSpec spec = specs.read(api.bodies.open(request));
        SessionService.Created c = sessions.create(spec);
        SessionView view = SessionView.of(c.session(), true);
        ResponseEntity.BodyBuilder r = c.created()
                ? ResponseEntity.created(URI.create("/v1/sessions/" + spec.id()))
                : ResponseEntity.ok();
        return r.eTag(ApiSupport.etag(c.session().version())).body(view);
    }

    @GetMapping
    @Tag(name = "Sessions")
    @Operation(operationId = "listSessions", summary = "List sessions in id order, without their variables")
    @ApiResponse(responseCode = "200", description = "A page of sessions.", content = @Content(mediaType = ApiDocs.JSON,
            schema = @Schema(implementation = SessionPage.class), examples = @ExampleObject(name = "onePage",
                    summary = "demo after the E1 forward; entries leave out variables and initializers", value = ApiDocs.Examples.SESSION_LIST)))
    @ApiDocs.BadRequest("invalid_parameter (pageSize out of range), invalid_page_token.")
    SessionPage list(
            @Parameter(description = "Sessions per page: from 1 to batchnorm.limits.max-page-size (1000 by default); 100 by default.",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1")) @RequestParam(required = false) Integer pageSize,
            @Parameter(description = "The nextPageToken of the page before.") @RequestParam(required = false) String pageToken) {
        int size = api.pageSize(pageSize);
        String after = PageTokens.decode(pageToken);
        List<SessionSnapshot> page = sessions.list(after, size + 1);
        boolean more = page.size() > size;
        List<SessionView> views = page.stream().limit(size).map(s -> SessionView.of(s, false)).toList();
        return new SessionPage(views, more ? PageTokens.encode(views.getLast().id()) : null);
    }

    @GetMapping("/{id}")
    @Tag(name = "Sessions")
    @Operation(operationId = "getSession", summary = "Get a session: effective spec, input shape, variables, counters, version (also the ETag)")
    @ApiResponse(responseCode = "200", description = "The session.",
            headers = @Header(name = "ETag", description = "The session's version, quoted: \"<version>\".", schema = @Schema(type = "string")),
            content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = SessionView.class), examples = @ExampleObject(
                    name = "afterE1", summary = "demo after the E1 forward: shape fixed, two update ops pending", value = ApiDocs.Examples.SESSION)))
    @ApiDocs.NotFound
    ResponseEntity<SessionView> get(@Parameter(description = "The session id.", example = "demo") @PathVariable String id) {
        SessionSnapshot s = sessions.get(id);
        return ResponseEntity.ok().eTag(ApiSupport.etag(s.version())).body(SessionView.of(s, true));
    }

    // a 204 has no body, so a client may accept only the error type (generated SDKs send Accept: application/problem+json)
    @DeleteMapping(path = "/{id}", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @Tag(name = "Sessions")
    @Operation(operationId = "deleteSession", summary = "Delete a session and its pending update ops")
    @ApiResponse(responseCode = "204", description = "Deleted.")
    @ApiDocs.NotFound
    ResponseEntity<Void> delete(@Parameter(description = "The session id.", example = "demo") @PathVariable String id) {
        sessions.delete(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/variables")
    @Tag(name = "Variables")
    @Operation(operationId = "getVariables", summary = "Get the variables (flat form) and the version they belong to")
    @ApiResponse(responseCode = "200", description = "The variables.",
            headers = @Header(name = "ETag", description = "The session's version, quoted: \"<version>\".", schema = @Schema(type = "string")),
            content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = VariablesView.class), examples = @ExampleObject(
                    name = "afterE1", summary = "demo after the E1 forward: the ops are pending, so the moving statistics are untouched",
                    value = ApiDocs.Examples.VARIABLES)))
    @ApiDocs.NotFound
    ResponseEntity<VariablesView> variables(@Parameter(description = "The session id.", example = "demo") @PathVariable String id) {
        SessionSnapshot s = sessions.get(id);
        return ResponseEntity.ok().eTag(ApiSupport.etag(s.version()))
                .body(new VariablesView(SessionViews.variables(s.spec().dtype(), s.variables()), s.version()));
    }

    @PutMapping(path = "/{id}/variables/{name}", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    @Tag(name = "Variables")
    @Operation(operationId = "assignVariable", summary = "Assign one variable",
            description = "The body is a tensor of the statistics' shape (nested or flat), a flat list of the non-reduced size, or a scalar to "
                    + "broadcast; as JSON, or as a NumPy .npy document (application/x-npy). With If-Match, a stale version is 412 and nothing changes.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
            @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = ApiDocs.Initializer.class), examples = {
                    @ExampleObject(name = "flat", summary = "The flat form", value = "{\"shape\": [1, 2], \"data\": [10, 10]}"),
                    @ExampleObject(name = "nested", summary = "A tensor of the statistics' shape", value = "[[10, 10]]"),
                    @ExampleObject(name = "scalar", summary = "A scalar, broadcast", value = "0")}),
            @Content(mediaType = ApiDocs.NPY, schema = @Schema(type = "string", format = "binary",
                    description = "A NumPy .npy document (little-endian float32/float64, C order)."))})
    @ApiResponse(responseCode = "200", description = "Assigned.",
            headers = @Header(name = "ETag", description = "The session's new version, quoted.", schema = @Schema(type = "string")),
            content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = VariableView.class), examples = @ExampleObject(
                    name = "flat", summary = "The flat example's answer on demo at version 2", value = ApiDocs.Examples.ASSIGNED)))
    @ApiDocs.BadRequest("invalid_value (a negative variance), the tensor codes (ragged_tensor, non_numeric_value, non_finite_value, ...), "
            + "malformed_json, trailing_content; .npy bodies: npy_invalid, npy_truncated, npy_fortran_order, npy_big_endian, npy_unsupported_dtype.")
    @ApiDocs.NotFound("session_not_found; variable_not_found: the name is not one of the session's variables.")
    @ApiDocs.PreconditionFailed("version_mismatch (with currentVersion): If-Match names another version; nothing changed.")
    @ApiDocs.TooLarge("request_too_large, too_many_statistics, nesting_too_deep.")
    @ApiDocs.UnsupportedMediaType("unsupported_media_type: the body is neither application/json nor application/x-npy.")
    @ApiDocs.ShapeMismatch("shape_mismatch: the value does not fit the statistics' shape.")
    ResponseEntity<VariableView> assign(@Parameter(description = "The session id.", example = "demo") @PathVariable String id,
            @Parameter(description = "The variable.", example = "movingMean",
                    schema = @Schema(allowableValues = {"movingMean", "movingVariance", "beta", "gamma"})) @PathVariable String name,
            @Parameter(description = "Assign only if the session is at this version: the ETag of a GET, e.g. \"7\".")
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, HttpServletRequest request) {
        Variable variable = variable(name);
        SessionSnapshot s = sessionWith(id, variable);
        return assign(s, variable, readValue(request, s, variable), ifMatch);
    }

    @PutMapping(path = "/{id}/variables/{name}", consumes = Npy.MEDIA_TYPE)
    @Operation(hidden = true) // documented on assign(): the same operation with an application/x-npy body
    ResponseEntity<VariableView> assignNpy(@PathVariable String id, @PathVariable String name,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, HttpServletRequest request) {
        Variable variable = variable(name);
        SessionSnapshot s = sessionWith(id, variable);
        StatValue value = SessionSpecReader.statValue(Npy.read(api.bodies.open(request), s.spec().dtype(), 0, api.maxStatisticsElements));
        return assign(s, variable, checked(variable, value), ifMatch);
    }

    private static Variable variable(String name) {
        Variable variable = Variable.fromWireName(name);
        if (variable == null) {
            throw new VariableNotFoundException(name);
        }
        return variable;
    }

    private SessionSnapshot sessionWith(String id, Variable variable) {
        SessionSnapshot s = sessions.get(id);
        if (!s.spec().variables().contains(variable)) {
            throw new VariableNotFoundException(variable.wireName());
        }
        return s;
    }

    private static StatValue checked(Variable variable, StatValue value) {
        if (variable == Variable.MOVING_VARIANCE && SessionSpecReader.hasNegative(value)) {
            throw ApiException.badField("invalid_value", "", "A variance cannot be negative.");
        }
        return value;
    }

    private ResponseEntity<VariableView> assign(SessionSnapshot s, Variable variable, StatValue value, String ifMatch) {
        String id = s.id();
        String name = variable.wireName();
        AssignReceipt r = sessions.assign(id, variable, value, s.uid(), ApiSupport.ifMatch(ifMatch));
        return ResponseEntity.ok().eTag(ApiSupport.etag(r.version()))
                .body(new VariableView(name, FlatTensor.of(s.spec().dtype(), r.value()), r.version()));
    }

    private StatValue readValue(HttpServletRequest request, SessionSnapshot s, Variable variable) {
        try (JsonParser p = api.json.createParser(ObjectReadContext.empty(), api.bodies.open(request))) {
            if (JsonBodies.next(p) == null) {
                throw JsonBodies.missingField("");
            }
            StatValue value = SessionSpecReader.statValue(api.statistics.read(p, s.spec().dtype(), "", 0).tensor());
            dev.batchnorm.api.json.TensorJsonReader.expectEnd(p);
            return checked(variable, value);
        }
    }
}
