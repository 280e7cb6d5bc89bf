package dev.batchnorm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchnorm.norm.DType;
import dev.batchnorm.session.ApplyReceipt;
import dev.batchnorm.session.DiscardReceipt;
import dev.batchnorm.session.ForwardCommit;
import dev.batchnorm.session.ForwardReceipt;
import dev.batchnorm.session.LimitExceededException;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.OpSelector;
import dev.batchnorm.session.PendingOp;
import dev.batchnorm.session.SessionNotFoundException;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.SessionState;
import dev.batchnorm.session.ShapeMismatchException;
import dev.batchnorm.session.StaleSnapshotException;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.UpdateMode;
import dev.batchnorm.session.UpdateOpsException;
import dev.batchnorm.session.Variable;
import dev.batchnorm.session.VersionMismatchException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SessionStore} must have. Each backend runs it through a subclass.
 * Expected numbers come from SEMANTICS.md section (e), not from the code under test.
 */
abstract class SessionStoreContractTests {

    static final Limits LIMITS = new Limits(1000, 100_000, 1_000_000, 1_000_000);
    /** The E1 batch's statistics: mean [2, 2], biased variance [2/3, 8], as float32. */
    static final double[] E1_MEAN = {2, 2};
    static final double[] E1_VAR = {(float) (2.0 / 3.0), 8};
    static final int[] PATTERN = {-1, 2};
    static final int[] INPUT = {3, 2};

    protected final MutableClock clock = new MutableClock();
    protected SessionStore store;

    /** A fresh, empty store using {@link #clock}. */
    protected abstract SessionStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    static SessionSpec spec(String id, String collection) {
        return new SessionSpec(id, null, true, false, 0.999, 1e-3, collection, Map.of(), DType.FLOAT32, null);
    }

    SessionSnapshot create(String id, String collection) {
        assertThat(store.createIfAbsent(SessionState.create(spec(id, collection), clock.instant()), 1000)).isEmpty();
        return store.find(id).orElseThrow();
    }

    ForwardReceipt forward(SessionSnapshot s, UpdateMode mode) {
        return store.commitForward(s.id(), new ForwardCommit(s.uid(), s.paramsVersion(), -1, PATTERN, INPUT, mode,
                mode == UpdateMode.NONE ? null : E1_MEAN.clone(), mode == UpdateMode.NONE ? null : E1_VAR.clone(), clock.instant()), LIMITS);
    }

    @Test
    void createIfAbsent_ExistingId_ShouldReturnExistingAndStoreNothing() {
        SessionSnapshot first = create("a", "update_ops");
        var again = store.createIfAbsent(SessionState.create(spec("a", null), clock.instant()), 1000);
        assertThat(again).isPresent();
        assertThat(again.get().uid()).isEqualTo(first.uid());
        assertThat(store.find("a").orElseThrow().spec().updateOpsCollection()).isEqualTo("update_ops");
        assertThat(store.sessionCount()).isEqualTo(1);
    }

    @Test
    void createIfAbsent_AtSessionLimit_ShouldRefuse() {
        create("a", "c");
        create("b", "c");
        assertThatThrownBy(() -> store.createIfAbsent(SessionState.create(spec("c", "c"), clock.instant()), 2))
                .isInstanceOf(LimitExceededException.class);
        assertThat(store.find("c")).isEmpty();
        assertThat(store.sessionCount()).isEqualTo(2);
    }

