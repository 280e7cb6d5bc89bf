package dev.batchnorm.session;

import dev.batchnorm.norm.BatchNormKernel;
import dev.batchnorm.norm.Moments;
import dev.batchnorm.norm.ReductionPlan;
import dev.batchnorm.norm.Tensor;
import dev.batchnorm.store.SessionStore;
import java.time.Clock;
import java.util.Map;

/**
 * Runs a forward: computes the outputs from a snapshot, then commits the forward's effect
 * atomically; recomputes when the snapshot's parameters changed before the commit. When the
 * batch's own moments prove that no output can overflow, the outputs are computed after the
 * commit instead, in place in the input's array: a large batch then costs no output allocation,
 * and its last pass reads and writes the same memory.
 */
public final class ForwardService {

    private static final int MAX_ATTEMPTS = 16;

    /** The mode flags of one forward (Sonnet's {@code is_training} and {@code test_local_stats}). */
    public record Flags(boolean isTraining, boolean testLocalStats, boolean applyUpdates) {

        /** Sonnet v1: {@code use_batch_stats = is_training | test_local_stats}. */
        public boolean usesBatchStats() {
            return isTraining || testLocalStats;
        }
    }

    /**
     * A forward's result.
     *
     * @param batchStats the batch's moments when they normalized the input, else {@code null}
     */
    public record Result(Tensor outputs, int[] statsShape, Moments batchStats, ForwardReceipt receipt) {}

    private final SessionStore store;
    private final Limits limits;
    private final Clock clock;

    public ForwardService(SessionStore store, Limits limits, Clock clock) {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Runs one forward of {@code input} on the session {@code read} was read from.
     *
     * @param input the request's own tensor, handed over: the outputs may be written into its array
     *     (the result's outputs then share it)
     * @throws ShapeMismatchException when the input does not fit the session
     * @throws dev.batchnorm.norm.NonFiniteResultException when statistics or outputs overflow the dtype
     */
    public Result forward(SessionSnapshot read, Tensor input, Flags flags) {
        SessionSpec spec = read.spec();
        ReductionPlan plan;
        try {
            plan = ReductionPlan.of(input.shape(), spec.axes());
        } catch (IllegalArgumentException e) {
            throw new ShapeMismatchException("The session's axes do not fit an input of shape " + ShapeRules.describe(input.shape()) + ": " + e.getMessage());
        }
        int[] pattern = ShapeRules.pattern(plan);
        Moments batch = flags.usesBatchStats() ? BatchNormKernel.moments(input, plan) : null;
        UpdateMode mode = !flags.isTraining() ? UpdateMode.NONE
                : spec.updatesInPlace() || flags.applyUpdates() ? UpdateMode.APPLY : UpdateMode.DEFER;
        if (plan.statsSize() > limits.maxStatisticsElements()) {
            throw new LimitExceededException(LimitExceededException.Limit.STATISTICS, limits.maxStatisticsElements(),
                    "This input has " + plan.statsSize() + " statistics per moment; the service allows " + limits.maxStatisticsElements() + ".");
        }
        SessionSnapshot snap = read;
        boolean refreshed = false;
        for (int attempt = 1; ; attempt++) {
            Normalization norm;
            try {
                norm = Normalization.of(snap, input, pattern, batch);
            } catch (ShapeMismatchException e) {
                // the snapshot may be a cached one of a session since re-created: look once more before refusing
                SessionSnapshot fresh = refreshed ? null : store.find(spec.id()).orElseThrow(() -> new SessionNotFoundException(spec.id()));
                if (fresh == null || fresh.uid().equals(snap.uid()) && fresh.version() == snap.version()) {
                    throw e;
                }
                refreshed = true;
                snap = requireSameSpec(fresh, spec);
                continue;
            }
            // an error must come before the commit changes anything: outputs that could overflow are
            // computed now, into a new array (a retry needs the input intact); the others after it
            boolean afterCommit = batch != null && BatchNormKernel.outputsBounded(batch, plan, norm.beta(), norm.gamma(),
                    norm.eps(), input.dtype());
            Tensor outputs = afterCommit ? null : norm.apply(input, plan, null);
            // the commit checks what the outputs were computed from: beta and gamma always, the
            // moving statistics only when they normalized the input
            ForwardCommit commit = new ForwardCommit(snap.uid(), snap.paramsVersion(), batch == null ? snap.statsVersion() : -1,
                    pattern, input.shape(), mode, batch == null ? null : batch.mean(), batch == null ? null : batch.variance(), clock.instant());
            try {
                ForwardReceipt receipt = store.commitForward(spec.id(), commit, limits);
                if (afterCommit) {
                    outputs = norm.apply(input, plan, input);
                }
                return new Result(outputs, plan.statsShape(), batch, receipt);
            } catch (SessionNotFoundException e) {
                // the snapshot may have come from a cache: a session re-created under the id since
                // is served if the input (parsed in the read dtype) still means the same numbers
                SessionSnapshot fresh = store.find(spec.id()).orElseThrow(() -> e);
                if (fresh.uid().equals(snap.uid()) || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                snap = requireSameSpec(fresh, spec);
            } catch (StaleSnapshotException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new ContentionException("The session's variables changed " + MAX_ATTEMPTS
                            + " times while this forward ran; nothing was changed. Retry it.");
                }
                snap = requireSameSpec(store.find(spec.id()).orElseThrow(() -> new SessionNotFoundException(spec.id())), spec);
            }
        }
    }

    /** The input was read and planned for {@code spec}; a session re-created with another spec cannot take it. */
    private static SessionSnapshot requireSameSpec(SessionSnapshot fresh, SessionSpec spec) {
        if (!fresh.spec().equals(spec)) {
            throw new ContentionException("The session was replaced by one with another spec while this forward ran; nothing was changed. Retry it.");
        }
        return fresh;
    }

    /** What the forward pass takes from a snapshot: the statistics that normalize, beta, gamma and eps. */
    private record Normalization(double[] mean, double[] variance, double[] beta, double[] gamma, double eps) {

        static Normalization of(SessionSnapshot snap, Tensor input, int[] pattern, Moments batch) {
            int[] snapPattern = snap.pattern();
            if (snapPattern != null && !java.util.Arrays.equals(snapPattern, pattern)) {
                throw ShapeRules.mismatch(snapPattern, input.shape());
            }
            // before the shape is fixed, every variable must fit this input's statistics (and is laid out for it)
            Map<Variable, StatValue> vars = snapPattern == null
                    ? SessionState.fitAll(snap.variables(), pattern, input.shape()) : snap.variables();
            SessionSpec spec = snap.spec();
            return new Normalization(
                    batch != null ? batch.mean() : vars.get(Variable.MOVING_MEAN).data(),
                    batch != null ? batch.variance() : vars.get(Variable.MOVING_VARIANCE).data(),
                    spec.offset() ? vars.get(Variable.BETA).data() : null,
                    spec.scale() ? vars.get(Variable.GAMMA).data() : null,
                    spec.eps());
        }

        /** The outputs, into {@code into} (which may be the input) or a new tensor when it is null. */
        Tensor apply(Tensor input, ReductionPlan plan, Tensor into) {
            return BatchNormKernel.normalize(input, plan, mean, variance, beta, gamma, eps, into);
        }
    }
}
