package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.batchnorm.sdk.ApiClient;
import dev.batchnorm.sdk.api.ForwardApi;
import dev.batchnorm.sdk.api.SessionsApi;
import dev.batchnorm.sdk.api.UpdatesApi;
import dev.batchnorm.sdk.api.VariablesApi;
import dev.batchnorm.sdk.model.ApplyRequest;
import dev.batchnorm.sdk.model.ApplyResult;
import dev.batchnorm.sdk.model.AssignedVariable;
import dev.batchnorm.sdk.model.CreateSessionRequest;
import dev.batchnorm.sdk.model.FlatTensor;
import dev.batchnorm.sdk.model.ForwardRequest;
import dev.batchnorm.sdk.model.ForwardResponse;
import dev.batchnorm.sdk.model.Initializer;
import dev.batchnorm.sdk.model.Initializers;
import dev.batchnorm.sdk.model.Matrix;
import dev.batchnorm.sdk.model.NestedTensor;
import dev.batchnorm.sdk.model.NestedTensorSlice;
import dev.batchnorm.sdk.model.Problem;
import dev.batchnorm.sdk.model.Session;
import dev.batchnorm.sdk.model.Tensor;
import dev.batchnorm.sdk.model.UpdateOp;
import dev.batchnorm.sdk.model.UpdateOpList;
import dev.batchnorm.sdk.model.UpdateOpRef;
import dev.batchnorm.sdk.model.Vector;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK generated at build time from openapi/openapi.yaml (native client, Jackson 3), driven
 * against the running service: the colab's default and deferred flows with SEMANTICS.md's worked
 * numbers, the in-place mode, initializers, and problem+json errors surfacing as the SDK's
 * {@link dev.batchnorm.sdk.ApiException}.
 */
class JavaSdkIntegrationTests extends IntegrationTestBase {

    /** SEMANTICS.md's base batch. */
    static final double[][] X = {{1, 0}, {2, 0}, {3, 6}};
    /** E1: the training output, float32. */
    static final float[][] E1 = {{-1.2238274f, -0.70706254f}, {0f, -0.70706254f}, {1.2238274f, 1.4141252f}};

    ApiClient client;
    SessionsApi sessions;
    ForwardApi forward;
    UpdatesApi updates;
    VariablesApi variables;

