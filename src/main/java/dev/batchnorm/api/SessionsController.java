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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
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
    @Operation(summary = "Create a session (one BatchNorm instance)", description = "201 when created; 200 when a session with this id and the identical spec exists (a retried create); 409 when the id exists with another spec.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ApiDocs.CreateSessionRequest.class)))
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
    @Operation(summary = "List sessions in id order, without their variables")
    SessionPage list(@RequestParam(required = false) Integer pageSize, @RequestParam(required = false) String pageToken) {
        int size = api.pageSize(pageSize);
        String after = PageTokens.decode(pageToken);
        List<SessionSnapshot> page = sessions.list(after, size + 1);
        boolean more = page.size() > size;
        List<SessionView> views = page.stream().limit(size).map(s -> SessionView.of(s, false)).toList();
        return new SessionPage(views, more ? PageTokens.encode(views.getLast().id()) : null);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a session: effective spec, input shape, variables, counters, version (also the ETag)")
    ResponseEntity<SessionView> get(@PathVariable String id) {
        SessionSnapshot s = sessions.get(id);
        return ResponseEntity.ok().eTag(ApiSupport.etag(s.version())).body(SessionView.of(s, true));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a session and its pending update ops")
    ResponseEntity<Void> delete(@PathVariable String id) {
        sessions.delete(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/variables")
    @Operation(summary = "Get the variables (flat form) and the version they belong to")
    ResponseEntity<VariablesView> variables(@PathVariable String id) {
        SessionSnapshot s = sessions.get(id);
        return ResponseEntity.ok().eTag(ApiSupport.etag(s.version()))
                .body(new VariablesView(SessionViews.variables(s.spec().dtype(), s.variables()), s.version()));
    }

    @PutMapping(path = "/{id}/variables/{name}", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    @Operation(summary = "Assign one variable from a tensor body", description = "The body is a tensor (nested or flat), a flat list of the statistics' size, or a scalar to broadcast. With If-Match, a stale version is 412.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TensorBodies.TensorBody.class)))
    ResponseEntity<VariableView> assign(@PathVariable String id, @PathVariable String name,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, HttpServletRequest request) {
        Variable variable = variable(name);
        SessionSnapshot s = sessionWith(id, variable);
        return assign(s, variable, readValue(request, s, variable), ifMatch);
    }

    @PutMapping(path = "/{id}/variables/{name}", consumes = Npy.MEDIA_TYPE)
    @Operation(summary = "Assign one variable from a .npy body (little-endian float32/float64, C order)")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = Npy.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
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
