package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Replays every scenario of the Sonnet BatchNorm colab over real HTTP: 1000 forwards of batches of
 * 10 drawn from the colab's 2-D Gaussian (mean 10, standard deviations 1 and 2), compared with a
 * reference computed here, independently of the service's code.
 */
class ColabScenariosIntegrationTests extends IntegrationTestBase {

    static final int STEPS = 1000;
    static final int BATCH = 10;
    static final long SEED = 20_170_630L;

    /** The colab's get_inputs(): columns ~ N(10, 1) and N(10, 2), rounded to float32 as TF holds them. */
    static float[][][] batches() {
        Random rnd = new Random(SEED);
        float[][][] out = new float[STEPS][BATCH][2];
        for (float[][] batch : out) {
            for (float[] row : batch) {
                row[0] = (float) (10 + rnd.nextGaussian());
                row[1] = (float) (10 + 2 * rnd.nextGaussian());
            }
        }
        return out;
    }

    static String body(float[][] batch, boolean isTraining, String extra) {
        StringBuilder b = new StringBuilder("{\"inputs\": [");
        for (int i = 0; i < batch.length; i++) {
            b.append(i == 0 ? "[" : ",[").append(batch[i][0]).append(',').append(batch[i][1]).append(']');
        }
        return b.append("], \"isTraining\": ").append(isTraining).append(extra).append('}').toString();
    }

    /** Reference batch moments in double: mean, then the biased variance by a second pass. */
    static double[][] moments(float[][] batch) {
        double[] mean = new double[2];
        double[] var = new double[2];
        for (int c = 0; c < 2; c++) {
            double s = 0;
            for (float[] row : batch) {
                s += row[c];
            }
            mean[c] = s / batch.length;
            double q = 0;
            for (float[] row : batch) {
                q += (row[c] - mean[c]) * (row[c] - mean[c]);
            }
            var[c] = q / batch.length;
        }
        return new double[][] {mean, var};
    }

    /** Reference moving averages: TensorFlow's float32 assign_moving_average, step by step. */
    static float[][] referenceMovingStats(float[][][] batches) {
        float[] mm = {0, 0};
        float[] mv = {1, 1};
        float rate = (float) (1.0 - 0.999);
        for (float[][] batch : batches) {
            double[][] m = moments(batch);
            for (int c = 0; c < 2; c++) {
                mm[c] = mm[c] - (mm[c] - (float) m[0][c]) * rate;
                mv[c] = mv[c] - (mv[c] - (float) m[1][c]) * rate;
            }
        }
        return new float[][] {mm, mv};
    }

    /** Checks a response's outputs against (x - mean) / sqrt(var + eps), in double. */
    static void assertNormalized(JsonNode outputs, float[][] batch, double[] mean, double[] var) {
        assertThat(outputs.size()).isEqualTo(batch.length);
        for (int i = 0; i < batch.length; i++) {
            for (int c = 0; c < 2; c++) {
                double expected = (batch[i][c] - mean[c]) / Math.sqrt(var[c] + 1e-3);
                assertThat(outputs.get(i).get(c).doubleValue()).as("output [%d, %d]", i, c).isCloseTo(expected, within(2e-5));
            }
        }
    }

    JsonNode variables(String id) {
        return api.get("/v1/sessions/" + id + "/variables").json().get("variables");
    }

    /** Runs 1000 forwards, checking every output against batch statistics; returns the last response. */
    JsonNode runTraining(String id, float[][][] batches, String extra) {
        JsonNode last = null;
        for (float[][] batch : batches) {
            last = forward(id, body(batch, true, extra));
            double[][] m = moments(batch);
            assertThat(last.get("normalizedWith").asString()).isEqualTo("batch");
            assertNormalized(last.get("outputs"), batch, m[0], m[1]);
        }
        return last;
    }

    void assertMovingStats(String id, float[][] expected) {
        JsonNode vars = variables(id);
        assertThat(vars.get("movingMean").get("shape").toString()).isEqualTo("[1,2]");
        for (int c = 0; c < 2; c++) {
            assertThat(vars.get("movingMean").get("data").get(c).floatValue()).as("moving mean %d", c).isEqualTo(expected[0][c]);
            assertThat(vars.get("movingVariance").get("data").get(c).floatValue()).as("moving variance %d", c).isEqualTo(expected[1][c]);
        }
    }

    @Test
    void defaultMode_ShouldNormalizeAndLeaveTwoThousandPendingOps() {
        String id = createSession("{}");
        JsonNode last = runTraining(id, batches(), "");
        assertThat(last.get("updateOps")).hasSize(2);
        assertThat(last.get("updateOps").get(0).get("id").asLong()).isEqualTo(1999);
        assertThat(last.get("updatesApplied").asBoolean()).isFalse();
        assertThat(api.get("/v1/sessions/" + id + "/updates").json().get("count").asLong()).isEqualTo(2000);
        // the update ops were created but not run: the statistics keep their initial values
        assertMovingStats(id, new float[][] {{0, 0}, {1, 1}});
    }

