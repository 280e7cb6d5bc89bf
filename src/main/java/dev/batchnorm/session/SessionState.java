package dev.batchnorm.session;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.MovingAverage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The whole mutable state of one session and the rules for changing it. Not thread-safe: a store
 * runs each method atomically (under a lock, or its own equivalent). Every method validates
 * everything before it changes anything, so a refused call leaves the state exactly as it was.
 */
public final class SessionState {

    private final SessionSpec spec;
    private final String uid;
    private final Instant createdAt;
    private Instant updatedAt;
    private Instant expiresAt;
    private long version;
    private long paramsVersion;
    private long statsVersion;
    private long pendingElements;
    private int[] pattern;
    private final EnumMap<Variable, StatValue> variables = new EnumMap<>(Variable.class);
    private long forwards;
    private long opsCreated;
    private long opsApplied;
    private long opsDiscarded;
    private long nextOpId = 1;
    private final TreeMap<Long, PendingOp> pending = new TreeMap<>();
    private final IdRanges discarded;

    private SessionState(SessionSpec spec, String uid, Instant createdAt, IdRanges discarded) {
        this.spec = spec;
        this.uid = uid;
        this.createdAt = createdAt;
        this.discarded = discarded;
    }

    /**
     * A new session at version 1. An initializer of rank >= 2 fixes the input shape at once.
     *
     * @throws IllegalArgumentException when array initializers disagree or do not fit the axes
     */
    public static SessionState create(SessionSpec spec, Instant now) {
        SessionState s = new SessionState(spec, UUID.randomUUID().toString(), now, new IdRanges());
        s.updatedAt = now;
        s.version = 1;
        s.paramsVersion = 1;
        s.statsVersion = 1;
        s.expiresAt = spec.ttlSeconds() == null ? null : now.plusSeconds(spec.ttlSeconds());
        for (Variable v : spec.variables()) {
            s.variables.put(v, spec.initialValue(v));
        }
        for (Variable v : spec.variables()) {
            StatValue value = s.variables.get(v);
            if (value.rank() >= 2) {
                int[] p = ShapeRules.patternFromStats(value.shape(), spec.axes());
                if (s.pattern != null && !Arrays.equals(s.pattern, p)) {
                    throw new IllegalArgumentException("the initializers imply different statistics shapes");
                }
                s.pattern = p;
            }
        }
        if (s.pattern != null) {
            try {
                s.variables.putAll(fitAll(s.variables, s.pattern, null));
            } catch (ShapeMismatchException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        return s;
    }

    /**
     * A session's state rebuilt from a snapshot, without its pending ops: for stores that keep
     * the ops elsewhere and run a variable assignment's rules on it.
     */
    public static SessionState restore(SessionSnapshot s) {
        SessionState state = new SessionState(s.spec(), s.uid(), s.createdAt(), new IdRanges());
        state.updatedAt = s.updatedAt();
        state.expiresAt = s.expiresAt();
        state.version = s.version();
        state.paramsVersion = s.paramsVersion();
        state.statsVersion = s.statsVersion();
        state.pattern = s.pattern();
        state.variables.putAll(s.variables());
        return state;
    }

    /**
     * This new session under another id (a tenant's namespaced id in the store), before it is
     * stored; its incarnation stays the same.
     *
     * @throws IllegalStateException when the session has been used (a forward, an op, an assignment)
     */
    public SessionState withId(String id) {
        if (version != 1 || forwards != 0 || opsCreated != 0 || !pending.isEmpty()) {
            throw new IllegalStateException("only a new session can take another id");
        }
        return restore(snapshot().withId(id));
    }

    public SessionSpec spec() {
        return spec;
    }

    public String id() {
        return spec.id();
    }

    public String uid() {
        return uid;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public long pendingCount() {
        return pending.size();
    }

    /** Marks the session as used now: an idle expiry starts again. */
    public void touch(Instant now) {
        if (spec.ttlSeconds() != null) {
            expiresAt = now.plusSeconds(spec.ttlSeconds());
        }
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public SessionSnapshot snapshot() {
        return new SessionSnapshot(spec, uid, pattern, Collections.unmodifiableMap(new EnumMap<>(variables)),
                new Counters(forwards, opsCreated, opsApplied, pending.size(), opsDiscarded),
                version, paramsVersion, statsVersion, createdAt, updatedAt, expiresAt);
    }

    /** Pending ops with ids greater than {@code afterId}, in id order, at most {@code limit}. */
    public PendingPage pendingAfter(long afterId, int limit) {
        List<PendingOp> out = new ArrayList<>(Math.min(limit, pending.size()));
        for (PendingOp op : pending.tailMap(afterId, false).values()) {
            if (out.size() == limit) {
                break;
            }
            out.add(op);
        }
        return new PendingPage(out, pending.size(), spec.dtype());
    }

    /**
     * Commits a computed forward: checks the incarnation and parameters it was computed from,
     * fixes or checks the input shape, counts it, and applies or defers its two update ops.
     *
     * @throws StaleSnapshotException when the forward must be recomputed
     * @throws ShapeMismatchException when the input does not fit the session's shape
     * @throws LimitExceededException when deferring would pass a pending-ops limit
     */
    public ForwardReceipt commitForward(ForwardCommit c, Limits limits) {
        if (!uid.equals(c.uid())) {
            throw new SessionNotFoundException(spec.id()); // the id now names another session
        }
        if (paramsVersion != c.paramsVersion() || c.statsVersion() >= 0 && statsVersion != c.statsVersion()) {
            throw new StaleSnapshotException();
        }
        EnumMap<Variable, StatValue> fitted = pattern == null ? fitAll(variables, c.pattern(), c.inputShape()) : null;
        if (pattern != null && !Arrays.equals(pattern, c.pattern())) {
            throw ShapeRules.mismatch(pattern, c.inputShape());
        }
        if (c.mode() == UpdateMode.DEFER) {
            long elements = 2L * c.batchMean().length;
            if (pending.size() + 2L > limits.maxPendingOpsPerSession()) {
                throw new LimitExceededException(LimitExceededException.Limit.PENDING_OPS, limits.maxPendingOpsPerSession(),
                        "The session has " + pending.size() + " pending update ops and allows " + limits.maxPendingOpsPerSession()
                                + "; apply or discard them before more training forwards.");
            }
            if (pendingElements + elements > limits.maxPendingElementsPerSession()) {
                throw new LimitExceededException(LimitExceededException.Limit.PENDING_OPS, limits.maxPendingElementsPerSession(),
                        "The session's pending update ops hold " + pendingElements + " values and it allows "
                                + limits.maxPendingElementsPerSession() + "; apply or discard them before more training forwards.");
            }
        }
        // every check passed; the new variables are computed before anything is installed,
        // so an update that overflows the dtype leaves the session as it was
        EnumMap<Variable, StatValue> next = new EnumMap<>(variables);
        if (fitted != null) {
            next.putAll(fitted);
        }
        if (c.mode() == UpdateMode.APPLY) {
            updateVariable(next, Variable.MOVING_MEAN, c.batchMean(), spec.decayRate());
            updateVariable(next, Variable.MOVING_VARIANCE, c.batchVariance(), spec.decayRate());
        }
        variables.putAll(next);
        if (fitted != null) {
            pattern = c.pattern().clone();
        }
        forwards++;
        long[] ids = new long[0];
        switch (c.mode()) {
            case NONE -> {}
            case APPLY -> {
                opsCreated += 2;
                opsApplied += 2;
                statsVersion = version + 1;
            }
            case DEFER -> {
                opsCreated += 2;
                ids = new long[] {nextOpId, nextOpId + 1};
                int[] statsShape = ShapeRules.statsShape(pattern);
                pending.put(nextOpId, new PendingOp(nextOpId, spec.updateOpsCollection(), Variable.MOVING_MEAN,
                        new StatValue(statsShape, c.batchMean()), spec.decayRate(), c.now()));
                pending.put(nextOpId + 1, new PendingOp(nextOpId + 1, spec.updateOpsCollection(), Variable.MOVING_VARIANCE,
                        new StatValue(statsShape, c.batchVariance()), spec.decayRate(), c.now()));
                nextOpId += 2;
                pendingElements += 2L * c.batchMean().length;
            }
        }
        if (fitted != null || c.mode() != UpdateMode.NONE) {
            version++;
        }
        updatedAt = c.now();
        touch(c.now());
        return new ForwardReceipt(version, ids, c.mode() == UpdateMode.APPLY);
    }

    /**
     * Applies the selected pending ops in id order, atomically.
     *
     * @throws UpdateOpsException when an id never existed or was discarded (nothing is applied)
     */
    public ApplyReceipt apply(OpSelector selector, Instant now) {
        Selection sel = select(selector, true);
        EnumMap<Variable, StatValue> next = new EnumMap<>(variables);
        for (PendingOp op : sel.pending) {
            updateVariable(next, op.variable(), op.value().data(), op.decay());
        }
        variables.putAll(next);
        for (PendingOp op : sel.pending) {
            pending.remove(op.id());
            pendingElements -= op.value().size();
        }
        opsApplied += sel.pending.size();
        if (!sel.pending.isEmpty()) {
            version++;
            statsVersion = version;
            updatedAt = now;
        }
        touch(now);
        return new ApplyReceipt(ids(sel.pending), sel.notPending, Collections.unmodifiableMap(new EnumMap<>(variables)), spec.dtype(), version);
    }

    /**
     * Discards the selected pending ops.
     *
     * @throws UpdateOpsException when an id never existed (nothing is discarded)
     */
    public DiscardReceipt discard(OpSelector selector, Instant now) {
        Selection sel = select(selector, false);
        for (PendingOp op : sel.pending) {
            pending.remove(op.id());
            pendingElements -= op.value().size();
            discarded.add(op.id());
        }
        opsDiscarded += sel.pending.size();
        if (!sel.pending.isEmpty()) {
            version++;
            updatedAt = now;
        }
        touch(now);
        return new DiscardReceipt(ids(sel.pending), sel.notPending, version);
    }

    /**
     * Assigns one variable. A rank >= 2 value before the shape is fixed fixes it.
     *
     * @return the value as stored, with the new version
     * @param expectedUid the incarnation the caller read (the value was parsed in its dtype), or {@code null}
     * @param ifMatch the version the caller read, or {@code null} for an unconditional write
     * @throws SessionNotFoundException when the id now names another incarnation
     * @throws VariableNotFoundException when the session has no such variable
     * @throws VersionMismatchException when {@code ifMatch} is stale
     * @throws ShapeMismatchException when the value does not fit the statistics' shape
     */
    public AssignReceipt assign(Variable variable, StatValue value, String expectedUid, Long ifMatch, Instant now) {
        if (expectedUid != null && !expectedUid.equals(uid)) {
            throw new SessionNotFoundException(spec.id());
        }
        if (!variables.containsKey(variable)) {
            throw new VariableNotFoundException(variable.wireName());
        }
        if (ifMatch != null && ifMatch != version) {
            throw new VersionMismatchException(ifMatch, version);
        }
        if (pattern != null) {
            int[] statsShape = ShapeRules.statsShape(pattern);
            StatValue fit = value.fitTo(statsShape, sizeOf(statsShape));
            if (fit == null) {
                throw new ShapeMismatchException("The statistics' shape is " + ShapeRules.describe(statsShape) + "; a value of shape "
                        + ShapeRules.describe(value.shape()) + " does not fit (a scalar or a flat list of " + sizeOf(statsShape) + " values does).");
            }
            variables.put(variable, fit);
        } else if (value.rank() >= 2) {
            int[] p;
            try {
                p = ShapeRules.patternFromStats(value.shape(), spec.axes());
            } catch (IllegalArgumentException e) {
                throw new ShapeMismatchException(e.getMessage());
            }
            EnumMap<Variable, StatValue> others = new EnumMap<>(variables);
            others.put(variable, value);
            EnumMap<Variable, StatValue> fitted = fitAll(others, p, null);
            pattern = p;
            variables.putAll(fitted);
        } else {
            if (value.rank() == 1) {
                for (Map.Entry<Variable, StatValue> e : variables.entrySet()) {
                    if (e.getKey() != variable && e.getValue().rank() == 1 && e.getValue().size() != value.size()) {
                        throw new ShapeMismatchException("A flat list of " + value.size() + " values does not fit: "
                                + e.getKey().wireName() + " already has " + e.getValue().size() + ".");
                    }
                }
            }
            variables.put(variable, value);
        }
        version++;
        if (variable == Variable.MOVING_MEAN || variable == Variable.MOVING_VARIANCE) {
            statsVersion = version;
        } else {
            paramsVersion = version;
        }
        updatedAt = now;
        touch(now);
        return new AssignReceipt(variables.get(variable), version);
    }

    private record Selection(List<PendingOp> pending, long[] notPending) {}

    private Selection select(OpSelector selector, boolean refuseDiscarded) {
        return switch (selector) {
            case OpSelector.All a -> new Selection(new ArrayList<>(pending.values()), new long[0]);
            case OpSelector.InCollection c -> new Selection(
                    c.collection().equals(spec.updateOpsCollection()) ? new ArrayList<>(pending.values()) : List.of(), new long[0]);
            case OpSelector.Through t -> {
                requireExisted(new long[] {t.id()});
                NavigableMap<Long, PendingOp> head = pending.headMap(t.id(), true);
                yield new Selection(new ArrayList<>(head.values()), new long[0]);
            }
            case OpSelector.Ids i -> {
                long[] ids = i.ids();
                requireExisted(ids);
                List<PendingOp> found = new ArrayList<>();
                List<Long> notPending = new ArrayList<>();
                List<Long> wasDiscarded = new ArrayList<>();
                for (long id : ids) {
                    PendingOp op = pending.get(id);
                    if (op != null) {
                        found.add(op);
                    } else {
                        notPending.add(id);
                        if (discarded.contains(id)) {
                            wasDiscarded.add(id);
                        }
                    }
                }
                if (refuseDiscarded && !wasDiscarded.isEmpty()) {
                    throw new UpdateOpsException(UpdateOpsException.Reason.DISCARDED, toArray(wasDiscarded));
                }
                yield new Selection(found, toArray(notPending));
            }
        };
    }

    private void requireExisted(long[] ids) {
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            if (id < 1 || id >= nextOpId) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            throw new UpdateOpsException(UpdateOpsException.Reason.NOT_FOUND, toArray(missing));
        }
    }

    /** One moving-average step on {@code vars}; throws before writing when the dtype overflows. */
    private void updateVariable(Map<Variable, StatValue> vars, Variable v, double[] value, double decay) {
        StatValue current = vars.get(v);
        double[] data = current.data();
        DType dtype = spec.dtype();
        MovingAverage.update(data, value, MovingAverage.rate(decay, dtype), dtype);
        vars.put(v, new StatValue(current.shape(), data));
    }

    /**
     * Lays every value out in the statistics' shape of pattern {@code p}: scalars are broadcast,
     * flat lists must have the statistics' size.
     *
     * @throws ShapeMismatchException when a value does not fit
     */
    public static EnumMap<Variable, StatValue> fitAll(Map<Variable, StatValue> values, int[] p, int[] inputShape) {
        int[] statsShape = ShapeRules.statsShape(p);
        int size = sizeOf(statsShape);
        EnumMap<Variable, StatValue> out = new EnumMap<>(Variable.class);
        for (Map.Entry<Variable, StatValue> e : values.entrySet()) {
            StatValue fit = e.getValue().fitTo(statsShape, size);
            if (fit == null) {
                throw new ShapeMismatchException(e.getKey().wireName() + " has shape " + ShapeRules.describe(e.getValue().shape())
                        + ", which does not fit the statistics' shape " + ShapeRules.describe(statsShape)
                        + (inputShape == null ? "" : " of an input of shape " + ShapeRules.describe(inputShape)) + ".");
            }
            out.put(e.getKey(), fit);
        }
        return out;
    }


    private static int sizeOf(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static long[] ids(List<PendingOp> ops) {
        long[] out = new long[ops.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ops.get(i).id();
        }
        return out;
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
