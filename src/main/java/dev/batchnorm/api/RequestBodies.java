package dev.batchnorm.api;

import dev.batchnorm.api.json.ArrayRecycler;
import jakarta.servlet.http.HttpServletRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.http.HttpStatus;

/** Opens request bodies for streaming reads, or reads them whole, enforcing the configured byte limit. */
final class RequestBodies {

    /** A whole body: {@code bytes[0, length)}, in a recycled buffer that {@link #close()} gives back. */
    record Body(byte[] bytes, int length) implements AutoCloseable {
        @Override
        public void close() {
            ArrayRecycler.BYTES.give(bytes);
        }
    }

    private static final int FIRST_CHUNK = 64 << 10;

    private final long maxBytes;

    RequestBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The body as a stream that fails with a 413 once more than the limit has been read; a
     * declared Content-Length over the limit fails before anything is read.
     */
    InputStream open(HttpServletRequest request) {
        if (request.getContentLengthLong() > maxBytes) {
            throw tooLarge();
        }
        try {
            return new Limited(request.getInputStream(), maxBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The whole body, read with the same limit as {@link #open}, into a recycled buffer. The buffer
     * grows with the bytes that actually arrive (a declared Content-Length is only a hint), so a
     * client cannot make the service reserve memory it does not send.
     */
    Body read(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        InputStream in = open(request);
        // one byte more than declared, so that the end of the body is seen without growing
        byte[] buf = ArrayRecycler.BYTES.take((int) Math.min(declared >= 0 ? declared + 1 : FIRST_CHUNK, FIRST_CHUNK));
        int n = 0;
        try {
            for (int r; (r = in.read(buf, n, buf.length - n)) >= 0; ) {
                n += r;
                if (n == buf.length) {
                    buf = grow(buf, n, (int) Math.min(maxBytes + 1, 2L * n));
                }
            }
        } catch (IOException e) {
            ArrayRecycler.BYTES.give(buf);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            ArrayRecycler.BYTES.give(buf);
            throw e;
        }
        return new Body(buf, n);
    }

    private static byte[] grow(byte[] buf, int length, int capacity) {
        byte[] bigger = ArrayRecycler.BYTES.take(capacity);
        System.arraycopy(buf, 0, bigger, 0, length);
        ArrayRecycler.BYTES.give(buf);
        return bigger;
    }

    private ApiException tooLarge() {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "request_too_large", "Request too large",
                "The request body is larger than the limit of " + maxBytes + " bytes (batchnorm.limits.max-request-size).", List.of());
    }

    private final class Limited extends FilterInputStream {

        private long remaining;

        Limited(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --remaining < 0) {
                throw tooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0 && (remaining -= n) < 0) {
                throw tooLarge();
            }
            return n;
        }
    }
}
