package dev.batchnorm.api.npy;

import dev.batchnorm.api.json.ArrayRecycler;
import dev.batchnorm.api.json.TensorFormatException;
import dev.batchnorm.api.json.TensorLimitException;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy's .npy format: the magic {@code \x93NUMPY}, a version byte pair, the
 * header length (2 bytes in version 1, 4 in versions 2 and 3), a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }} and the raw data. Only
 * little-endian float32 ({@code <f4}) and float64 ({@code <f8}) in C order are taken; the values
 * land in the session's dtype (float64 data in a float32 session is rounded once, as a cast).
 */
public final class Npy {

    public static final String MEDIA_TYPE = "application/x-npy";

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final int MAX_HEADER = 1 << 16;
    private static final int FIRST_CHUNK = 64 << 10;

    private Npy() {}

    /**
     * Reads one .npy document into a tensor of {@code dtype}.
     *
     * @throws TensorFormatException with codes {@code npy_invalid}, {@code npy_fortran_order},
     *     {@code npy_big_endian}, {@code npy_unsupported_dtype}, {@code npy_truncated},
     *     {@code trailing_content}, {@code invalid_rank} or {@code non_finite_value}
     * @throws TensorLimitException when the shape has more than {@code maxElements} elements
     */
    public static Tensor read(InputStream in, DType dtype, int minRank, int maxElements) {
        try {
            byte[] prefix = in.readNBytes(8);
            if (prefix.length < 8 || !java.util.Arrays.equals(prefix, 0, 6, MAGIC, 0, 6)) {
                throw error("npy_invalid", "the body is not a .npy document (it does not start with \\x93NUMPY)");
            }
            int major = prefix[6];
            if (major < 1 || major > 3) {
                throw error("npy_invalid", ".npy version " + major + " is not supported (1 to 3 are)");
            }
            byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
            ByteBuffer lb = ByteBuffer.wrap(java.util.Arrays.copyOf(lengthBytes, 4)).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = Integer.toUnsignedLong(lb.getInt());
            if (lengthBytes.length < (major == 1 ? 2 : 4) || headerLength > MAX_HEADER) {
                throw error("npy_invalid", "the .npy header length is missing or implausible");
            }
            byte[] headerBytes = in.readNBytes((int) headerLength);
            if (headerBytes.length < headerLength) {
                throw error("npy_truncated", "the .npy header is cut short");
            }
            String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = parse(header);
            if (h.shape.length < minRank) {
                throw new TensorFormatException("invalid_rank", "", "expected a tensor of rank " + minRank + " or more, found rank " + h.shape.length);
            }
            long count = 1;
            for (int d : h.shape) {
                count *= d;
                if (count > maxElements) {
                    throw new TensorLimitException("too_many_elements", "", maxElements, "the tensor has more than " + maxElements + " elements");
                }
            }
            for (int d : h.shape) {
                if (d < 1) {
                    throw new TensorFormatException("empty_tensor", "", "every dimension of the shape must be at least 1");
                }
            }
            int width = h.descr.equals("<f4") ? 4 : 8;
            int length = (int) count * width;
            // the raw data goes through a recycled buffer (the tensor is the only large array
            // allocated), which grows with the bytes that arrive, not with what the header claims
            byte[] data = ArrayRecycler.BYTES.take(Math.min(length, FIRST_CHUNK));
            try {
                int read = 0;
                for (int r; read < length && (r = in.read(data, read, Math.min(data.length, length) - read)) >= 0; ) {
                    read += r;
                    if (read == data.length && read < length) {
                        byte[] bigger = ArrayRecycler.BYTES.take((int) Math.min(length, 2L * read));
                        System.arraycopy(data, 0, bigger, 0, read);
                        ArrayRecycler.BYTES.give(data);
                        data = bigger;
                    }
                }
                if (read < length) {
                    throw error("npy_truncated", "the .npy data holds " + read + " bytes, the shape needs " + length);
                }
                if (in.read() != -1) {
                    throw new TensorFormatException("trailing_content", "", "there are bytes after the .npy data");
                }
                return tensor(h.shape, ByteBuffer.wrap(data, 0, length), count, width, dtype);
            } finally {
                ArrayRecycler.BYTES.give(data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Header(String descr, int[] shape) {}

    private static Header parse(String header) {
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw error("npy_invalid", "the .npy header lacks descr, fortran_order or shape");
        }
        String d = descr.group(1);
        if (fortran.group(1).equals("True")) {
            throw error("npy_fortran_order", "Fortran-ordered arrays are not taken; save a C-ordered array (np.ascontiguousarray)");
        }
        if (d.equals(">f4") || d.equals(">f8")) {
            throw error("npy_big_endian", "big-endian data (" + d + ") is not taken; convert with a.astype('<" + d.substring(1) + "')");
        }
        if (!d.equals("<f4") && !d.equals("<f8")) {
            throw error("npy_unsupported_dtype", "dtype " + d + " is not taken; use float32 ('<f4') or float64 ('<f8')");
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : shape.group(1).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims.add(Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
            } catch (NumberFormatException e) {
                throw error("npy_invalid", "the .npy shape is not a tuple of integers");
            }
        }
        return new Header(d, dims.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Tensor tensor(int[] shape, ByteBuffer data, long count, int width, DType dtype) {
        ByteBuffer b = data.order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) count;
        if (dtype == DType.FLOAT32) {
            float[] out = new float[n];
            if (width == 4) {
                b.asFloatBuffer().get(out);
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(); // one rounding, as a cast
                }
            }
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(out[i])) {
                    throw nonFinite(i, shape);
                }
            }
            return new Tensor.F32(shape, out);
        }
        double[] out = new double[n];
        if (width == 8) {
            b.asDoubleBuffer().get(out);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = b.getFloat();
            }
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(out[i])) {
                throw nonFinite(i, shape);
            }
        }
        return new Tensor.F64(shape, out);
    }

    private static TensorFormatException nonFinite(int flat, int[] shape) {
        int[] index = new int[shape.length];
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        StringBuilder pointer = new StringBuilder();
        for (int i : index) {
            pointer.append('/').append(i);
        }
        return new TensorFormatException("non_finite_value", pointer.toString(),
                "element " + java.util.Arrays.toString(index) + " is not finite in the session's dtype");
    }

    private static TensorFormatException error(String code, String message) {
        return new TensorFormatException(code, "", message);
    }

    /** Writes a tensor as a version 1.0 .npy document, as {@code np.save} does. */
    public static void write(OutputStream out, Tensor t) {
        try {
            out.write(toBytes(t));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tensor as a version 1.0 .npy document, as {@code np.save} writes it, in one exactly sized array. */
    public static byte[] toBytes(Tensor t) {
        StringBuilder shape = new StringBuilder("(");
        for (int d : t.shape()) {
            shape.append(d).append(", ");
        }
        if (t.shape().length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (t.shape().length == 1) {
            shape.setLength(shape.length() - 1);
        }
        shape.append(')');
        String dict = "{'descr': '" + (t.dtype() == DType.FLOAT32 ? "<f4" : "<f8") + "', 'fortran_order': False, 'shape': " + shape + ", }";
        // pad with spaces and a newline so the data starts on a 64-byte boundary
        int total = 10 + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        int width = t.dtype() == DType.FLOAT32 ? 4 : 8;
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + t.size() * width).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        switch (t) {
            case Tensor.F32 f -> b.asFloatBuffer().put(f.data());
            case Tensor.F64 d -> b.asDoubleBuffer().put(d.data());
        }
        return b.array();
    }
}
