package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.api.json.TensorForm;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Response bodies through a default mapper writing to a stream, as the HTTP layer writes them:
 * float32 tensors (raw text batches inside the generator's arrays) come out as the text of
 * {@link Float#toString}, with the document around them intact.
 */
class TensorBodiesTests {

    private final JsonMapper mapper = JsonMapper.builder().build();

    record Response(TensorBodies.TensorBody outputs, TensorBodies.FlatTensor mean, int version) {
    }

    @Test
    void writesFloat32TensorsAsFloatToStringTextInsideTheDocument() {
        SplittableRandom random = new SplittableRandom(9);
        float[] data = new float[3_000];
        double[] mean = new double[1_001];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian() * (i % 7 == 0 ? 1e-5f : 1f);
        }
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) random.nextGaussian();
        }
        Tensor.F32 t = new Tensor.F32(new int[] {1_000, 3}, data);

        for (TensorForm form : TensorForm.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mapper.writeValue(out, new Response(new TensorBodies.TensorBody(t, form),
                    new TensorBodies.FlatTensor(DType.FLOAT32, new int[] {mean.length}, mean), 7));

            String outputs = form == TensorForm.NESTED ? nested(data, 3) : "{\"shape\":[1000,3],\"data\":[" + join(data) + "]}";
            String meanText = "{\"shape\":[" + mean.length + "],\"data\":[" + join(mean) + "]}";
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"outputs\":" + outputs + ",\"mean\":" + meanText + ",\"version\":7}");
        }
    }

    private static String nested(float[] data, int columns) {
        StringJoiner rows = new StringJoiner(",", "[", "]");
        for (int r = 0; r < data.length / columns; r++) {
            StringJoiner row = new StringJoiner(",", "[", "]");
            for (int c = 0; c < columns; c++) {
                row.add(Float.toString(data[r * columns + c]));
            }
            rows.add(row.toString());
        }
        return rows.toString();
    }

    private static String join(float[] data) {
        StringJoiner out = new StringJoiner(",");
        for (float f : data) {
            out.add(Float.toString(f));
        }
        return out.toString();
    }

    private static String join(double[] floats) {
        StringJoiner out = new StringJoiner(",");
        for (double f : floats) {
            out.add(Float.toString((float) f));
        }
        return out.toString();
    }
}
