package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.util.JsonGeneratorDelegate;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The float32 tensors written as raw text (a few KB per generator call) against the text of one
 * generator call per number: byte for byte the same, in UTF-8 and through a Writer, for tensors
 * of many batches whose batches straddle the generator's own buffer, flat and nested, inside a
 * document that goes on after them. The per-number oracle is the generator wrapped in a delegate
 * (which the raw path does not accept) and, independently, text built from {@link Float#toString}.
 */
class RawTextTests {

    private static final JsonFactory FACTORY = TensorJson.factory();

    static Stream<int[]> shapes() {
        return Stream.of(new int[] {1}, new int[] {7}, new int[] {5_000}, new int[] {1024, 64}, new int[] {3, 700, 3},
                new int[] {2_000, 1}, new int[] {1, 3_000}, new int[] {2, 3, 4, 5}, new int[] {4, 0, 3}, new int[] {0},
                new int[] {2, 0}, new int[] {1, 1, 1});
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void writesTheSameBytesAsOneGeneratorCallPerNumber(int[] shape) {
        Tensor.F32 t = randomTensor(shape, new SplittableRandom(shape.length * 31L + Tensor.sizeOf(shape)));
        for (TensorForm form : TensorForm.values()) {
            Consumer<JsonGenerator> document = g -> {
                g.writeStartObject();
                g.writeName("before");
                g.writeNumber(1);
                g.writeName("tensor");
                TensorJsonWriter.write(g, t, form);
                g.writeName("after");
                g.writeStartArray();
                TensorJsonWriter.write(g, t, form);
                TensorJsonWriter.write(g, t, form);
                g.writeEndArray();
                g.writeEndObject();
            };
            String expected = "{\"before\":1,\"tensor\":" + oracle(t, form) + ",\"after\":[" + oracle(t, form) + "," + oracle(t, form) + "]}";

            assertThat(utf8(FACTORY, document)).isEqualTo(expected);
            assertThat(chars(FACTORY, document)).isEqualTo(expected);
            assertThat(utf8(FACTORY, perNumber(document))).isEqualTo(expected);
        }
    }

    @Test
    void writesFloat32VariablesHeldAsDoublesTheSameWay() {
        SplittableRandom random = new SplittableRandom(5);
        double[] values = new double[6_000];
        StringBuilder expected = new StringBuilder("{\"shape\":[2,3000],\"data\":[");
        for (int i = 0; i < values.length; i++) {
            float f = randomFloat(random, i);
            values[i] = f;
            expected.append(i > 0 ? "," : "").append(Float.toString(f));
        }
        expected.append("]}");
        Consumer<JsonGenerator> flat = g -> TensorJsonWriter.writeFlat(g, DType.FLOAT32, new int[] {2, 3_000}, values);

        assertThat(utf8(FACTORY, flat)).isEqualTo(expected.toString());
        assertThat(chars(FACTORY, flat)).isEqualTo(expected.toString());
        assertThat(utf8(FACTORY, perNumber(flat))).isEqualTo(expected.toString());
    }

    @Test
    void leavesPrettyPrintingToTheGenerator() {
        Tensor.F32 t = new Tensor.F32(new int[] {2, 2}, new float[] {1.5f, -0f, 1e-7f, 3f});
        JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        StringWriter out = new StringWriter();
        try (JsonGenerator g = mapper.createGenerator(out)) {
            TensorJsonWriter.write(g, t, TensorForm.NESTED);
        }
        StringWriter expected = new StringWriter();
        try (JsonGenerator g = mapper.createGenerator(expected)) {
            g.writeStartArray();
            for (int row = 0; row < 2; row++) {
                g.writeStartArray();
                g.writeNumber(Float.toString(t.data()[2 * row]));
                g.writeNumber(Float.toString(t.data()[2 * row + 1]));
                g.writeEndArray();
            }
            g.writeEndArray();
        }

        assertThat(out.toString()).isEqualTo(expected.toString()).contains("[ [ 1.5, -0.0 ], [ 1.0E-7, 3.0 ] ]");
        assertThat(RawText.accepts(mapper.createGenerator(new StringWriter()))).isFalse();
    }

    @Test
    void leavesNumbersAsStringsToTheGenerator() {
        JsonFactory quoting = FACTORY.rebuild().enable(JsonWriteFeature.WRITE_NUMBERS_AS_STRINGS).build();
        Tensor.F32 t = new Tensor.F32(new int[] {2}, new float[] {1.5f, 0.1f});

        assertThat(utf8(quoting, g -> TensorJsonWriter.write(g, t, TensorForm.FLAT))).isEqualTo("{\"shape\":[\"2\"],\"data\":[\"1.5\",\"0.1\"]}");
    }

    @Test
    void acceptsOnlyCompactJsonGenerators() {
        assertThat(RawText.accepts(FACTORY.createGenerator(ObjectWriteContext.empty(), new ByteArrayOutputStream()))).isTrue();
        assertThat(RawText.accepts(FACTORY.createGenerator(ObjectWriteContext.empty(), new StringWriter()))).isTrue();
        JsonGenerator plain = FACTORY.createGenerator(ObjectWriteContext.empty(), new StringWriter());
        assertThat(RawText.accepts(new JsonGeneratorDelegate(plain))).isFalse();
    }

    @Test
    void refusesNonFiniteValuesByTheirIndex() {
        float[] data = new float[3_000];
        data[2_500] = Float.POSITIVE_INFINITY;
        Tensor.F32 t = new Tensor.F32(new int[] {3, 1_000}, data);

        assertThatThrownBy(() -> utf8(FACTORY, g -> TensorJsonWriter.write(g, t, TensorForm.NESTED)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 2500");
        assertThatThrownBy(() -> utf8(FACTORY, g -> TensorJsonWriter.writeFlat(g, DType.FLOAT32, new int[] {2}, new double[] {1, Double.NaN})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 1");
    }

    // The text of one tensor from Float.toString alone.
    private static String oracle(Tensor.F32 t, TensorForm form) {
        StringBuilder out = new StringBuilder();
        if (form == TensorForm.FLAT) {
            out.append("{\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) {
                out.append(i > 0 ? "," : "").append(t.shape()[i]);
            }
            out.append("],\"data\":[");
            for (int i = 0; i < t.data().length; i++) {
                out.append(i > 0 ? "," : "").append(Float.toString(t.data()[i]));
            }
            return out.append("]}").toString();
        }
        nested(out, t, 0, 0);
        return out.toString();
    }

    private static int nested(StringBuilder out, Tensor.F32 t, int axis, int offset) {
        if (axis == t.shape().length) {
            out.append(Float.toString(t.data()[offset]));
            return offset + 1;
        }
        out.append('[');
        for (int i = 0; i < t.shape()[axis]; i++) {
            out.append(i > 0 ? "," : "");
            offset = nested(out, t, axis + 1, offset);
        }
        out.append(']');
        return offset;
    }

    // The same calls on a delegate, which the raw path does not accept: one writeNumber per number.
    private static Consumer<JsonGenerator> perNumber(Consumer<JsonGenerator> body) {
        return g -> {
            JsonGenerator delegate = new JsonGeneratorDelegate(g);
            assertThat(RawText.accepts(delegate)).isFalse();
            body.accept(delegate);
        };
    }

    private static String utf8(JsonFactory factory, Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = factory.createGenerator(ObjectWriteContext.empty(), out)) {
            body.accept(g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String chars(JsonFactory factory, Consumer<JsonGenerator> body) {
        return JsonFixtures.write(factory, body);
    }

    private static Tensor.F32 randomTensor(int[] shape, SplittableRandom random) {
        float[] data = new float[Tensor.sizeOf(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = randomFloat(random, i);
        }
        return new Tensor.F32(shape, data);
    }

    // Mostly batch-norm-like values, with every kind of float mixed in: long and short texts,
    // E notation, subnormals, signed zeros, integers.
    private static float randomFloat(SplittableRandom random, int i) {
        float f;
        do {
            f = switch (i % 6) {
                case 0 -> Float.intBitsToFloat(random.nextInt());
                case 1 -> random.nextInt(-100_000, 100_000);
                case 2 -> Float.intBitsToFloat(random.nextInt(1 << 23)) * (random.nextBoolean() ? 1 : -1);
                case 3 -> random.nextBoolean() ? 0f : -0f;
                default -> (float) ((random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5) * 2);
            };
        } while (!Float.isFinite(f));
        return f;
    }

    @Test
    void aBatchGivesItsUnsentTextThroughEveryMethodOfTheInterface() throws Exception {
        String text = "[1.5,-2.0E-5,3.4028235E38]";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[bytes.length + 10];
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        RawText.Batch batch = new RawText.Batch(buf);
        batch.end = bytes.length;
        batch.sent = 5;
        String rest = text.substring(5);

        // the views copy and send nothing; quoted and unquoted forms are the same
        assertThat(batch.getValue()).isEqualTo(rest);
        assertThat(batch.charLength()).isEqualTo(rest.length());
        assertThat(new String(batch.asQuotedChars())).isEqualTo(rest);
        assertThat(batch.asUnquotedUTF8()).isEqualTo(rest.getBytes(StandardCharsets.US_ASCII));
        assertThat(batch.asQuotedUTF8()).isEqualTo(rest.getBytes(StandardCharsets.US_ASCII));
        assertThat(batch.sent).isEqualTo(5);

        // appends copy what fits and send it
        byte[] out = new byte[8];
        assertThat(batch.appendQuotedUTF8(out, 3)).isEqualTo(5);
        assertThat(new String(out, 3, 5, StandardCharsets.US_ASCII)).isEqualTo(rest.substring(0, 5));
        char[] chars = new char[4];
        assertThat(batch.appendQuoted(chars, 0)).isEqualTo(4);
        assertThat(new String(chars)).isEqualTo(rest.substring(5, 9));
        assertThat(batch.sent).isEqualTo(14);

        // a buffer without room for all of it takes nothing
        ByteBuffer small = ByteBuffer.allocate(text.length() - 15);
        assertThat(batch.putQuotedUTF8(small)).isEqualTo(-1);
        assertThat(small.position()).isZero();
        ByteBuffer big = ByteBuffer.allocate(64);
        assertThat(batch.putUnquotedUTF8(big)).isEqualTo(text.length() - 14);
        assertThat(new String(big.array(), 0, big.position(), StandardCharsets.US_ASCII)).isEqualTo(text.substring(14));
        assertThat(batch.charLength()).isZero();

        // a stream takes all of it
        batch.sent = 0;
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        assertThat(batch.writeQuotedUTF8(stream)).isEqualTo(text.length());
        assertThat(stream.toString(StandardCharsets.US_ASCII)).isEqualTo(text);
        batch.sent = 20;
        stream.reset();
        assertThat(batch.writeUnquotedUTF8(stream)).isEqualTo(text.length() - 20);
        assertThat(stream.toString(StandardCharsets.US_ASCII)).isEqualTo(text.substring(20));
        assertThat(batch.getValue()).isEmpty();
    }
}
