package dev.batchnorm.api.json;

import static dev.batchnorm.api.json.JsonFixtures.readDocument;
import static dev.batchnorm.api.json.JsonFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.json.JsonFactory;

class TensorJsonWriterTests {

    private static final JsonFactory FACTORY = TensorJson.factory();

    @Test
    void writesNestedArraysBatchAxisFirst() {
        Tensor t = new Tensor.F32(new int[] {2, 2}, new float[] {1.5f, 2f, 3f, 0.1f});

        assertThat(write(FACTORY, g -> TensorJsonWriter.write(g, t, TensorForm.NESTED))).isEqualTo("[[1.5,2.0],[3.0,0.1]]");
    }

    @Test
    void writesRankThreeNested() {
        Tensor t = new Tensor.F64(new int[] {2, 1, 2}, new double[] {1, 2, 3, 4});

        assertThat(write(FACTORY, g -> TensorJsonWriter.write(g, t, TensorForm.NESTED))).isEqualTo("[[[1.0,2.0]],[[3.0,4.0]]]");
    }

    @Test
    void writesFlatObject() {
        Tensor t = new Tensor.F32(new int[] {2, 2}, new float[] {1.5f, 2f, 3f, 0.1f});

        assertThat(write(FACTORY, g -> TensorJsonWriter.write(g, t, TensorForm.FLAT)))
                .isEqualTo("{\"shape\":[2,2],\"data\":[1.5,2.0,3.0,0.1]}");
    }

    @Test
    void writesRankZeroAsBareNumberOrFlatObject() {
        Tensor t = new Tensor.F64(new int[0], new double[] {2.5});

        assertThat(write(FACTORY, g -> TensorJsonWriter.write(g, t, TensorForm.NESTED))).isEqualTo("2.5");
        assertThat(write(FACTORY, g -> TensorJsonWriter.write(g, t, TensorForm.FLAT))).isEqualTo("{\"shape\":[],\"data\":[2.5]}");
    }

    @Test
    void writesFloat32VariablesHeldAsDoublesWithFloatDigits() {
        double[] values = {(double) 0.1f, (double) 1e-3f, -0.0};

        assertThat(write(FACTORY, g -> TensorJsonWriter.writeFlat(g, DType.FLOAT32, new int[] {1, 3}, values)))
                .isEqualTo("{\"shape\":[1,3],\"data\":[0.1,0.001,-0.0]}");
        assertThat(write(FACTORY, g -> TensorJsonWriter.writeFlat(g, DType.FLOAT64, new int[] {3}, values)))
                .isEqualTo("{\"shape\":[3],\"data\":[0.10000000149011612,0.0010000000474974513,-0.0]}");
    }