    @BeforeEach
    void sdk() {
        client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + port);
        sessions = new SessionsApi(client);
        forward = new ForwardApi(client);
        updates = new UpdatesApi(client);
        variables = new VariablesApi(client);
    }

    static Matrix nested(double[][] rows) {
        Matrix t = new Matrix();
        for (double[] row : rows) {
            Vector v = new Vector();
            v.addAll(java.util.Arrays.stream(row).boxed().toList());
            t.add(v);
        }
        return t;
    }

    static ForwardRequest batch(double[][] rows, boolean isTraining) {
        return new ForwardRequest().inputs(new Tensor(nested(rows))).isTraining(isTraining);
    }

    /** Reads nested outputs back as float32 values. */
    static float[][] floats(Tensor outputs) {
        Matrix rows = outputs.getMatrix();
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            Vector row = rows.get(i);
            out[i] = new float[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = row.get(j).floatValue();
            }
        }
        return out;
    }

    static float[] floats(FlatTensor t) {
        float[] out = new float[t.getData().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getData().get(i).floatValue();
        }
        return out;
    }

    @Test
    void defaultFlow_ShouldNormalizeWithBatchStatisticsAndLeaveTheOpsPending() throws Exception {
        // snt.BatchNorm(): the SDK's default request sends updateOpsCollection "update_ops"
        var created = sessions.createSessionWithHttpInfo(new CreateSessionRequest().id("sdk-default"));
        assertThat(created.getStatusCode()).isEqualTo(201);
        assertThat(created.getHeaders().get("location")).containsExactly("/v1/sessions/sdk-default");
        assertThat(created.getHeaders().get("etag")).containsExactly("\"" + created.getData().getVersion() + "\"");
        assertThat(created.getData().getSpec().getUpdateOpsCollection()).isEqualTo("update_ops");
        assertThat(created.getData().getInputShape()).isNull();

        ForwardResponse train = forward.forward("sdk-default", batch(X, true), null, null, null);
        assertThat(train.getNormalizedWith()).isEqualTo(ForwardResponse.NormalizedWithEnum.BATCH);
        assertThat(floats(train.getOutputs())).isEqualTo(E1);
        assertThat(floats(train.getBatchMean())).containsExactly(2f, 2f);
        assertThat(floats(train.getBatchVariance())).containsExactly(0.6666667f, 8f);
        assertThat(train.getBatchMean().getShape()).containsExactly(1, 2);
        assertThat(train.getUpdateOps()).extracting(UpdateOpRef::getId).containsExactly(1L, 2L);
        assertThat(train.getUpdateOps()).extracting(UpdateOpRef::getVariable)
                .containsExactly(UpdateOpRef.VariableEnum.MOVING_MEAN, UpdateOpRef.VariableEnum.MOVING_VARIANCE);
        assertThat(train.getUpdatesApplied()).isFalse();

        // bn(x, is_training=False): test_local_stats defaults to true, so the batch statistics again
        ForwardResponse test = forward.forward("sdk-default", batch(X, false), null, null, null);
        assertThat(test.getNormalizedWith()).isEqualTo(ForwardResponse.NormalizedWithEnum.BATCH);
        assertThat(floats(test.getOutputs())).isEqualTo(E1);
        assertThat(test.getUpdateOps()).isEmpty();

        Session s = sessions.getSession("sdk-default");
        assertThat(s.getInputShape()).containsExactly(null, 2);
        assertThat(s.getCounters().getForwards()).isEqualTo(2);
        assertThat(s.getCounters().getUpdateOpsPending()).isEqualTo(2);
        // the ops were created but not run: the moving statistics keep their initial values
        assertThat(floats(s.getVariables().getMovingMean())).containsExactly(0f, 0f);
        assertThat(floats(s.getVariables().getMovingVariance())).containsExactly(1f, 1f);
        assertThat(s.getSpec().getInitializers().getMovingMean().getDouble()).isEqualTo(0.0);
    }

    @Test
    void deferredFlow_ShouldApplyThePendingOpsAndThenNormalizeWithTheMovingAverages() throws Exception {
        sessions.createSession(new CreateSessionRequest().id("sdk-deferred"));
        forward.forward("sdk-deferred", batch(X, true), null, null, null);

        UpdateOpList pending = updates.listUpdates("sdk-deferred", null, null);
        assertThat(pending.getCount()).isEqualTo(2);
        assertThat(pending.getNextPageToken()).isNull();
        UpdateOp mean = pending.getUpdates().getFirst();
        assertThat(mean.getVariable()).isEqualTo(UpdateOp.VariableEnum.MOVING_MEAN);
        assertThat(mean.getCollection()).isEqualTo("update_ops");
        assertThat(floats(mean.getValue())).containsExactly(2f, 2f);
        assertThat(mean.getDecay()).isEqualTo(0.999);

        // sess.run(update_ops): E2
        ApplyResult applied = updates.applyUpdates("sdk-deferred", new ApplyRequest());
        assertThat(applied.getApplied()).containsExactly(1L, 2L);
        assertThat(applied.getAlreadyApplied()).isEmpty();
        assertThat(floats(applied.getVariables().getMovingMean())).containsExactly(0.002f, 0.002f);
        assertThat(floats(applied.getVariables().getMovingVariance())).containsExactly(0.9996667f, 1.007f);
        // a retried apply applies nothing twice
        ApplyResult retried = updates.applyUpdates("sdk-deferred", new ApplyRequest().ids(List.of(1L, 2L)));
        assertThat(retried.getApplied()).isEmpty();
        assertThat(retried.getAlreadyApplied()).containsExactly(1L, 2L);

        // test time, in the flat form: E5 after E2's update
        ForwardRequest flat = new ForwardRequest().isTraining(false).testLocalStats(false)
                .inputs(new Tensor(new FlatTensor().shape(List.of(3, 2)).data(List.of(1.0, 0.0, 2.0, 0.0, 3.0, 6.0))));
        ForwardResponse test = forward.forward("sdk-deferred", flat, null, null, null);
        assertThat(test.getNormalizedWith()).isEqualTo(ForwardResponse.NormalizedWithEnum.MOVING);
        assertThat(test.getBatchMean()).isNull();
        FlatTensor out = test.getOutputs().getFlatTensor();
        assertThat(out.getShape()).containsExactly(3, 2);
        double[] e5 = {0.9976674996, -0.0019920477, 1.9973343328, -0.0019920477, 2.9970011661, 5.974150999};
        for (int i = 0; i < e5.length; i++) {
            assertThat(out.getData().get(i)).as("output %d", i).isCloseTo(e5[i], within(2e-6));
        }
        assertThat(updates.listUpdates("sdk-deferred", null, null).getCount()).isZero();

        // the SDK accepts only problem+json on a delete (a 204 has no body)
        assertThat(sessions.deleteSessionWithHttpInfo("sdk-deferred").getStatusCode()).isEqualTo(204);
        var gone = catchThrowableOfType(dev.batchnorm.sdk.ApiException.class, () -> sessions.getSession("sdk-deferred"));
        assertThat(gone.getCode()).isEqualTo(404);
    }

    @Test
    void inPlaceMode_ShouldBeExpressibleWithTheEmptyStringWhileNullMeansAbsent() throws Exception {
        // the Java SDK drops null fields, so null is the same as leaving the field out: "update_ops"
        Session absent = sessions.createSession(new CreateSessionRequest().id("sdk-absent").updateOpsCollection(null));
        assertThat(absent.getSpec().getUpdateOpsCollection()).isEqualTo("update_ops");
        // "" is the documented way to say null (Sonnet's update_ops_collection=None)
        Session inPlace = sessions.createSession(new CreateSessionRequest().id("sdk-in-place").updateOpsCollection(""));
        assertThat(inPlace.getSpec().getUpdateOpsCollection()).isNull();

        ForwardResponse train = forward.forward("sdk-in-place", batch(X, true), null, null, null);
        assertThat(train.getUpdatesApplied()).isTrue();
        assertThat(train.getUpdateOps()).isEmpty();
        var vars = variables.getVariables("sdk-in-place").getVariables();
        assertThat(floats(vars.getMovingMean())).containsExactly(0.002f, 0.002f);
        assertThat(floats(vars.getMovingVariance())).containsExactly(0.9996667f, 1.007f);
    }

    @Test
    void colabInitializers_ShouldNormalizeTestBatchesWithTheGivenMovingStatistics() throws Exception {
        Initializers init = new Initializers()
                .movingMean(new Initializer(nested(new double[][] {{10, 10}})))
                .movingVariance(new Initializer(nested(new double[][] {{1, 4}})));
        Session s = sessions.createSession(new CreateSessionRequest().id("sdk-init").initializers(init));
        assertThat(s.getInputShape()).containsExactly(null, 2);
        assertThat(s.getSpec().getInitializers().getMovingMean().getFlatTensor().getData()).containsExactly(10.0, 10.0);
        assertThat(s.getSpec().getInitializers().getBeta().getDouble()).isEqualTo(0.0);

        ForwardRequest test = batch(new double[][] {{9.8, 11.2}, {10.4, 8.1}}, false).testLocalStats(false);
        float[][] y = floats(forward.forward("sdk-init", test, null, null, null).getOutputs());
        assertThat((double) y[0][0]).isCloseTo((9.8 - 10) / Math.sqrt(1.001), within(1e-5));
        assertThat((double) y[0][1]).isCloseTo((11.2 - 10) / Math.sqrt(4.001), within(1e-5));
        assertThat((double) y[1][0]).isCloseTo((10.4 - 10) / Math.sqrt(1.001), within(1e-5));
        assertThat((double) y[1][1]).isCloseTo((8.1 - 10) / Math.sqrt(4.001), within(1e-5));
    }

    @Test
    void higherRanks_ShouldTravelAsNestedTensors() throws Exception {
        // [N, H, C] = [2, 1, 2]: the statistics reduce over N and H, one per channel
        NestedTensor x = new NestedTensor();
        for (double[] row : new double[][] {{1, 0}, {3, 6}}) {
            NestedTensorSlice example = new NestedTensorSlice();
            example.add(java.util.Arrays.stream(row).boxed().toList());
            x.add(example);
        }
        sessions.createSession(new CreateSessionRequest().id("sdk-rank3"));
        ForwardResponse r = forward.forward("sdk-rank3", new ForwardRequest().inputs(new Tensor(x)).isTraining(true), null, null, null);
        assertThat(r.getBatchMean().getShape()).containsExactly(1, 1, 2);
        NestedTensor y = r.getOutputs().getNestedTensor();
        assertThat(y).hasSize(2);
        double[][] expected = {{-1 / Math.sqrt(1.001), -3 / Math.sqrt(9.001)}, {1 / Math.sqrt(1.001), 3 / Math.sqrt(9.001)}};
        for (int n = 0; n < 2; n++) {
            List<?> channels = (List<?>) y.get(n).getFirst();
            for (int c = 0; c < 2; c++) {
                assertThat(((Number) channels.get(c)).doubleValue()).as("y[%d, 0, %d]", n, c).isCloseTo(expected[n][c], within(1e-6));
            }
        }
    }

    @Test
    void problems_ShouldSurfaceAsTheSdksApiExceptionWithTheirCode() throws Exception {
        var missing = catchThrowableOfType(dev.batchnorm.sdk.ApiException.class,
                () -> forward.forward("sdk-no-such-session", batch(X, true), null, null, null));
        assertThat(missing.getCode()).isEqualTo(404);
        assertThat(missing.getResponseHeaders().firstValue("content-type")).hasValue("application/problem+json");
        Problem notFound = client.getObjectMapper().readValue(missing.getResponseBody(), Problem.class);
        assertThat(notFound.getCode()).isEqualTo("session_not_found");
        assertThat(notFound.getStatus()).isEqualTo(404);
        assertThat(notFound.getInstance()).hasToString("/v1/sessions/sdk-no-such-session/forward");

        // isTraining is required (as in Sonnet v1); the SDK sends a required field it was not given as null: a 400 with a pointer
        sessions.createSession(new CreateSessionRequest().id("sdk-errors"));
        var noFlag = catchThrowableOfType(dev.batchnorm.sdk.ApiException.class,
                () -> forward.forward("sdk-errors", new ForwardRequest().inputs(new Tensor(nested(X))), null, null, null));
        Problem nullFlag = client.getObjectMapper().readValue(noFlag.getResponseBody(), Problem.class);
        assertThat(noFlag.getCode()).isEqualTo(400);
        assertThat(nullFlag.getCode()).isEqualTo("invalid_field");
        assertThat(nullFlag.getErrors()).singleElement().satisfies(e -> assertThat(e.getPointer()).isEqualTo("/isTraining"));
        // a ragged batch: the pointer names the first offending element
        var ragged = catchThrowableOfType(dev.batchnorm.sdk.ApiException.class,
                () -> forward.forward("sdk-errors", batch(new double[][] {{1, 2}, {3}}, true), null, null, null));
        Problem raggedProblem = client.getObjectMapper().readValue(ragged.getResponseBody(), Problem.class);
        assertThat(raggedProblem.getCode()).isEqualTo("ragged_tensor");
        assertThat(raggedProblem.getErrors().getFirst().getPointer()).startsWith("/inputs/1");

        // a stale If-Match is 412 with the current version, and the variable keeps its value
        long version = sessions.getSession("sdk-errors").getVersion();
        AssignedVariable assigned = variables.assignVariable("sdk-errors", "movingMean", new Initializer(5.0), "\"" + version + "\"");
        assertThat(assigned.getVersion()).isGreaterThan(version);
        var stale = catchThrowableOfType(dev.batchnorm.sdk.ApiException.class,
                () -> variables.assignVariable("sdk-errors", "movingMean", new Initializer(7.0), "\"" + version + "\""));
        Problem mismatch = client.getObjectMapper().readValue(stale.getResponseBody(), Problem.class);
        assertThat(stale.getCode()).isEqualTo(412);
        assertThat(mismatch.getCode()).isEqualTo("version_mismatch");
        assertThat(mismatch.getCurrentVersion()).isEqualTo(assigned.getVersion());
        assertThat(variables.getVariables("sdk-errors").getVariables().getMovingMean().getData()).containsExactly(5.0);

        // discarded ops can never be applied: 409 with the ids
        forward.forward("sdk-errors", batch(X, true), null, null, null);
        assertThat(updates.discardUpdates("sdk-errors", List.of(1L), null).getDiscarded()).containsExactly(1L);
        var discarded = catchThrowableOfType(dev.batchnorm.sdk.ApiException.class,
                () -> updates.applyUpdates("sdk-errors", new ApplyRequest().ids(List.of(1L, 2L))));
        Problem gone = client.getObjectMapper().readValue(discarded.getResponseBody(), Problem.class);
        assertThat(discarded.getCode()).isEqualTo(409);
        assertThat(gone.getCode()).isEqualTo("update_discarded");
        assertThat(gone.getIds()).containsExactly(1L);
    }
}
