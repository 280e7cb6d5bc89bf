package dev.batchnorm.api.json;

import dev.batchnorm.norm.DType;
import java.util.Arrays;

/**
 * A fast reader of the common shape of a request document, straight from its bytes: plain
 * member names, {@code true}/{@code false}, and tensors read into primitive arrays. It accepts a
 * strict subset of what the Jackson-based readers accept, with the same results, and
 * {@linkplain #decline() declines} everything else (malformed or unusual syntax, escapes, values
 * out of range, shape problems, limits): the caller then reads the same bytes with the Jackson
 * reader, which reports the precise error or reads the unusual but valid document.
 *
 * <p>Not thread-safe; one instance per document.
 */
public final class JsonBytes {

    /** Thrown when the fast reader leaves a document to the full reader; carries no stack trace. */
    public static final class Declined extends RuntimeException {
        private static final Declined INSTANCE = new Declined();

        private Declined() {
            super("left to the full JSON reader", null, false, false);
        }
    }

    final byte[] buf;
    final int limit;
    final int maxNumberLength;
    int pos;

    /**
     * @param maxNumberLength number tokens longer than this are declined (the full reader's limit)
     */
    public JsonBytes(byte[] buf, int start, int end, int maxNumberLength) {
        this.buf = buf;
        this.pos = start;
        this.limit = end;
        this.maxNumberLength = maxNumberLength;
    }

    /** The exception that leaves the document to the full reader: {@code throw decline();}. */
    public static Declined decline() {
        return Declined.INSTANCE;
    }

    /** Skips JSON whitespace (space, tab, line feed, carriage return). */
    public void skipWhitespace() {
        while (pos < limit) {
            byte b = buf[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    /** Whitespace, then {@code c}; declines anything else. */
    public void expect(char c) {
        skipWhitespace();
        if (pos >= limit || buf[pos] != c) {
            throw decline();
        }
        pos++;
    }

    /** Whitespace, then whether the next byte is {@code c} (consumed if so). */
    public boolean consume(char c) {
        skipWhitespace();
        if (pos < limit && buf[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** Whether only whitespace is left. */
    public boolean atEnd() {
        skipWhitespace();
        return pos == limit;
    }

    /**
     * Whitespace, a member name and its colon: the index of the name among {@code names} (ASCII,
     * compared byte for byte); declines a name that is not one of them or holds an escape.
     */
    public int name(byte[][] names) {
        expect('"');
        int start = pos;
        while (pos < limit && buf[pos] != '"') {
            if (buf[pos] == '\\') {
                throw decline();
            }
            pos++;
        }
        if (pos >= limit) {
            throw decline();
        }
        int end = pos++;
        expect(':');
        for (int i = 0; i < names.length; i++) {
            if (Arrays.equals(buf, start, end, names[i], 0, names[i].length)) {
                return i;
            }
        }
        throw decline();
    }

    /** Whitespace and a {@code true} or {@code false} literal. */
    public boolean bool() {
        skipWhitespace();
        if (literal("true")) {
            return true;
        }
        if (literal("false")) {
            return false;
        }
        throw decline();
    }

    private boolean literal(String word) {
        int n = word.length();
        if (limit - pos < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buf[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += n;
        return true;
    }

    /**
     * Whitespace and a tensor, nested arrays or {@code {"shape", "data"}}, read as the
     * {@link TensorJsonReader} reads it.
     *
     * @param maxRank tensors of this rank or more are declined
     */
    public ParsedTensor tensor(DType dtype, int minRank, int maxRank, int maxElements) {
        skipWhitespace();
        return new ByteTensorReader(this, dtype, maxRank, maxElements).read(minRank);
    }
}
