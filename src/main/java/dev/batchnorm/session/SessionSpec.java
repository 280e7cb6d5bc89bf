package dev.batchnorm.session;

import dev.batchnorm.norm.DType;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The effective, immutable constructor arguments of one BatchNorm instance (Sonnet v1's, with
 * defaults filled in). Two specs are equal when a create request would build the same instance,
 * which is what makes a retried create idempotent.
 *
 * @param axes the reduction axes, sorted, or {@code null} for every axis but the last
 * @param updateOpsCollection the collection for pending update ops, or {@code null} for in-place updates
 * @param initializers the explicitly given initializers only (defaults are implied)
 * @param ttlSeconds idle expiry, or {@code null} for none
 */
public record SessionSpec(
        String id,
        int[] axes,
        boolean offset,
        boolean scale,
        double decayRate,
        double eps,
        String updateOpsCollection,
        Map<Variable, StatValue> initializers,
        DType dtype,
        Long ttlSeconds) {

    public static final double DEFAULT_DECAY_RATE = 0.999;
    public static final double DEFAULT_EPS = 1e-3;
    public static final String DEFAULT_COLLECTION = "update_ops";

    public SessionSpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(dtype);
        axes = axes == null ? null : axes.clone();
        EnumMap<Variable, StatValue> copy = new EnumMap<>(Variable.class);
        copy.putAll(initializers);
        initializers = Collections.unmodifiableMap(copy);
    }

    @Override
    public int[] axes() {
        return axes == null ? null : axes.clone();
    }

    /** The same spec under another id: a tenant's namespaced id in the store, or the client's id back. */
    public SessionSpec withId(String newId) {
        return new SessionSpec(newId, axes, offset, scale, decayRate, eps, updateOpsCollection, initializers, dtype, ttlSeconds);
    }

    /** The variables this instance has: the moving statistics always, beta and gamma by flag. */
    public Set<Variable> variables() {
        EnumSet<Variable> vs = EnumSet.of(Variable.MOVING_MEAN, Variable.MOVING_VARIANCE);
        if (offset) {
            vs.add(Variable.BETA);
        }
        if (scale) {
            vs.add(Variable.GAMMA);
        }
        return vs;
    }

    /** The value a variable starts with: its initializer, else Sonnet's default (0, 1, 0, 1). */
    public StatValue initialValue(Variable v) {
        StatValue given = initializers.get(v);
        if (given != null) {
            return given;
        }
        return StatValue.scalar(v == Variable.MOVING_VARIANCE || v == Variable.GAMMA ? 1.0 : 0.0);
    }

    /** Whether training forwards update the moving averages in place (Sonnet's collection None). */
    public boolean updatesInPlace() {
        return updateOpsCollection == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionSpec s
                && id.equals(s.id)
                && Arrays.equals(axes, s.axes)
                && offset == s.offset
                && scale == s.scale
                && Double.compare(decayRate, s.decayRate) == 0
                && Double.compare(eps, s.eps) == 0
                && Objects.equals(updateOpsCollection, s.updateOpsCollection)
                && initializers.equals(s.initializers)
                && dtype == s.dtype
                && Objects.equals(ttlSeconds, s.ttlSeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(axes), offset, scale, decayRate, eps, updateOpsCollection, initializers, dtype, ttlSeconds);
    }

    @Override
    public String toString() {
        return "SessionSpec[" + id + "]";
    }
}
