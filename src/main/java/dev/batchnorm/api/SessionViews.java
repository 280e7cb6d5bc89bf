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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How sessions look on the wire. */
final class SessionViews {

    private SessionViews() {}

    /** The effective constructor arguments, defaults filled in. */
    record SpecView(String id, int[] axis, boolean offset, boolean scale, double decayRate, double eps,
            String updateOpsCollection, @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, InitializerBody> initializers,
            String dtype, Long ttlSeconds) {

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
    record SessionView(
            String id,
            SpecView spec,
            List<Integer> inputShape,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, FlatTensor> variables,
            Counters counters,
            long version,
            Instant createdAt,
            Instant updatedAt,
            Instant expiresAt) {

        static SessionView of(SessionSnapshot s, boolean withVariables) {
            return new SessionView(s.id(), SpecView.of(s.spec(), withVariables), SessionViews.inputShape(s.pattern()),
                    withVariables ? SessionViews.variables(s.spec().dtype(), s.variables()) : null, s.counters(), s.version(),
                    s.createdAt(), s.updatedAt(), s.expiresAt());
        }
    }

    /** The session list page. */
    record SessionPage(List<SessionView> sessions, String nextPageToken) {}

    /** The variables with the version they belong to. */
    record VariablesView(Map<String, FlatTensor> variables, long version) {}

    /** One assigned variable. */
    record VariableView(String name, FlatTensor value, long version) {}

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