    @Test
    void refusesNonFiniteValues() {
        Tensor f32 = new Tensor.F32(new int[] {2}, new float[] {1, Float.NaN});
        Tensor f64 = new Tensor.F64(new int[0], new double[] {Double.POSITIVE_INFINITY});

        assertThatThrownBy(() -> write(FACTORY, g -> TensorJsonWriter.write(g, f32, TensorForm.NESTED))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> write(FACTORY, g -> TensorJsonWriter.write(g, f64, TensorForm.NESTED))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> write(FACTORY, g -> TensorJsonWriter.write(g, f64, TensorForm.FLAT))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> write(FACTORY, g -> TensorJsonWriter.writeFlat(g, DType.FLOAT32, new int[] {1}, new double[] {Double.NEGATIVE_INFINITY})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesValuesThatDoNotMatchTheShape() {
        assertThatThrownBy(() -> write(FACTORY, g -> TensorJsonWriter.writeFlat(g, DType.FLOAT64, new int[] {2, 2}, new double[3])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> formsAndDtypes() {
        return Stream.of(TensorForm.values()).flatMap(form -> Stream.of(DType.values()).map(dtype -> Arguments.of(form, dtype)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("formsAndDtypes")
    void roundTripsThroughTheReader(TensorForm form, DType dtype) {
        Random random = new Random(7);
        TensorJsonReader reader = new TensorJsonReader(100_000, 8);
        for (int n = 0; n < 300; n++) {
            Tensor t = randomTensor(random, dtype);

            ParsedTensor back = readDocument(reader, FACTORY, write(FACTORY, g -> TensorJsonWriter.write(g, t, form)), dtype, 0);

            assertThat(back).isEqualTo(new ParsedTensor(t, form));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"DEFAULT", "FAST"})
    void writesEveryFloatShortestAndExact(Writers writers) {
        Random random = new Random(11);
        float[] values = new float[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < EDGE_FLOATS.length ? EDGE_FLOATS[i] : randomFloat(random);
        }
        Tensor t = new Tensor.F32(new int[] {values.length}, values);

        String[] texts = numbers(write(writers.factory, g -> TensorJsonWriter.write(g, t, TensorForm.NESTED)));

        List<String> bad = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            boolean exact = Float.floatToRawIntBits(Float.parseFloat(texts[i])) == Float.floatToRawIntBits(values[i]);
            if (!exact || significantDigits(texts[i]) > significantDigits(Float.toString(values[i]))) {
                bad.add(texts[i] + " for " + Float.toString(values[i]));
            }
        }
        assertThat(texts).hasSize(values.length);
        assertThat(bad).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(names = {"DEFAULT", "FAST"})
    void writesEveryDoubleShortestAndExact(Writers writers) {
        Random random = new Random(13);
        double[] values = new double[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < EDGE_DOUBLES.length ? EDGE_DOUBLES[i] : randomDouble(random);
        }

        String[] texts = numbers(write(writers.factory, g -> TensorJsonWriter.writeFlat(g, DType.FLOAT64, new int[] {values.length}, values)));

        List<String> bad = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            boolean exact = Double.doubleToRawLongBits(Double.parseDouble(texts[i])) == Double.doubleToRawLongBits(values[i]);
            if (!exact || significantDigits(texts[i]) > significantDigits(Double.toString(values[i]))) {
                bad.add(texts[i] + " for " + Double.toString(values[i]));
            }
        }
        assertThat(texts).hasSize(values.length);
        assertThat(bad).isEmpty();
    }

    enum Writers {
        DEFAULT(TensorJson.factory()),
        FAST(JsonFixtures.FAST);

        final JsonFactory factory;

        Writers(JsonFactory factory) {
            this.factory = factory;
        }
    }

    private static final float[] EDGE_FLOATS = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        -Float.MAX_VALUE, 1f, 0.1f, 1e-3f, 1e7f, 16777216f, 2e-44f, 1.0E23f, 9.999999e-4f};
    private static final double[] EDGE_DOUBLES = {0.0, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE,
        1.0, 0.1, 1e-3, 1e7, 2e-323, 1.0E23, 9007199254740992.0, 2.0E-3, 5e-324};

    // The numbers of a written array or {"shape":..,"data":[..]} object, as written.
    private static String[] numbers(String json) {
        String data = json.startsWith("{") ? json.substring(json.indexOf("\"data\":[") + 8) : json.substring(1);
        return data.substring(0, data.indexOf(']')).split(",");
    }

    // Digits of the significand without leading or trailing zeros: "1.50E-3" has 2.
    static int significantDigits(String text) {
        String mantissa = text.split("[eE]")[0].replace("-", "").replace(".", "");
        String digits = mantissa.replaceAll("^0+", "").replaceAll("0+$", "");
        return Math.max(1, digits.length());
    }

    private static Tensor randomTensor(Random random, DType dtype) {
        int[] shape = new int[random.nextInt(5)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = 1 + random.nextInt(4);
        }
        double[] values = new double[Tensor.sizeOf(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = dtype == DType.FLOAT32 ? randomFloat(random) : randomDouble(random);
        }
        return Tensor.of(dtype, shape, values);
    }

    private static float randomFloat(Random random) {
        float f;
        do {
            f = Float.intBitsToFloat(random.nextInt());
        } while (!Float.isFinite(f));
        return f;
    }

    private static double randomDouble(Random random) {
        double d;
        do {
            d = Double.longBitsToDouble(random.nextLong());
        } while (!Double.isFinite(d));
        return d;
    }
}