    @Test
    void find_NewSession_ShouldHaveSonnetDefaultsAndVersionOne() {
        SessionSnapshot s = create("a", "update_ops");
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.pattern()).isNull();
        assertThat(s.variables()).containsOnlyKeys(Variable.MOVING_MEAN, Variable.MOVING_VARIANCE, Variable.BETA);
        assertThat(s.variables().get(Variable.MOVING_VARIANCE)).isEqualTo(StatValue.scalar(1));
        assertThat(s.counters().forwards()).isZero();
    }

    @Test
    void delete_Session_ShouldRemoveItAndItsPendingOps() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        assertThat(store.pendingOpCount()).isEqualTo(2);
        assertThat(store.delete("a")).isTrue();
        assertThat(store.delete("a")).isFalse();
        assertThat(store.find("a")).isEmpty();
        assertThat(store.pendingOpCount()).isZero();
        assertThat(store.sessionsWithPendingOps("update_ops", null, 10)).isEmpty();
        assertThatThrownBy(() -> store.pendingOps("a", 0, 10)).isInstanceOf(SessionNotFoundException.class);
    }

    @Test
    void list_ShouldPageInIdOrder() {
        for (String id : List.of("c", "a", "d", "b")) {
            create(id, "x");
        }
        assertThat(store.list(null, 3)).extracting(SessionSnapshot::id).containsExactly("a", "b", "c");
        assertThat(store.list("c", 3)).extracting(SessionSnapshot::id).containsExactly("d");
    }

    @Test
    void commitForward_Deferred_ShouldCreateTwoPendingOpsWithIncreasingIds() {
        SessionSnapshot s = create("a", "update_ops");
        ForwardReceipt r1 = forward(s, UpdateMode.DEFER);
        ForwardReceipt r2 = forward(s, UpdateMode.DEFER);
        assertThat(r1.opIds()).containsExactly(1, 2);
        assertThat(r2.opIds()).containsExactly(3, 4);
        assertThat(r2.updatesApplied()).isFalse();
        List<PendingOp> ops = store.pendingOps("a", 0, 10).ops();
        assertThat(store.pendingOps("a", 0, 1).total()).isEqualTo(4);
        assertThat(ops).extracting(PendingOp::id).containsExactly(1L, 2L, 3L, 4L);
        assertThat(ops.get(0).variable()).isEqualTo(Variable.MOVING_MEAN);
        assertThat(ops.get(1).value().data()).containsExactly(E1_VAR);
        assertThat(ops.get(1).value().shape()).containsExactly(1, 2);
        assertThat(ops.get(0).collection()).isEqualTo("update_ops");
        SessionSnapshot after = store.find("a").orElseThrow();
        assertThat(after.counters().updateOpsPending()).isEqualTo(4);
        assertThat(after.counters().updateOpsCreated()).isEqualTo(4);
        assertThat(after.variables().get(Variable.MOVING_MEAN).data()).containsExactly(0, 0);
        assertThat(after.pattern()).containsExactly(-1, 2);
        assertThat(store.sessionsWithPendingOps("update_ops", null, 10)).containsExactly("a");
    }

    @Test
    void commitForward_InPlace_ShouldApplySonnetUpdateOnce() {
        SessionSnapshot s = create("a", null);
        ForwardReceipt r = forward(s, UpdateMode.APPLY);
        assertThat(r.updatesApplied()).isTrue();
        assertThat(r.opIds()).isEmpty();
        SessionSnapshot after = store.find("a").orElseThrow();
        // SEMANTICS E2: mm = [0.002, 0.002], mv = [0.9996666667, 1.007] (float32)
        assertThat(after.variables().get(Variable.MOVING_MEAN).data()).containsExactly(0.002f, 0.002f);
        double[] mv = after.variables().get(Variable.MOVING_VARIANCE).data();
        assertThat(mv[0]).isCloseTo(0.9996666667, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(mv[1]).isCloseTo(1.007, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(after.counters().updateOpsApplied()).isEqualTo(2);
        assertThat(after.counters().updateOpsPending()).isZero();
        assertThat(after.version()).isEqualTo(s.version() + 1);
    }

    @Test
    void commitForward_Inference_ShouldCountButNotChangeVariablesOrOps() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.NONE);
        SessionSnapshot after = store.find("a").orElseThrow();
        assertThat(after.counters().forwards()).isEqualTo(1);
        assertThat(after.counters().updateOpsCreated()).isZero();
        assertThat(after.variables().get(Variable.MOVING_MEAN).data()).containsExactly(0, 0);
    }

    @Test
    void commitForward_StaleParams_ShouldChangeNothing() {
        SessionSnapshot s = create("a", "update_ops");
        store.assign("a", Variable.BETA, StatValue.scalar(1), null, null);
        SessionSnapshot before = store.find("a").orElseThrow();
        assertThatThrownBy(() -> forward(s, UpdateMode.DEFER)).isInstanceOf(StaleSnapshotException.class);
        SessionSnapshot after = store.find("a").orElseThrow();
        assertThat(after.version()).isEqualTo(before.version());
        assertThat(after.counters()).isEqualTo(before.counters());
    }

    @Test
    void commitForward_OtherShape_ShouldBeRefusedAndChangeNothing() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        SessionSnapshot before = store.find("a").orElseThrow();
        assertThatThrownBy(() -> store.commitForward("a", new ForwardCommit(s.uid(), s.paramsVersion(), -1, new int[] {-1, 3}, new int[] {4, 3},
                UpdateMode.DEFER, new double[3], new double[3], clock.instant()), LIMITS)).isInstanceOf(ShapeMismatchException.class);
        SessionSnapshot after = store.find("a").orElseThrow();
        assertThat(after.counters()).isEqualTo(before.counters());
        assertThat(after.version()).isEqualTo(before.version());
    }

    @Test
    void commitForward_PastPendingLimit_ShouldBeRefusedAndChangeNothing() {
        SessionSnapshot s = create("a", "update_ops");
        ForwardCommit c = new ForwardCommit(s.uid(), s.paramsVersion(), -1, PATTERN, INPUT, UpdateMode.DEFER, E1_MEAN, E1_VAR, clock.instant());
        Limits four = new Limits(1000, 4, 1000, 1000);
        store.commitForward("a", c, four);
        store.commitForward("a", c, four);
        assertThatThrownBy(() -> store.commitForward("a", c, four)).isInstanceOf(LimitExceededException.class);
        // the element budget: each op holds 2 values here, so 8 values allow 4 ops
        assertThatThrownBy(() -> store.commitForward("a", c, new Limits(1000, 100, 9, 1000))).isInstanceOf(LimitExceededException.class);
        assertThat(store.find("a").orElseThrow().counters().updateOpsPending()).isEqualTo(4);
        assertThat(store.find("a").orElseThrow().counters().forwards()).isEqualTo(2);
    }

    @Test
    void commitForward_UnknownSession_ShouldThrowNotFound() {
        SessionSnapshot s = create("a", "x");
        store.delete("a");
        assertThatThrownBy(() -> forward(s, UpdateMode.NONE)).isInstanceOf(SessionNotFoundException.class);
    }

    @Test
    void apply_All_ShouldApplyInIdOrderAndReportRetriesAsAlreadyApplied() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        forward(s, UpdateMode.DEFER);
        ApplyReceipt r = store.apply("a", new OpSelector.All());
        assertThat(r.applied()).containsExactly(1, 2, 3, 4);
        // SEMANTICS E2, two updates with the same batch: mm = [0.003998, 0.003998], mv = [0.9993336667, 1.013993]
        assertThat(r.variables().get(Variable.MOVING_MEAN).data()[0]).isCloseTo(0.003998, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(r.variables().get(Variable.MOVING_VARIANCE).data()[1]).isCloseTo(1.013993, org.assertj.core.data.Offset.offset(1e-6));
        ApplyReceipt retry = store.apply("a", new OpSelector.Ids(new long[] {1, 2, 3, 4}));
        assertThat(retry.applied()).isEmpty();
        assertThat(retry.alreadyApplied()).containsExactly(1, 2, 3, 4);
        assertThat(retry.version()).isEqualTo(r.version());
        assertThat(store.find("a").orElseThrow().counters().updateOpsApplied()).isEqualTo(4);
        assertThat(store.pendingOpCount()).isZero();
        assertThat(store.sessionsWithPendingOps("update_ops", null, 10)).isEmpty();
    }

    @Test
    void apply_ThroughId_ShouldApplyOnlyUpToIt() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        forward(s, UpdateMode.DEFER);
        assertThat(store.apply("a", new OpSelector.Through(2)).applied()).containsExactly(1, 2);
        assertThat(store.pendingOps("a", 0, 10).ops()).extracting(PendingOp::id).containsExactly(3L, 4L);
    }

    @Test
    void apply_IdThatNeverExisted_ShouldApplyNothing() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        SessionSnapshot before = store.find("a").orElseThrow();
        assertThatThrownBy(() -> store.apply("a", new OpSelector.Ids(new long[] {1, 7})))
                .isInstanceOfSatisfying(UpdateOpsException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UpdateOpsException.Reason.NOT_FOUND);
                    assertThat(e.ids()).containsExactly(7);
                });
        assertThatThrownBy(() -> store.apply("a", new OpSelector.Through(9))).isInstanceOf(UpdateOpsException.class);
        SessionSnapshot after = store.find("a").orElseThrow();
        assertThat(after.version()).isEqualTo(before.version());
        assertThat(after.counters().updateOpsPending()).isEqualTo(2);
    }

    @Test
    void apply_DiscardedId_ShouldBeRefused() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        DiscardReceipt d = store.discard("a", new OpSelector.Ids(new long[] {1}));
        assertThat(d.discarded()).containsExactly(1);
        assertThatThrownBy(() -> store.apply("a", new OpSelector.Ids(new long[] {1, 2})))
                .isInstanceOfSatisfying(UpdateOpsException.class, e -> assertThat(e.reason()).isEqualTo(UpdateOpsException.Reason.DISCARDED));
        assertThat(store.pendingOps("a", 0, 10).ops()).extracting(PendingOp::id).containsExactly(2L);
    }

    @Test
    void discard_ShouldReportOpsNoLongerPendingAndNeverReuseIds() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        store.apply("a", new OpSelector.Ids(new long[] {1}));
        DiscardReceipt d = store.discard("a", new OpSelector.All());
        assertThat(d.discarded()).containsExactly(2);
        DiscardReceipt again = store.discard("a", new OpSelector.Ids(new long[] {1, 2}));
        assertThat(again.discarded()).isEmpty();
        assertThat(again.notPending()).containsExactly(1, 2);
        assertThat(forward(s, UpdateMode.DEFER).opIds()).containsExactly(3, 4);
        assertThat(store.find("a").orElseThrow().counters().updateOpsDiscarded()).isEqualTo(1);
    }

    @Test
    void assign_WithStaleIfMatch_ShouldBeRefused() {
        SessionSnapshot s = create("a", "update_ops");
        assertThatThrownBy(() -> store.assign("a", Variable.MOVING_MEAN, StatValue.scalar(5), null, s.version() + 1))
                .isInstanceOf(VersionMismatchException.class);
        var r = store.assign("a", Variable.MOVING_MEAN, new StatValue(new int[] {1, 2}, new double[] {10, 10}), s.uid(), s.version());
        assertThat(r.version()).isEqualTo(s.version() + 1);
        SessionSnapshot after = store.find("a").orElseThrow();
        assertThat(after.pattern()).containsExactly(-1, 2);
        assertThat(after.variables().get(Variable.MOVING_VARIANCE)).isEqualTo(new StatValue(new int[] {1, 2}, new double[] {1, 1}));
        assertThatThrownBy(() -> store.assign("a", Variable.MOVING_MEAN, new StatValue(new int[] {3}, new double[3]), null, null))
                .isInstanceOf(ShapeMismatchException.class);
    }

    @Test
    void ttl_IdleSession_ShouldExpireAndUseShouldRefreshIt() throws InterruptedException {
        SessionSpec spec = new SessionSpec("t", null, true, false, 0.999, 1e-3, "update_ops", Map.of(), DType.FLOAT32, 60L);
        store.createIfAbsent(SessionState.create(spec, clock.instant()), 1000);
        clock.advance(Duration.ofSeconds(50));
        assertThat(store.find("t")).isPresent();
        clock.advance(Duration.ofSeconds(50));
        assertThat(store.find("t")).isPresent();
        clock.advance(Duration.ofSeconds(61));
        assertThat(store.find("t")).isEmpty();
        assertThat(store.list(null, 10)).isEmpty();
    }

    @Test
    void commitForward_ConcurrentInPlace_ShouldLandEveryUpdateExactlyOnce() throws Exception {
        SessionSnapshot s = create("a", null);
        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    for (int i = 0; i < perThread; i++) {
                        forward(s, UpdateMode.APPLY);
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        // the same update applied n times in float32, whatever the interleaving: f^n(start)
        float mm = 0;
        float mv = 1;
        for (int i = 0; i < threads * perThread; i++) {
            mm = mm - (mm - 2f) * 0.001f;
            mv = mv - (mv - (float) (2.0 / 3.0)) * 0.001f;
        }
        SessionSnapshot after = store.find("a").orElseThrow();
        assertThat(after.variables().get(Variable.MOVING_MEAN).data()[0]).isEqualTo(mm);
        assertThat(after.variables().get(Variable.MOVING_VARIANCE).data()[0]).isEqualTo(mv);
        assertThat(after.counters().forwards()).isEqualTo(800);
        assertThat(after.version()).isEqualTo(s.version() + 800);
    }

    @Test
    void apply_RacingOverlappingIds_ShouldApplyEachOpOnce() throws Exception {
        SessionSnapshot s = create("a", "update_ops");
        for (int i = 0; i < 50; i++) {
            forward(s, UpdateMode.DEFER);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<ApplyReceipt>> results = new ArrayList<>();
        try {
            for (int t = 0; t < 8; t++) {
                long from = 1 + t * 10L;
                long[] ids = java.util.stream.LongStream.rangeClosed(from, Math.min(100, from + 29)).toArray();
                results.add(pool.submit(() -> store.apply("a", new OpSelector.Ids(ids))));
            }
            results.add(pool.submit(() -> store.apply("a", new OpSelector.Through(100))));
        } finally {
            pool.shutdown();
        }
        Set<Long> applied = Collections.synchronizedSet(new HashSet<>());
        long total = 0;
        for (Future<ApplyReceipt> f : results) {
            for (long id : f.get().applied()) {
                assertThat(applied.add(id)).as("op %d applied twice", id).isTrue();
                total++;
            }
        }
        assertThat(total).isEqualTo(100);
        float mm = 0;
        for (int i = 0; i < 50; i++) {
            mm = mm - (mm - 2f) * 0.001f;
        }
        SessionSnapshot after = store.find("a").orElseThrow();
        assertThat(after.variables().get(Variable.MOVING_MEAN).data()[0]).isEqualTo(mm);
        assertThat(after.counters().updateOpsApplied()).isEqualTo(100);
        assertThat(store.pendingOpCount()).isZero();
    }

    @Test
    void commitForward_MovingStatsChangedAfterAMovingStatsInference_ShouldBeStale() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        SessionSnapshot read = store.find("a").orElseThrow();
        store.apply("a", new OpSelector.All());
        assertThatThrownBy(() -> store.commitForward("a", new ForwardCommit(read.uid(), read.paramsVersion(), read.statsVersion(),
                PATTERN, INPUT, UpdateMode.NONE, null, null, clock.instant()), LIMITS)).isInstanceOf(StaleSnapshotException.class);
        // a forward that normalized with batch statistics does not care
        store.commitForward("a", new ForwardCommit(read.uid(), read.paramsVersion(), -1, PATTERN, INPUT, UpdateMode.NONE, null, null, clock.instant()), LIMITS);
    }

    @Test
    void commitForward_OtherIncarnation_ShouldBeNotFound() {
        SessionSnapshot old = create("a", "update_ops");
        store.delete("a");
        create("a", "update_ops");
        assertThatThrownBy(() -> forward(old, UpdateMode.DEFER)).isInstanceOf(SessionNotFoundException.class);
        assertThatThrownBy(() -> store.assign("a", Variable.BETA, StatValue.scalar(1), old.uid(), null)).isInstanceOf(SessionNotFoundException.class);
        assertThat(store.find("a").orElseThrow().counters().forwards()).isZero();
    }

    @Test
    void apply_InCollection_ShouldOnlyApplyWhenTheSessionIsInIt() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        assertThat(store.apply("a", new OpSelector.InCollection("elsewhere")).applied()).isEmpty();
        assertThat(store.apply("a", new OpSelector.InCollection("update_ops")).applied()).containsExactly(1, 2);
    }

    @Test
    void assign_FlatListOfAnotherLength_ShouldBeRefused() {
        create("a", "update_ops");
        store.assign("a", Variable.MOVING_MEAN, new StatValue(new int[] {2}, new double[] {1, 2}), null, null);
        assertThatThrownBy(() -> store.assign("a", Variable.BETA, new StatValue(new int[] {3}, new double[3]), null, null))
                .isInstanceOf(ShapeMismatchException.class);
    }

    @Test
    void createIfAbsent_RetryAtTheLimit_ShouldAnswerTheExistingSession() {
        create("a", "c");
        assertThat(store.createIfAbsent(SessionState.create(spec("a", "c"), clock.instant()), 1)).isPresent();
    }

    @Test
    void apply_IdsBeyondAnyCounter_ShouldBeNotFoundWithTheExactIds() {
        SessionSnapshot s = create("a", "update_ops");
        forward(s, UpdateMode.DEFER);
        long big = (1L << 53) + 1;
        assertThatThrownBy(() -> store.apply("a", new OpSelector.Ids(new long[] {1, big, Long.MAX_VALUE})))
                .isInstanceOfSatisfying(UpdateOpsException.class, e -> assertThat(e.ids()).containsExactly(big, Long.MAX_VALUE));
        assertThat(store.pendingOps("a", 0, 10).total()).isEqualTo(2);
    }
    // --- tenant scopes: TenantScopedSessionStore over this store (the same code for every store)

    static TenantScope tenant(String name) {
        return new TenantScope(name, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    SessionSnapshot create(SessionStore in, String id, String collection) {
        assertThat(in.createIfAbsent(SessionState.create(spec(id, collection), clock.instant()), 1000)).isEmpty();
        return in.find(id).orElseThrow();
    }

    static ForwardReceipt forward(SessionStore in, SessionSnapshot s, UpdateMode mode) {
        return in.commitForward(s.id(), new ForwardCommit(s.uid(), s.paramsVersion(), -1, PATTERN, INPUT, mode,
                E1_MEAN.clone(), E1_VAR.clone(), s.createdAt()), LIMITS);
    }

    @Test
    void tenantScopes_SameIdInTwoTenants_ShouldBeTwoSessionsEachSeeingOnlyItsOwn() {
        SessionStore alpha = new TenantScopedSessionStore(store, () -> tenant("alpha"));
        SessionStore beta = new TenantScopedSessionStore(store, () -> tenant("beta"));
        SessionStore none = new TenantScopedSessionStore(store, () -> TenantScope.UNSCOPED);
        SessionSnapshot a = create(alpha, "s1", "update_ops");
        SessionSnapshot b = create(beta, "s1", "update_ops");
        create(none, "s1", "update_ops");
        assertThat(a.id()).isEqualTo("s1");
        assertThat(a.uid()).isNotEqualTo(b.uid());

        forward(alpha, a, UpdateMode.DEFER);
        assertThat(beta.pendingOps("s1", 0, 10).total()).isZero();
        assertThat(alpha.pendingOps("s1", 0, 10).total()).isEqualTo(2);
        assertThat(none.find("s1").orElseThrow().counters().updateOpsPending()).isZero();
        // the store keeps them apart by a prefix no client id can contain
        assertThat(store.find("alpha~s1").orElseThrow().uid()).isEqualTo(a.uid());
        assertThat(none.find("alpha~s1")).isEmpty();
        assertThat(beta.find("alpha~s1")).isEmpty();
        assertThatThrownBy(() -> beta.apply("../alpha~s1", new OpSelector.All())).isInstanceOfSatisfying(SessionNotFoundException.class,
                e -> assertThat(e.getMessage()).doesNotContain("beta"));

        // another tenant's session is not found, and the answer names the client's id only
        assertThatThrownBy(() -> beta.apply("s2", new OpSelector.All())).isInstanceOfSatisfying(SessionNotFoundException.class,
                e -> assertThat(e.id()).isEqualTo("s2"));
        create(alpha, "s2", "update_ops");
        assertThatThrownBy(() -> beta.apply("s2", new OpSelector.All())).isInstanceOfSatisfying(SessionNotFoundException.class,
                e -> assertThat(e.id()).isEqualTo("s2"));
        assertThat(beta.delete("s2")).isFalse();
        assertThat(alpha.find("s2")).isPresent();
    }

    @Test
    void tenantScopes_ListsAndCollections_ShouldShowOnlyTheTenantsSessions() {
        SessionStore alpha = new TenantScopedSessionStore(store, () -> tenant("alpha"));
        SessionStore alphaB = new TenantScopedSessionStore(store, () -> tenant("alpha-b"));
        SessionStore none = new TenantScopedSessionStore(store, () -> TenantScope.UNSCOPED);
        for (String id : List.of("c", "a", "b")) {
            forward(alpha, create(alpha, id, "update_ops"), UpdateMode.DEFER);
        }
        for (String id : List.of("a", "z")) {
            forward(alphaB, create(alphaB, id, "update_ops"), UpdateMode.DEFER);
            forward(none, create(none, id, "update_ops"), UpdateMode.DEFER);
        }
        assertThat(alpha.list(null, 10)).extracting(SessionSnapshot::id).containsExactly("a", "b", "c");
        assertThat(alpha.list(null, 2)).extracting(SessionSnapshot::id).containsExactly("a", "b");
        assertThat(alpha.list("b", 2)).extracting(SessionSnapshot::id).containsExactly("c");
        assertThat(alphaB.list(null, 10)).extracting(SessionSnapshot::id).containsExactly("a", "z");
        assertThat(none.list(null, 1)).extracting(SessionSnapshot::id).containsExactly("a");
        assertThat(none.list("a", 10)).extracting(SessionSnapshot::id).containsExactly("z");
        assertThat(alpha.sessionsWithPendingOps("update_ops", null, 10)).containsExactly("a", "b", "c");
        assertThat(alpha.sessionsWithPendingOps("update_ops", "a", 1)).containsExactly("b");
        assertThat(alphaB.sessionsWithPendingOps("update_ops", null, 10)).containsExactly("a", "z");
        assertThat(none.sessionsWithPendingOps("update_ops", null, 10)).containsExactly("a", "z");
        assertThat(store.sessionCount("alpha~")).isEqualTo(3);
        assertThat(store.sessionCount("alpha-b~")).isEqualTo(2);
    }

    @Test
    void tenantScopes_Quotas_ShouldBoundTheTenantOnly() {
        SessionStore small = new TenantScopedSessionStore(store, () -> new TenantScope("small", 2, 2, Long.MAX_VALUE));
        SessionStore other = new TenantScopedSessionStore(store, () -> tenant("other"));
        create(small, "a", "update_ops");
        SessionSnapshot b = create(small, "b", "update_ops");
        assertThatThrownBy(() -> small.createIfAbsent(SessionState.create(spec("c", "update_ops"), clock.instant()), 1000))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(LimitExceededException.Limit.TENANT_SESSIONS);
                    assertThat(e.max()).isEqualTo(2);
                });
        assertThat(small.find("c")).isEmpty();
        assertThat(small.createIfAbsent(SessionState.create(spec("a", "update_ops"), clock.instant()), 1000))
                .as("a retried create at the quota answers the session").isPresent();
        create(other, "c", "update_ops");

        forward(small, b, UpdateMode.DEFER);
        assertThatThrownBy(() -> forward(small, b, UpdateMode.DEFER)).isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.max()).isEqualTo(2));
        assertThat(small.pendingOps("b", 0, 10).total()).isEqualTo(2);
        assertThat(small.delete("a")).isTrue();
        create(small, "c", "update_ops");
    }
}
