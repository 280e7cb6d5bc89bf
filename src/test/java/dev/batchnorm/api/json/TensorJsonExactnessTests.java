package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JsonParser;
import tools.jackson.core.json.JsonFactory;

/**
 * Every number the reader produces must have exactly the bits of {@code Float.parseFloat} /
 * {@code Double.parseDouble} of the token text: one rounding, never float(double(text)).
 * Checked through the whole parser, with the codec's factory (JDK conversion) and with Jackson's
 * fast floating-point parser, which a default mapper would use.
 */
class TensorJsonExactnessTests {

    private static final int BATCH = 1_000;
    private static final TensorJsonReader READER = new TensorJsonReader(BATCH, 4);

    private static Set<String> strings;

    @BeforeAll
    static void generate() {
        strings = DecimalStrings.generate(0x5EED_F10A7L, 120_000);
    }

    static Stream<Arguments> factoriesAndDtypes() {
        return Stream.of(
                Arguments.of("codec factory", TensorJson.factory(), DType.FLOAT32),
                Arguments.of("codec factory", TensorJson.factory(), DType.FLOAT64),
                Arguments.of("fast parser", JsonFixtures.FAST, DType.FLOAT32),
                Arguments.of("fast parser", JsonFixtures.FAST, DType.FLOAT64));
    }

    @ParameterizedTest(name = "{0}, {2}")
    @MethodSource("factoriesAndDtypes")
    void readsEveryNumberAsTheJdkParsesIt(String name, JsonFactory factory, DType dtype) {
        assertThat(strings).hasSizeGreaterThanOrEqualTo(100_000);
        List<String> finite = new ArrayList<>();
        List<String> overflowing = new ArrayList<>();
        for (String s : strings) {
            (Double.isFinite(expected(s, dtype)) ? finite : overflowing).add(s);
        }
        List<String> mismatches = new ArrayList<>();
        for (int from = 0; from < finite.size(); from += BATCH) {
            List<String> batch = finite.subList(from, Math.min(finite.size(), from + BATCH));
            Tensor t = readArray(factory, "[" + String.join(",", batch) + "]", dtype);
            for (int i = 0; i < batch.size(); i++) {
                if (!sameBits(t, i, expected(batch.get(i), dtype))) {
                    mismatches.add(batch.get(i) + " read as " + t.get(i) + ", expected " + expected(batch.get(i), dtype));
                }
            }
        }

        assertThat(mismatches).as("values that differ from the JDK's parse").isEmpty();
        assertThat(overflowing).isNotEmpty().allSatisfy(s -> assertThatThrownBy(() -> readArray(factory, "[" + s + "]", dtype))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> assertThat(e.code()).isEqualTo("non_finite_value")));
    }

    private static Tensor readArray(JsonFactory factory, String json, DType dtype) {
        try (JsonParser p = JsonFixtures.parser(factory, json)) {
            p.nextToken();
            return READER.read(p, dtype, "", 1).tensor();
        }
    }

    private static double expected(String s, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> Float.parseFloat(s);
            case FLOAT64 -> Double.parseDouble(s);
        };
    }

    private static boolean sameBits(Tensor t, int i, double expected) {
        return switch (t) {
            case Tensor.F32 f -> Float.floatToRawIntBits(f.data()[i]) == Float.floatToRawIntBits((float) expected);
            case Tensor.F64 d -> Double.doubleToRawLongBits(d.data()[i]) == Double.doubleToRawLongBits(expected);
        };
    }
}
