package dev.batchnorm.api.json;

import java.util.Arrays;

/**
 * Where the reader is inside the tensor value: a stack of array indices and property names
 * below the value's own pointer. Pointers are built only when an error is reported, so the
 * happy path allocates nothing per element.
 */
final class Cursor {

    private final String base;
    private String[] names = new String[8];
    private int[] indices = new int[8];
    private int depth;

    Cursor(String base) {
        this.base = base;
    }

    /** Descends into an array, at index 0. */
    void pushIndex() {
        ensureCapacity();
        names[depth] = null;
        indices[depth] = 0;
        depth++;
    }

    /** Descends into the value of an object property. */
    void pushName(String name) {
        ensureCapacity();
        names[depth] = name;
        depth++;
    }

    void pop() {
        depth--;
    }

    /** Moves to the next element of the innermost array. */
    void advance() {
        indices[depth - 1]++;
    }

    /** The index within the innermost array. */
    int index() {
        return indices[depth - 1];
    }

    /** How many arrays and properties the cursor is below the value itself. */
    int depth() {
        return depth;
    }

    /** The JSON Pointer of the current position. */
    String pointer() {
        StringBuilder sb = new StringBuilder(base);
        for (int i = 0; i < depth; i++) {
            sb.append('/');
            if (names[i] == null) {
                sb.append(indices[i]);
            } else {
                appendEscaped(sb, names[i]);
            }
        }
        return sb.toString();
    }

    TensorFormatException formatError(String code, String message) {
        return new TensorFormatException(code, pointer(), message);
    }

    TensorLimitException limitError(String code, long limit, String message) {
        return new TensorLimitException(code, pointer(), limit, message);
    }

    // RFC 6901: '~' is written '~0' and '/' is written '~1'
    private static void appendEscaped(StringBuilder sb, String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '~' -> sb.append("~0");
                case '/' -> sb.append("~1");
                default -> sb.append(c);
            }
        }
    }

    private void ensureCapacity() {
        if (depth == indices.length) {
            indices = Arrays.copyOf(indices, depth * 2);
            names = Arrays.copyOf(names, depth * 2);
        }
    }
}
