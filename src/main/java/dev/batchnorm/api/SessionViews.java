package dev.batchnorm.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.batchnorm.api.TensorBodies.FlatTensor;
import dev.batchnorm.api.TensorBodies.InitializerBody;
import dev.batchnorm.norm.DType;
import dev.batchnorm.session.Counters;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How sessions look on the wire. */
final class SessionViews {

    private SessionViews() {}

    /** The effective constructor arguments, defaults filled in. */
    @Schema(name = "SessionSpec", description = "The effective spec: the create request with every default filled in. "
            + "Posting it back as a create is an idempotent retry.",
            requiredProperties = {"id", "axis", "offset", "scale", "decayRate", "eps", "updateOpsCollection", "dtype", "ttlSeconds"})
    record SpecView(
            @Schema(example = "demo") String id,
            @ArraySchema(arraySchema = @Schema(nullable = true, description = "The reduction axes; null: every axis but the last."),
                    schema = @Schema(type = "integer", format = "int32")) int[] axis,
            boolean offset,
            boolean scale,
            @Schema(format = "double", example = "0.999") double decayRate,
            @Schema(format = "double", example = "0.001") double eps,
            @Schema(types = {"string", "null"}, example = "update_ops",
                    description = "null: training forwards update the moving averages in place.") String updateOpsCollection,
            @Schema(implementation = ApiDocs.Initializers.class, description = "Every variable's initial value; left out of list entries.")
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, InitializerBody> initializers,
            @Schema(allowableValues = {"float32", "float64"}) String dtype,
            @Schema(types = {"integer", "null"}, format = "int64") Long ttlSeconds) {

        static SpecView of(SessionSpec s, boolean withInitializers) {
            Map<String, InitializerBody> init = withInitializers ? new LinkedHashMap<>() : null;
            for (Variable v : withInitializers ? s.variables() : java.util.Set.<Variable>of()) {
                init.put(v.wireName(), new InitializerBody(s.dtype(), s.initialValue(v)));
            }
            return new SpecView(s.id(), s.axes(), s.offset(), s.scale(), s.decayRate(), s.eps(), s.updateOpsCollection(),
                    init, s.dtype().wireName(), s.ttlSeconds());
        }
    }

    /** A session. List entries leave out {@code variables} and the spec's initializers, which can be large. */
    @Schema(name = "Session", description = "One BatchNorm instance. List entries leave out variables and the spec's initializers.",
            requiredProperties = {"id", "spec", "inputShape", "counters", "version", "createdAt", "updatedAt", "expiresAt"})
    record SessionView(
            @Schema(example = "demo") String id,
            SpecView spec,
            @ArraySchema(arraySchema = @Schema(nullable = true,
                    description = "The input shape the session accepts, reduced axes as null (e.g. [null, 2]); null until the first forward "
                            + "(or an initializer of rank >= 2) fixes it."),
                    schema = @Schema(types = {"integer", "null"}, format = "int32")) List<Integer> inputShape,
            @Schema(implementation = ApiDocs.Variables.class, description = "The variables; left out of list entries.")
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, FlatTensor> variables,
            @Schema(implementation = ApiDocs.SessionCounters.class) Counters counters,
            @Schema(format = "int64", description = "Increases on every change of the variables or the pending ops; also the ETag.") long version,
            Instant createdAt,
            Instant updatedAt,
            @Schema(types = {"string", "null"}, format = "date-time", description = "When an idle session expires; null without ttlSeconds.") Instant expiresAt) {

        static SessionView of(SessionSnapshot s, boolean withVariables) {
            return new SessionView(s.id(), SpecView.of(s.spec(), withVariables), SessionViews.inputShape(s.pattern()),
                    withVariables ? SessionViews.variables(s.spec().dtype(), s.variables()) : null, s.counters(), s.version(),
                    s.createdAt(), s.updatedAt(), s.expiresAt());
        }
    }

    /** The session list page. */
    @Schema(name = "SessionList", requiredProperties = {"sessions", "nextPageToken"})
    record SessionPage(List<SessionView> sessions,
            @Schema(types = {"string", "null"}, description = "Pass as pageToken for the next page; null on the last page.") String nextPageToken) {}

    /** The variables with the version they belong to. */
    @Schema(name = "SessionVariables", requiredProperties = {"variables", "version"})
    record VariablesView(@Schema(implementation = ApiDocs.Variables.class) Map<String, FlatTensor> variables,
            @Schema(format = "int64", description = "The session's version these values belong to (also the ETag).") long version) {}

    /** One assigned variable. */
    @Schema(name = "AssignedVariable", requiredProperties = {"name", "value", "version"})
    record VariableView(@Schema(allowableValues = {"movingMean", "movingVariance", "beta", "gamma"}) String name, FlatTensor value,
            @Schema(format = "int64", description = "The session's version after the assignment (also the ETag).") long version) {}

    static Map<String, FlatTensor> variables(DType dtype, Map<Variable, StatValue> values) {
        Map<String, FlatTensor> out = new LinkedHashMap<>();
        values.forEach((v, value) -> out.put(v.wireName(), FlatTensor.of(dtype, value)));
        return out;
    }

    /** The contract's input shape: reduced axes as null. */
    static List<Integer> inputShape(int[] pattern) {
        if (pattern == null) {
            return null;
        }
        List<Integer> out = new ArrayList<>(pattern.length);
        for (int d : pattern) {
            out.add(d < 0 ? null : d);
        }
        return out;
    }
}
