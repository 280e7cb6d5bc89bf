package dev.batchnorm.session;

import java.time.Instant;
import java.util.Map;

/**
 * A consistent, detached copy of a session without its pending ops.
 *
 * @param uid the incarnation: differs between a deleted session and a new one with its id
 * @param pattern the fixed input shape with reduced axes as -1, or {@code null} before it is fixed
 * @param variables each variable; before the shape is fixed a scalar ({@code shape []}) or flat list
 * @param paramsVersion the version at which beta or gamma were last assigned
 * @param statsVersion the version at which the moving statistics last changed
 * @param expiresAt when an idle session expires, or {@code null}
 */
public record SessionSnapshot(
        SessionSpec spec,
        String uid,
        int[] pattern,
        Map<Variable, StatValue> variables,
        Counters counters,
        long version,
        long paramsVersion,
        long statsVersion,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt) {

    public String id() {
        return spec.id();
    }

    /** The same snapshot under another id (see {@link SessionSpec#withId}). */
    public SessionSnapshot withId(String newId) {
        return new SessionSnapshot(spec.withId(newId), uid, pattern, variables, counters, version, paramsVersion, statsVersion,
                createdAt, updatedAt, expiresAt);
    }

    @Override
    public int[] pattern() {
        return pattern == null ? null : pattern.clone();
    }
}
