package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.api.npy.Npy;
import dev.batchnorm.norm.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Binary .npy tensors over real HTTP: the same bits as JSON, headers for the rest, clear errors. */
class NpyIntegrationTests extends IntegrationTestBase {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = NpyIntegrationTests.class.getResourceAsStream("/npy/" + name)) {
            return in.readAllBytes();
        }
    }

    static byte[] npy(Tensor t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, t);
        return out.toByteArray();
    }

    @Test
    void npyForward_ShouldGiveTheSameBitsAsJson() {
        createSession("{\"id\": \"npy-a\"}");
        createSession("{\"id\": \"npy-b\"}");
        Random rnd = new Random(7);
        float[] x = new float[64 * 8];
        StringBuilder json = new StringBuilder("{\"inputs\": {\"shape\": [64, 8], \"data\": [");
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (10 + 3 * rnd.nextGaussian());
            json.append(i == 0 ? "" : ",").append(x[i]);
        }
        json.append("]}, \"isTraining\": true}");
        HttpApi.BinaryResponse bin = api.sendBytes("POST", "/v1/sessions/npy-a/forward?isTraining=true", Npy.MEDIA_TYPE, Npy.MEDIA_TYPE,
                npy(new Tensor.F32(new int[] {64, 8}, x)));
        assertThat(bin.status()).isEqualTo(200);
        assertThat(bin.header("Content-Type")).startsWith(Npy.MEDIA_TYPE);
        float[] fromNpy = ((Tensor.F32) Npy.read(new ByteArrayInputStream(bin.body()), dev.batchnorm.norm.DType.FLOAT32, 2, 1 << 20)).data();
        JsonNode viaJson = forward("npy-b", json.toString());
        JsonNode data = viaJson.get("outputs").get("data");
        for (int i = 0; i < fromNpy.length; i++) {
            assertThat(Float.floatToRawIntBits(fromNpy[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(data.get(i).floatValue()));
        }
        assertThat(bin.header("BatchNorm-Normalized-With")).isEqualTo("batch");
        assertThat(bin.header("BatchNorm-Update-Ops")).isEqualTo("1=movingMean,2=movingVariance");
        assertThat(bin.header("BatchNorm-Updates-Applied")).isEqualTo("false");
        assertThat(bin.header("BatchNorm-Version")).isEqualTo("2");
        assertThat(bin.header("BatchNorm-Stats-Shape")).isEqualTo("1,8");
        assertThat(bin.header("BatchNorm-Batch-Mean").split(",")).hasSize(8);
        // the pending ops of both are the same numbers
        JsonNode opsA = api.get("/v1/sessions/npy-a/updates").json().get("updates");
        JsonNode opsB = api.get("/v1/sessions/npy-b/updates").json().get("updates");
        for (int i = 0; i < 2; i++) {
            assertThat(opsA.get(i).get("value")).isEqualTo(opsB.get(i).get("value"));
        }
    }

    @Test
    void npyForward_WithJsonAnswer_ShouldAnswerFlatJson() throws IOException {
        createSession("{\"id\": \"npy-json\"}");
        HttpApi.BinaryResponse r = api.sendBytes("POST", "/v1/sessions/npy-json/forward?isTraining=false&testLocalStats=false",
                Npy.MEDIA_TYPE, "application/json", fixture("e1-f4-v1.npy"));
        assertThat(r.status()).isEqualTo(200);
        // SEMANTICS E5, a fresh module: x / sqrt(1.001)
        assertThat(r.json().get("outputs").toString()).isEqualTo("{\"shape\":[3,2],\"data\":[0.9995004,0.0,1.9990008,0.0,2.9985013,5.9970026]}");
        assertThat(r.json().get("normalizedWith").asString()).isEqualTo("moving");
    }

    @Test
    void jsonForward_AcceptingNpy_ShouldAnswerNpy() throws IOException {
        createSession("{\"id\": \"json-npy\"}");
        HttpApi.BinaryResponse r = api.sendBytes("POST", "/v1/sessions/json-npy/forward", "application/json", Npy.MEDIA_TYPE,
                "{\"inputs\": [[1, 0], [2, 0], [3, 6]], \"isTraining\": true}".getBytes());
        assertThat(r.status()).isEqualTo(200);
        Tensor out = Npy.read(new ByteArrayInputStream(r.body()), dev.batchnorm.norm.DType.FLOAT32, 2, 100);
        // SEMANTICS E1 in float32
        assertThat(((Tensor.F32) out).data()).containsExactly(-1.2238274f, -0.70706254f, 0f, -0.70706254f, 1.2238274f, 1.4141252f);
    }

    @Test
    void npyAssignment_ShouldSetTheVariable() throws IOException {
        createSession("{\"id\": \"npy-put\"}");
        HttpApi.BinaryResponse r = api.sendBytes("PUT", "/v1/sessions/npy-put/variables/movingMean", Npy.MEDIA_TYPE, null, fixture("stats-f4.npy"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("value").toString()).isEqualTo("{\"shape\":[1,2],\"data\":[10.0,10.0]}");
        assertThat(api.get("/v1/sessions/npy-put").json().get("inputShape").toString()).isEqualTo("[null,2]");
    }

    @Test
    void badNpy_ShouldGetProblemsAndChangeNothing() throws IOException {
        createSession("{\"id\": \"npy-bad\"}");
        String before = api.get("/v1/sessions/npy-bad").text();
        String[][] cases = {
            {"e1-fortran.npy", "npy_fortran_order"}, {"e1-big-endian.npy", "npy_big_endian"}, {"e1-int32.npy", "npy_unsupported_dtype"},
            {"e1-truncated.npy", "npy_truncated"}, {"rank1.npy", "invalid_rank"}, {"nan.npy", "non_finite_value"},
        };
        for (String[] c : cases) {
            HttpApi.BinaryResponse r = api.sendBytes("POST", "/v1/sessions/npy-bad/forward?isTraining=true", Npy.MEDIA_TYPE, Npy.MEDIA_TYPE, fixture(c[0]));
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.header("Content-Type")).as(c[0]).startsWith("application/problem+json");
            assertThat(r.json().get("code").asString()).as(c[0]).isEqualTo(c[1]);
        }
        HttpApi.BinaryResponse noFlag = api.sendBytes("POST", "/v1/sessions/npy-bad/forward", Npy.MEDIA_TYPE, null, fixture("e1-f4-v1.npy"));
        assertThat(noFlag.status()).isEqualTo(400);
        assertThat(noFlag.json().get("code").asString()).isEqualTo("missing_parameter");
        HttpApi.BinaryResponse badFlag = api.sendBytes("POST", "/v1/sessions/npy-bad/forward?isTraining=yes", Npy.MEDIA_TYPE, null, fixture("e1-f4-v1.npy"));
        assertThat(badFlag.json().get("code").asString()).isEqualTo("invalid_parameter");
        assertThat(api.get("/v1/sessions/npy-bad").text()).isEqualTo(before);
    }
}
