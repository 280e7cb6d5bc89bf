package dev.batchnorm.api.json;

import static dev.batchnorm.api.json.JsonFixtures.readDocument;
import static dev.batchnorm.api.json.JsonFixtures.readInputs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.core.json.JsonFactory;

class TensorJsonReaderTests {

    // Nothing that looks like a Java type, member or package may reach a client.
    private static final String JAVA_NAMES = "`|\\b[A-Z][A-Za-z]+\\.[A-Za-z_]+|tools\\.jackson|dev\\.batchnorm|java\\.|Exception|\\(for ";

    private final TensorJsonReader reader = new TensorJsonReader(1_000_000, 32);

    private ParsedTensor read(String json, DType dtype, int minRank) {
        return readInputs(reader, TensorJson.factory(), json, dtype, minRank);
    }

    @Test
    void readsNestedFloat32() {
        ParsedTensor parsed = read("[[9.8, 11.2], [10.4, 8.1]]", DType.FLOAT32, 2);

        assertThat(parsed.form()).isEqualTo(TensorForm.NESTED);
        assertThat(parsed.tensor()).isEqualTo(new Tensor.F32(new int[] {2, 2}, new float[] {9.8f, 11.2f, 10.4f, 8.1f}));
    }

    @Test
    void readsNestedFloat64OfRankThree() {
        ParsedTensor parsed = read("[[[1, 2, 3]], [[4, 5, 6e-1]]]", DType.FLOAT64, 2);

        assertThat(parsed.tensor()).isEqualTo(new Tensor.F64(new int[] {2, 1, 3}, new double[] {1, 2, 3, 4, 5, 0.6}));
    }

    @Test
    void readsRankOneWhenAllowed() {
        assertThat(read("[1, 2, 3]", DType.FLOAT32, 1).tensor().shape()).containsExactly(3);
    }

    @Test
    void readsBareNumberAsRankZeroOnlyWhenMinRankIsZero() {
        ParsedTensor parsed = read("2.5", DType.FLOAT64, 0);

        assertThat(parsed.form()).isEqualTo(TensorForm.NESTED);
        assertThat(parsed.tensor()).isEqualTo(new Tensor.F64(new int[0], new double[] {2.5}));
        assertFormatError("2.5", DType.FLOAT64, 1, "invalid_rank", "/inputs");
    }

    @Test
    void readsFlatWithShapeFirstOrDataFirst() {
        Tensor expected = new Tensor.F32(new int[] {2, 2}, new float[] {9.8f, 11.2f, 10.4f, 8.1f});

        ParsedTensor shapeFirst = read("{\"shape\": [2, 2], \"data\": [9.8, 11.2, 10.4, 8.1]}", DType.FLOAT32, 2);
        ParsedTensor dataFirst = read("{\"data\": [9.8, 11.2, 10.4, 8.1], \"shape\": [2, 2]}", DType.FLOAT32, 2);

        assertThat(shapeFirst).isEqualTo(new ParsedTensor(expected, TensorForm.FLAT));
        assertThat(dataFirst).isEqualTo(new ParsedTensor(expected, TensorForm.FLAT));
    }

