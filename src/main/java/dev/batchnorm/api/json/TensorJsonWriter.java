package dev.batchnorm.api.json;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import tools.jackson.core.JsonGenerator;

/**
 * Writes tensors straight from their primitive arrays. float32 values are written by
 * {@link FloatFormatter} (the shortest digits that read back as the same float, the text of
 * {@link Float#toString(float)}); float64 values through the generator's double overload.
 * Non-finite values are a caller bug and are refused.
 *
 * <p>The float32 arrays of a tensor (everything inside its outermost brackets) go to the generator
 * as {@link RawText}, a few KB per call, when the generator writes compact text ({@link
 * RawText#accepts}): the same bytes as one {@code writeNumber} per element, at a fraction of the
 * cost. Any other generator gets one {@code writeNumber} per element.
 */
public final class TensorJsonWriter {

    private TensorJsonWriter() {
    }

    /** Writes one float32 number with the shortest digits that read back as {@code v}. */
    public static void writeFloat(JsonGenerator g, float v) {
        writeFloat(g, v, new char[FloatFormatter.MAX_CHARS]);
    }

    /** Writes {@code t} as nested arrays (a bare number for rank 0) or as a flat object. */
    public static void write(JsonGenerator g, Tensor t, TensorForm form) {
        if (t instanceof Tensor.F32 f && (form == TensorForm.FLAT || f.shape().length > 0) && RawText.accepts(g)) {
            writeRaw(g, f, form);
            return;
        }
        char[] chars = new char[FloatFormatter.MAX_CHARS];
        switch (form) {
            case NESTED -> writeNested(g, t, 0, 0, chars);
            case FLAT -> {
                writeShape(g, t.shape());
                writeRun(g, t, 0, t.size(), chars);
                g.writeEndObject();
            }
        }
    }

    // A float32 tensor of rank >= 1 (or any rank, flat): the generator writes the outermost
    // brackets (and the shape), so its context stays right; everything between them is raw text.
    private static void writeRaw(JsonGenerator g, Tensor.F32 t, TensorForm form) {
        float[] data = t.data();
        int[] shape = form == TensorForm.FLAT ? new int[] {data.length} : t.shape();
        if (form == TensorForm.FLAT) {
            writeShape(g, t.shape());
        }
        g.writeStartArray();
        RawText out = new RawText(g, expectedBytes(data.length, shape.length));
        rawContents(out, data, shape, 0, 0);
        out.send();
        g.writeEndArray();
        if (form == TensorForm.FLAT) {
            g.writeEndObject();
        }
    }

    // Writes the elements of the sub-array at `axis` that starts at element `offset`, without its
    // own brackets: numbers and commas, or bracketed sub-arrays and commas. Returns the next offset.
    private static int rawContents(RawText out, float[] data, int[] shape, int axis, int offset) {
        int n = shape[axis];
        if (axis == shape.length - 1) {
            // numbers two at a time where possible: FloatFormatter writes a pair faster
            if (n > 0) {
                out.number(finite(data[offset], offset));
            }
            int i = offset + 1;
            for (; i < offset + n - 1; i += 2) {
                out.commaPair(finite(data[i], i), finite(data[i + 1], i + 1));
            }
            if (i < offset + n) {
                out.commaNumber(finite(data[i], i));
            }
            return offset + n;
        }
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.ascii(',');
            }
            out.ascii('[');
            offset = rawContents(out, data, shape, axis + 1, offset);
            out.ascii(']');
        }
        return offset;
    }

    // The values of a float32 variable held as doubles, narrowed (exactly), with commas between.
    private static void rawFloats(RawText out, double[] values) {
        if (values.length > 0) {
            out.number((float) finite(values[0], 0));
        }
        int i = 1;
        for (; i < values.length - 1; i += 2) {
            out.commaPair((float) finite(values[i], i), (float) finite(values[i + 1], i + 1));
        }
        if (i < values.length) {
            out.commaNumber((float) finite(values[i], i));
        }
    }

    // A size hint for the raw text's buffer: at most 16 bytes per number with its comma, and a
    // few brackets per row.
    private static long expectedBytes(int elements, int rank) {
        return 16L * elements + 4L * rank + (rank > 1 ? 3L * elements : 0);
    }

    /**
     * Writes a flat {@code {"shape", "data"}} object for a variable held as doubles whose values
     * are exact in {@code dtype}; for float32 each value is narrowed (exactly) and written as a float.
     */
    public static void writeFlat(JsonGenerator g, DType dtype, int[] shape, double[] values) {
        if (Tensor.sizeOf(shape) != values.length) {
            throw new IllegalArgumentException("values has " + values.length + " elements, the shape has " + Tensor.sizeOf(shape));
        }
        writeShape(g, shape);
        g.writeStartArray();
        if (dtype == DType.FLOAT32 && RawText.accepts(g)) {
            RawText out = new RawText(g, expectedBytes(values.length, 1));
            rawFloats(out, values);
            out.send();
            g.writeEndArray();
            g.writeEndObject();
            return;
        }
        char[] chars = new char[FloatFormatter.MAX_CHARS];
        for (int i = 0; i < values.length; i++) {
            double v = finite(values[i], i);
            switch (dtype) {
                case FLOAT32 -> writeFloat(g, (float) v, chars);
                case FLOAT64 -> g.writeNumber(v);
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    // Writes the sub-tensor at `axis` that starts at element `offset`; returns the next offset.
    private static int writeNested(JsonGenerator g, Tensor t, int axis, int offset, char[] chars) {
        int[] shape = t.shape();
        if (axis == shape.length) {
            writeElement(g, t, offset, chars);
            return offset + 1;
        }
        if (axis == shape.length - 1) {
            writeRun(g, t, offset, shape[axis], chars);
            return offset + shape[axis];
        }
        g.writeStartArray();
        for (int i = 0; i < shape[axis]; i++) {
            offset = writeNested(g, t, axis + 1, offset, chars);
        }
        g.writeEndArray();
        return offset;
    }

    // Opens the object and writes "shape"; leaves the generator ready for the "data" array.
    private static void writeShape(JsonGenerator g, int[] shape) {
        g.writeStartObject();
        g.writeName("shape");
        g.writeArray(shape, 0, shape.length);
        g.writeName("data");
    }

    // An array of `length` elements starting at `offset`; `chars` holds one formatted float.
    private static void writeRun(JsonGenerator g, Tensor t, int offset, int length, char[] chars) {
        g.writeStartArray();
        switch (t) {
            case Tensor.F32 f -> {
                for (int i = offset; i < offset + length; i++) {
                    writeFloat(g, finite(f.data()[i], i), chars);
                }
            }
            case Tensor.F64 d -> {
                for (int i = offset; i < offset + length; i++) {
                    g.writeNumber(finite(d.data()[i], i));
                }
            }
        }
        g.writeEndArray();
    }

    private static void writeElement(JsonGenerator g, Tensor t, int i, char[] chars) {
        switch (t) {
            case Tensor.F32 f -> writeFloat(g, finite(f.data()[i], i), chars);
            case Tensor.F64 d -> g.writeNumber(finite(d.data()[i], i));
        }
    }

    private static void writeFloat(JsonGenerator g, float v, char[] chars) {
        g.writeNumber(chars, 0, FloatFormatter.write(v, chars, 0));
    }

    private static float finite(float v, int i) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("element " + i + " is not finite: " + v);
        }
        return v;
    }

    private static double finite(double v, int i) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("element " + i + " is not finite: " + v);
        }
        return v;
    }
}
