package dev.batchnorm.api.json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.json.JsonGeneratorBase;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.json.UTF8JsonGenerator;
import tools.jackson.core.json.WriterBasedJsonGenerator;

/**
 * JSON text (float32 numbers, commas, brackets) gathered a few KB at a time and handed to a
 * generator as raw output, one copy into its output buffer per batch. Per number this skips what
 * {@link JsonGenerator#writeNumber(char[], int, int)} costs: the context check, the separator
 * decision and a char-to-byte copy.
 *
 * <p>Raw output bypasses the generator's context, so the caller writes every separator itself, and
 * the text is the generator's own only where that is compact, unquoted numbers: {@link #accepts}
 * says which generators those are. Not thread-safe; one instance per value written.
 */
final class RawText {

    // a batch is sent once it passes this many bytes: big enough that the per-batch calls vanish,
    // small enough to stay in L1 next to the generator's own buffer
    private static final int BATCH = 4096;

    private final JsonGenerator g;
    private final byte[] buf;
    private final Batch batch;
    private final int limit;
    private int end;

    /** For a value of about {@code expectedBytes} bytes: a small value gets a small buffer. */
    RawText(JsonGenerator g, long expectedBytes) {
        this.g = g;
        this.limit = (int) Math.min(BATCH, expectedBytes);
        this.buf = new byte[limit + 1 + FloatFormatter.PAIR_ROOM];
        this.batch = new Batch(buf);
    }

    /**
     * Whether raw text written to {@code g} is byte for byte what its own calls would write: the
     * generators that copy a {@link SerializableString} straight in (UTF-8 bytes or chars), with no
     * pretty printer (which would put spaces between values) and numbers not written as strings.
     */
    static boolean accepts(JsonGenerator g) {
        return (g instanceof UTF8JsonGenerator || g instanceof WriterBasedJsonGenerator)
                && g.getPrettyPrinter() == null
                && !((JsonGeneratorBase) g).isEnabled(JsonWriteFeature.WRITE_NUMBERS_AS_STRINGS);
    }

    /** Appends the shortest text of {@code v} (finite), as {@link Float#toString(float)} has it. */
    void number(float v) {
        if (end >= limit) {
            send();
        }
        end = FloatFormatter.write(v, buf, end);
    }

    /** Appends a comma and the text of {@code v}: the common case, with one check for room. */
    void commaNumber(float v) {
        if (end >= limit) {
            send();
        }
        buf[end] = ',';
        end = FloatFormatter.write(v, buf, end + 1);
    }

    /** Appends a comma, the text of {@code a}, a comma and the text of {@code b}: two at once are faster. */
    void commaPair(float a, float b) {
        if (end >= limit) {
            send();
        }
        buf[end] = ',';
        end = FloatFormatter.writePair(a, b, buf, end + 1);
    }

    /** Appends one ASCII character: a comma or a bracket. */
    void ascii(char c) {
        if (end >= limit) {
            send();
        }
        buf[end++] = (byte) c;
    }

    /** Hands everything appended so far to the generator. */
    void send() {
        batch.sent = 0;
        batch.end = end;
        while (batch.sent < end) {
            g.writeRaw(batch);
            if (batch.sent < end) {
                // the output buffer is full: one raw character makes the generator flush it first
                g.writeRaw((char) buf[batch.sent++]);
            }
        }
        end = 0;
    }

    /**
     * The unsent bytes {@code buf[sent, end)} as a {@link SerializableString}. The generators of
     * {@link #accepts} call an append with their output buffer and its free offset: an append
     * copies what fits and the rest goes on the next call. The text is ASCII that JSON never
     * escapes (digits, signs, '.', 'E', commas, brackets), so each quoted form equals its unquoted
     * one. The writes to a stream or buffer send everything at once; the {@code as} methods copy
     * and send nothing.
     */
    static final class Batch implements SerializableString {

        private final byte[] buf;
        int sent;
        int end;

        Batch(byte[] buf) {
            this.buf = buf;
        }

        @Override
        public int appendUnquotedUTF8(byte[] out, int offset) {
            int n = Math.min(end - sent, out.length - offset);
            System.arraycopy(buf, sent, out, offset, n);
            sent += n;
            return n;
        }

        @Override
        public int appendUnquoted(char[] out, int offset) {
            int n = Math.min(end - sent, out.length - offset);
            for (int i = 0; i < n; i++) {
                out[offset + i] = (char) buf[sent + i];
            }
            sent += n;
            return n;
        }

        @Override
        public int appendQuotedUTF8(byte[] out, int offset) {
            return appendUnquotedUTF8(out, offset);
        }

        @Override
        public int appendQuoted(char[] out, int offset) {
            return appendUnquoted(out, offset);
        }

        @Override
        public int charLength() {
            return end - sent;
        }

        @Override
        public String getValue() {
            return new String(buf, sent, end - sent, StandardCharsets.ISO_8859_1);
        }

        @Override
        public char[] asQuotedChars() {
            return getValue().toCharArray();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return Arrays.copyOfRange(buf, sent, end);
        }

        @Override
        public byte[] asQuotedUTF8() {
            return asUnquotedUTF8();
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            int n = end - sent;
            out.write(buf, sent, n);
            sent = end;
            return n;
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            return writeUnquotedUTF8(out);
        }

        /** All of the unsent bytes, or -1 (and nothing) when the buffer has less room. */
        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            int n = end - sent;
            if (buffer.remaining() < n) {
                return -1;
            }
            buffer.put(buf, sent, n);
            sent = end;
            return n;
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) {
            return putUnquotedUTF8(buffer);
        }
    }
}