    @Test
    void readsFlatEmptyShapeAsRankZero() {
        ParsedTensor parsed = read("{\"shape\": [], \"data\": [7]}", DType.FLOAT64, 0);

        assertThat(parsed.tensor()).isEqualTo(new Tensor.F64(new int[0], new double[] {7}));
        assertThat(parsed.form()).isEqualTo(TensorForm.FLAT);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void keepsTheSignOfNegativeZero(DType dtype) {
        Tensor t = read("[-0, -0.0, -0e5, 0, 0.0]", dtype, 1).tensor();

        assertThat(t.toDoubles()).containsExactly(-0.0, -0.0, -0.0, 0.0, 0.0);
        assertThat(Double.doubleToRawLongBits(t.get(0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(Double.doubleToRawLongBits(t.get(3))).isEqualTo(0L);
    }

    @Test
    void convertsIntegersWithOneRounding() {
        String[] texts = {"16777217", "-16777219", "9007199254740993", "9223372036854775807", "123456789012345678901234567890"};
        String json = "[" + String.join(",", texts) + "]";

        Tensor.F32 f32 = (Tensor.F32) read(json, DType.FLOAT32, 1).tensor();
        Tensor.F64 f64 = (Tensor.F64) read(json, DType.FLOAT64, 1).tensor();

        for (int i = 0; i < texts.length; i++) {
            assertThat(Float.floatToRawIntBits(f32.data()[i])).as(texts[i]).isEqualTo(Float.floatToRawIntBits(Float.parseFloat(texts[i])));
            assertThat(Double.doubleToRawLongBits(f64.data()[i])).as(texts[i]).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(texts[i])));
        }
    }

    @Test
    void acceptsFloat64ValuesBeyondFloat32Range() {
        assertThat(read("[[1e39, -1e39]]", DType.FLOAT64, 2).tensor().toDoubles()).containsExactly(1e39, -1e39);
        assertFormatError("[[1e39]]", DType.FLOAT32, 2, "non_finite_value", "/inputs/0/0");
    }

    @Test
    void growsTheBufferForLargeTensors() {
        StringJoiner rows = new StringJoiner(",", "[", "]");
        for (int i = 0; i < 2_500; i++) {
            rows.add("[" + i + "," + (i + 0.5) + ",-" + i + ",1e-3]");
        }

        Tensor.F64 t = (Tensor.F64) read(rows.toString(), DType.FLOAT64, 2).tensor();

        assertThat(t.shape()).containsExactly(2_500, 4);
        assertThat(t.data()).hasSize(10_000);
        assertThat(t.data()[4 * 2_499 + 1]).isEqualTo(2_499.5);
    }

    @ParameterizedTest(name = "{0} as {1} (minRank {2}) -> {3} at {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [[1,2],[3]]                              | FLOAT32 | 2 | ragged_tensor       | /inputs/1
            [[1,2],[3,4,5]]                          | FLOAT32 | 2 | ragged_tensor       | /inputs/1/2
            [[1,2],3]                                | FLOAT32 | 2 | ragged_tensor       | /inputs/1
            [[1,[2]]]                                | FLOAT32 | 2 | ragged_tensor       | /inputs/0/1
            [[1,2],"x"]                              | FLOAT32 | 2 | ragged_tensor       | /inputs/1
            [[[1,2],[3,4]],[[5,6],[7]]]              | FLOAT64 | 2 | ragged_tensor       | /inputs/1/1
            [[[1,2],[3,4]],[[5,6],[7,8],[9,10]]]     | FLOAT64 | 2 | ragged_tensor       | /inputs/1/2
            [1,[2]]                                  | FLOAT64 | 1 | ragged_tensor       | /inputs/1
            [[1,"2"]]                                | FLOAT32 | 2 | non_numeric_value   | /inputs/0/1
            [[null]]                                 | FLOAT32 | 2 | non_numeric_value   | /inputs/0/0
            [[1],[true]]                             | FLOAT32 | 2 | non_numeric_value   | /inputs/1/0
            [[{"a":1}]]                              | FLOAT64 | 2 | non_numeric_value   | /inputs/0/0
            null                                     | FLOAT32 | 2 | non_numeric_value   | /inputs
            true                                     | FLOAT32 | 0 | non_numeric_value   | /inputs
            "2"                                      | FLOAT32 | 0 | non_numeric_value   | /inputs
            {"shape":[4],"data":[1,2,3,"4"]}         | FLOAT32 | 1 | non_numeric_value   | /inputs/data/3
            {"shape":[2],"data":[1,null]}            | FLOAT64 | 1 | non_numeric_value   | /inputs/data/1
            [[NaN]]                                  | FLOAT32 | 2 | non_finite_value    | /inputs/0/0
            [[1,Infinity]]                           | FLOAT64 | 2 | non_finite_value    | /inputs/0/1
            [[1],[-Infinity]]                        | FLOAT32 | 2 | non_finite_value    | /inputs/1/0
            [[1e39]]                                 | FLOAT32 | 2 | non_finite_value    | /inputs/0/0
            [[-3.4028236e38]]                        | FLOAT32 | 2 | non_finite_value    | /inputs/0/0
            [[1e400]]                                | FLOAT64 | 2 | non_finite_value    | /inputs/0/0
            [[1e99999999999999999]]                  | FLOAT64 | 2 | non_finite_value    | /inputs/0/0
            {"shape":[1],"data":[NaN]}               | FLOAT64 | 1 | non_finite_value    | /inputs/data/0
            NaN                                      | FLOAT64 | 0 | non_finite_value    | /inputs
            {"shape":[2,2],"data":[1,2,3]}           | FLOAT32 | 2 | shape_data_mismatch | /inputs/data
            {"shape":[2],"data":[1,2,3]}             | FLOAT32 | 1 | shape_data_mismatch | /inputs/data/2
            {"data":[1,2,3],"shape":[2,2]}           | FLOAT32 | 2 | shape_data_mismatch | /inputs/data
            {"shape":[],"data":[1,2]}                | FLOAT64 | 0 | shape_data_mismatch | /inputs/data/1
            []                                       | FLOAT32 | 2 | empty_tensor        | /inputs
            [[]]                                     | FLOAT32 | 2 | empty_tensor        | /inputs/0
            [[1],[]]                                 | FLOAT32 | 2 | empty_tensor        | /inputs/1
            [[[]]]                                   | FLOAT32 | 2 | empty_tensor        | /inputs/0/0
            {"shape":[1],"data":[]}                  | FLOAT32 | 1 | empty_tensor        | /inputs/data
            {"data":[],"shape":[0]}                  | FLOAT32 | 1 | empty_tensor        | /inputs/data
            [1,2]                                    | FLOAT32 | 2 | invalid_rank        | /inputs
            5                                        | FLOAT32 | 2 | invalid_rank        | /inputs
            {"shape":[2],"data":[1,2]}               | FLOAT64 | 2 | invalid_rank        | /inputs
            {"shape":[],"data":[1]}                  | FLOAT64 | 1 | invalid_rank        | /inputs
            {"shape":[2,-1],"data":[]}               | FLOAT32 | 2 | invalid_shape       | /inputs/shape/1
            {"shape":[2,0],"data":[1]}               | FLOAT32 | 2 | invalid_shape       | /inputs/shape/1
            {"shape":[-0],"data":[1]}                | FLOAT32 | 1 | invalid_shape       | /inputs/shape/0
            {"shape":[1.5],"data":[1]}               | FLOAT32 | 1 | invalid_shape       | /inputs/shape/0
            {"shape":[1e0],"data":[1]}               | FLOAT32 | 1 | invalid_shape       | /inputs/shape/0
            {"shape":["2"],"data":[1,2]}             | FLOAT32 | 1 | invalid_shape       | /inputs/shape/0
            {"shape":[[2]],"data":[1,2]}             | FLOAT32 | 1 | invalid_shape       | /inputs/shape/0
            {"shape":[-99999999999999999999],"data":[1]} | FLOAT32 | 1 | invalid_shape   | /inputs/shape/0
            {"shape":2,"data":[1,2]}                 | FLOAT32 | 1 | invalid_shape       | /inputs/shape
            {"shape":null,"data":[1,2]}              | FLOAT32 | 1 | invalid_shape       | /inputs/shape
            {"data":[1],"shape":[1,1],"x":1}         | FLOAT32 | 2 | invalid_shape       | /inputs/x
            {"a/b~c":1}                              | FLOAT32 | 2 | invalid_shape       | /inputs/a~1b~0c
            {"shape":[1,1],"data":[[1]]}             | FLOAT32 | 2 | invalid_shape       | /inputs/data/0
            {"shape":[1,1],"data":1}                 | FLOAT32 | 2 | invalid_shape       | /inputs/data
            {"shape":[1,1],"data":{}}                | FLOAT32 | 2 | invalid_shape       | /inputs/data
            {}                                       | FLOAT32 | 2 | invalid_shape       | /inputs
            {"shape":[1,1]}                          | FLOAT32 | 2 | invalid_shape       | /inputs
            {"data":[1]}                             | FLOAT32 | 2 | invalid_shape       | /inputs
            [[1,2 3]]                                | FLOAT32 | 2 | malformed_json      | /inputs/0/2
            [[1,2],]                                 | FLOAT32 | 2 | malformed_json      | /inputs/1
            [[+1]]                                   | FLOAT32 | 2 | malformed_json      | /inputs/0/0
            [[01]]                                   | FLOAT32 | 2 | malformed_json      | /inputs/0/0
            [[tru]]                                  | FLOAT32 | 2 | malformed_json      | /inputs/0/0
            [["\\q"]]                                | FLOAT32 | 2 | non_numeric_value   | /inputs/0/0
            [[1,2]                                   | FLOAT32 | 2 | malformed_json      | /inputs/1
            [[1,2                                    | FLOAT32 | 2 | malformed_json      | /inputs/0/2
            [[1,-]]                                  | FLOAT32 | 2 | malformed_json      | /inputs/0/1
            {"shape":[1],"data":[1 /* c */]}         | FLOAT32 | 1 | malformed_json      | /inputs/data/1
            {"shape":[1],"shape":[1],"data":[1]}     | FLOAT32 | 1 | malformed_json      | /inputs
            {"shape" [1]}                            | FLOAT32 | 1 | malformed_json      | /inputs
            """)
    void rejectsWithCodeAndPointer(String json, DType dtype, int minRank, String code, String pointer) {
        assertFormatError(json, dtype, minRank, code, pointer);
    }

    @Test
    void reportsLineAndColumnOfSyntaxErrors() {
        assertThatThrownBy(() -> read("[[1,\n 2 3]]", DType.FLOAT32, 2))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> {
                    assertThat(e.code()).isEqualTo("malformed_json");
                    assertThat(e.getMessage()).contains("line 2, column 4").doesNotContainPattern(JAVA_NAMES);
                });
    }

    @Test
    void reportsOverlongNumbersWithoutJavaNames() {
        String digits = "1".repeat(1_200);

        assertThatThrownBy(() -> read("[[" + digits + "]]", DType.FLOAT64, 2))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> {
                    assertThat(e.code()).isEqualTo("malformed_json");
                    assertThat(e.pointer()).isEqualTo("/inputs/0/0");
                    assertThat(e.getMessage()).contains("1000").doesNotContainPattern(JAVA_NAMES);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            [[1,2]] x
            [[1,2]] [3]
            [[1,2]] ]
            [[1,2]]]
            [[1,2]] {
            """)
    void rejectsTrailingContent(String json) {
        assertThatThrownBy(() -> readDocument(reader, TensorJson.factory(), json, DType.FLOAT32, 2))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> {
                    assertThat(e.code()).isEqualTo("trailing_content");
                    assertThat(e.pointer()).isEmpty();
                    assertThat(e.getMessage()).contains("line 1").doesNotContainPattern(JAVA_NAMES);
                });
    }

    @Test
    void acceptsTrailingWhitespace() {
        assertThat(readDocument(reader, TensorJson.factory(), " [[1,2]] \n\t ", DType.FLOAT32, 2).tensor().size()).isEqualTo(2);
    }

    @Test
    void limitsNestedElementsWhileReading() {
        TensorJsonReader small = new TensorJsonReader(4, 32);

        assertThat(readInputs(small, TensorJson.factory(), "[[1,2],[3,4]]", DType.FLOAT32, 2).tensor().size()).isEqualTo(4);
        assertLimit(small, TensorJson.factory(), "[[1,2],[3,4],[5,6]]", "too_many_elements", "/inputs/2/0", 4);
    }

    @Test
    void limitsFlatElementsFromTheShapeBeforeReadingData() {
        TensorJsonReader small = new TensorJsonReader(4, 32);

        assertLimit(small, TensorJson.factory(), "{\"shape\":[3,2],\"data\":[1,2,3,4,5,6]}", "too_many_elements", "/inputs/shape/1", 4);
        assertLimit(small, TensorJson.factory(), "{\"shape\":[99999999999999999999],\"data\":[1]}", "too_many_elements", "/inputs/shape/0", 4);
        // the shape decides before any data is looked at, even broken data
        assertLimit(small, TensorJson.factory(), "{\"shape\":[5],\"data\":[\"x\"]}", "too_many_elements", "/inputs/shape/0", 4);
        assertLimit(small, TensorJson.factory(), "{\"data\":[1,2,3,4,5],\"shape\":[5]}", "too_many_elements", "/inputs/data/4", 4);
    }

    @Test
    void limitsTheReadersNestingDepth() {
        TensorJsonReader shallow = new TensorJsonReader(100, 3);

        assertThat(readInputs(shallow, TensorJson.factory(), "[[[1]]]", DType.FLOAT32, 2).tensor().shape()).containsExactly(1, 1, 1);
        assertLimit(shallow, TensorJson.factory(), "[[[[1]]]]", "nesting_too_deep", "/inputs/0/0/0", 3);
        assertLimit(shallow, TensorJson.factory(), "{\"shape\":[1,1,1,1],\"data\":[1]}", "nesting_too_deep", "/inputs/shape/3", 3);
    }

    @Test
    void limitsTheFactorysNestingDepth() {
        // {"inputs": ...} adds one level: [[[[1]]]] inside it is five deep
        JsonFactory factory = TensorJson.factory(4);

        assertThat(factory.streamReadConstraints().getMaxNestingDepth()).isEqualTo(4);
        assertThat(readInputs(reader, factory, "[[[1]]]", DType.FLOAT32, 2).tensor().size()).isEqualTo(1);
        assertLimit(reader, factory, "[[[[1]]]]", "nesting_too_deep", "/inputs/0/0/0", 4);
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> new TensorJsonReader(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TensorJsonReader(4, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertFormatError(String json, DType dtype, int minRank, String code, String pointer) {
        assertThatThrownBy(() -> read(json, dtype, minRank))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> {
                    assertThat(e.code()).as("code").isEqualTo(code);
                    assertThat(e.pointer()).as("pointer").isEqualTo(pointer);
                    assertThat(e.getMessage()).isNotBlank().doesNotContainPattern(JAVA_NAMES);
                });
    }

    private static void assertLimit(TensorJsonReader reader, JsonFactory factory, String json, String code, String pointer, long limit) {
        assertThatThrownBy(() -> readInputs(reader, factory, json, DType.FLOAT32, 1))
                .isInstanceOfSatisfying(TensorLimitException.class, e -> {
                    assertThat(e.code()).as("code").isEqualTo(code);
                    assertThat(e.pointer()).as("pointer").isEqualTo(pointer);
                    assertThat(e.limit()).as("limit").isEqualTo(limit);
                    assertThat(e.getMessage()).contains(Long.toString(limit)).doesNotContainPattern(JAVA_NAMES);
                });
    }
}
