package dev.batchnorm.api.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchnorm.api.json.TensorFormatException;
import dev.batchnorm.api.json.TensorLimitException;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The .npy codec against files written by NumPy 2.4 ({@code np.save}, {@code format.write_array}). */
class NpyTests {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = NpyTests.class.getResourceAsStream("/npy/" + name)) {
            return in.readAllBytes();
        }
    }

    static Tensor read(String name, DType dtype, int minRank) throws IOException {
        return Npy.read(new ByteArrayInputStream(fixture(name)), dtype, minRank, 1000);
    }

    @ParameterizedTest
    @CsvSource({"e1-f4-v1.npy", "e1-f4-v2.npy", "e1-f4-v3.npy", "e1-f8-v1.npy"})
    void read_EveryVersionAndWidth_ShouldGiveTheArray(String name) throws IOException {
        Tensor t = read(name, DType.FLOAT32, 2);
        assertThat(t.shape()).containsExactly(3, 2);
        assertThat(((Tensor.F32) t).data()).containsExactly(1, 0, 2, 0, 3, 6);
        assertThat(((Tensor.F64) read(name, DType.FLOAT64, 2)).data()).containsExactly(1, 0, 2, 0, 3, 6);
    }

    @Test
    void read_OtherRanks_ShouldKeepTheShape() throws IOException {
        assertThat(read("nhwc-f4.npy", DType.FLOAT32, 2).shape()).containsExactly(2, 2, 2, 3);
        assertThat(read("rank1.npy", DType.FLOAT32, 0).shape()).containsExactly(2);
        Tensor scalar = read("scalar-f4.npy", DType.FLOAT32, 0);
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.get(0)).isEqualTo(0.5);
    }

    @ParameterizedTest
    @CsvSource({
        "e1-fortran.npy, npy_fortran_order",
        "e1-big-endian.npy, npy_big_endian",
        "e1-int32.npy, npy_unsupported_dtype",
        "e1-float16.npy, npy_unsupported_dtype",
        "e1-truncated.npy, npy_truncated",
        "rank1.npy, invalid_rank",
        "nan.npy, non_finite_value",
    })
    void read_BadDocuments_ShouldBeRefusedWithTheirCode(String name, String code) {
        assertThatThrownBy(() -> read(name, DType.FLOAT32, 2))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void read_NonFinite_ShouldPointAtTheElement() {
        assertThatThrownBy(() -> read("nan.npy", DType.FLOAT32, 2))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> assertThat(e.pointer()).isEqualTo("/0/1"));
    }

    @Test
    void read_NotNpyOrWithTrailingBytes_ShouldBeRefused() throws IOException {
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream("[[1, 2]]".getBytes()), DType.FLOAT32, 2, 1000))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> assertThat(e.code()).isEqualTo("npy_invalid"));
        byte[] longer = java.util.Arrays.copyOf(fixture("e1-f4-v1.npy"), fixture("e1-f4-v1.npy").length + 1);
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(longer), DType.FLOAT32, 2, 1000))
                .isInstanceOfSatisfying(TensorFormatException.class, e -> assertThat(e.code()).isEqualTo("trailing_content"));
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(fixture("nhwc-f4.npy")), DType.FLOAT32, 2, 10))
                .isInstanceOf(TensorLimitException.class);
    }

    @Test
    void write_ShouldProduceExactlyWhatNumpySaves() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new Tensor.F32(new int[] {3, 2}, new float[] {1, 0, 2, 0, 3, 6}));
        assertThat(out.toByteArray()).isEqualTo(fixture("e1-f4-v1.npy"));
        out.reset();
        Npy.write(out, new Tensor.F64(new int[] {3, 2}, new double[] {1, 0, 2, 0, 3, 6}));
        assertThat(out.toByteArray()).isEqualTo(fixture("e1-f8-v1.npy"));
        out.reset();
        Npy.write(out, new Tensor.F32(new int[] {2}, new float[] {1, 2}));
        assertThat(out.toByteArray()).isEqualTo(fixture("rank1.npy"));
        out.reset();
        Npy.write(out, new Tensor.F32(new int[0], new float[] {0.5f}));
        assertThat(out.toByteArray()).isEqualTo(fixture("scalar-f4.npy"));
    }
}
