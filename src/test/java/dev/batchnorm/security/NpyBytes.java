package dev.batchnorm.security;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A little-endian float32 .npy document (version 1.0), as {@code np.save} writes it. */
final class NpyBytes {

    private NpyBytes() {}

    static byte[] f4(int[] shape, float... data) {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + (shape.length == 1 ? ",), }" : "), }"));
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (float f : data) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** SEMANTICS.md's E1 batch. */
    static byte[] e1() {
        return f4(new int[] {3, 2}, 1, 0, 2, 0, 3, 6);
    }
}