    @Test
    void inPlaceUpdates_ShouldCollectTheMovingStatistics() {
        float[][][] batches = batches();
        String id = createSession("{\"updateOpsCollection\": null}");
        JsonNode last = runTraining(id, batches, "");
        assertThat(last.get("updatesApplied").asBoolean()).isTrue();
        assertThat(last.get("updateOps")).isEmpty();
        float[][] expected = referenceMovingStats(batches);
        assertMovingStats(id, expected);
        // the colab's point: after 1000 steps the mean has moved 1 - 0.999^1000 = 63% of the way to 10
        assertThat(expected[0][0]).isBetween(6.1f, 6.5f);
        assertThat(api.get("/v1/sessions/" + id + "/updates").json().get("count").asLong()).isZero();
    }

    @Test
    void controlDependencies_ShouldGiveIdenticalResultsToInPlace() {
        float[][][] batches = batches();
        String id = createSession("{}");
        JsonNode last = runTraining(id, batches, ", \"applyUpdates\": true");
        assertThat(last.get("updatesApplied").asBoolean()).isTrue();
        assertMovingStats(id, referenceMovingStats(batches));
        JsonNode counters = api.get("/v1/sessions/" + id).json().get("counters");
        assertThat(counters.get("updateOpsApplied").asLong()).isEqualTo(2000);
        assertThat(counters.get("updateOpsPending").asLong()).isZero();
    }

    @Test
    void testMode_ShouldNormalizeWithBatchStatisticsAndCreateNoOps() {
        String id = createSession("{}");
        for (float[][] batch : batches()) {
            JsonNode r = forward(id, body(batch, false, ""));
            double[][] m = moments(batch);
            assertThat(r.get("normalizedWith").asString()).isEqualTo("batch");
            assertThat(r.get("updateOps")).isEmpty();
            assertNormalized(r.get("outputs"), batch, m[0], m[1]);
        }
        JsonNode counters = api.get("/v1/sessions/" + id).json().get("counters");
        assertThat(counters.get("forwards").asLong()).isEqualTo(STEPS);
        assertThat(counters.get("updateOpsCreated").asLong()).isZero();
        assertMovingStats(id, new float[][] {{0, 0}, {1, 1}});
    }

    @Test
    void movingAveragesAtTestTime_ShouldNormalizeWithTheStoredStatistics() {
        String id = createSession("{\"initializers\": {\"movingMean\": [[10, 10]], \"movingVariance\": [[1, 4]]}}");
        for (float[][] batch : batches()) {
            JsonNode r = forward(id, body(batch, false, ", \"testLocalStats\": false"));
            assertThat(r.get("normalizedWith").asString()).isEqualTo("moving");
            assertThat(r.has("batchMean")).isFalse();
            assertNormalized(r.get("outputs"), batch, new double[] {10, 10}, new double[] {1, 4});
        }
        assertMovingStats(id, new float[][] {{10, 10}, {1, 4}});
    }

    @Test
    void deferredThenApplied_ShouldEqualInPlaceUpdates() {
        float[][][] batches = batches();
        String id = createSession("{}");
        runTraining(id, batches, "");
        JsonNode applied = api.post("/v1/sessions/" + id + "/updates/apply", "{}").json();
        assertThat(applied.get("applied")).hasSize(2000);
        assertThat(applied.get("applied").get(0).asLong()).isEqualTo(1);
        assertThat(applied.get("applied").get(1999).asLong()).isEqualTo(2000);
        assertMovingStats(id, referenceMovingStats(batches));
        // a retried apply applies nothing twice
        JsonNode retry = api.post("/v1/sessions/" + id + "/updates/apply", "{\"throughId\": 2000}").json();
        assertThat(retry.get("applied")).isEmpty();
        assertThat(retry.get("version").asLong()).isEqualTo(applied.get("version").asLong());
        assertMovingStats(id, referenceMovingStats(batches));
    }

    @Test
    void referenceMovingStats_ShouldTrackTheExactAverageClosely() {
        // guards the reference itself: float32 steps stay within 1e-4 of the exact double recurrence
        float[][][] batches = batches();
        double[] mm = {0, 0};
        for (float[][] batch : batches) {
            double[][] m = moments(batch);
            for (int c = 0; c < 2; c++) {
                mm[c] = mm[c] * 0.999 + m[0][c] * 0.001;
            }
        }
        float[][] ref = referenceMovingStats(batches);
        assertThat((double) ref[0][0]).isCloseTo(mm[0], within(1e-4));
        assertThat((double) ref[0][1]).isCloseTo(mm[1], within(1e-4));
    }
}
