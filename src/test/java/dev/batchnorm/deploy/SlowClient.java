package dev.batchnorm.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a raw socket, one connection per request ({@code Connection: close}), with the
 * body sent slowly, so that a request is in flight for a while. It tells apart exactly what
 * happened: refused before any connection, closed before any byte of a response, or answered
 * (and whether the answer arrived whole).
 */
final class SlowClient {

    enum Kind {
        /** A whole 2xx response. */
        OK,
        /** No connection: nothing listened. A client retries elsewhere; the server saw nothing. */
        REFUSED,
        /** Connected, but closed or reset before any byte of a response. */
        CLOSED_BEFORE_RESPONSE,
        /** Anything else: an error status, a cut or malformed response. */
        FAILED
    }

    record Outcome(Kind kind, long connectedNanos, long finishedNanos, String detail) {}

    private SlowClient() {}

    /** POSTs {@code body} to {@code path} in {@code chunks} pieces, {@code pauseMillis} apart, with an API key. */
    static Outcome post(int port, String path, String body, int chunks, long pauseMillis, String apiKey) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            } catch (ConnectException refused) {
                return new Outcome(Kind.REFUSED, 0, System.nanoTime(), refused.getMessage());
            }
            long connected = System.nanoTime();
            s.setSoTimeout(60_000);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            String error = null;
            try {
                OutputStream out = s.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\nAuthorization: Bearer " + apiKey + "\r\nContent-Length: "
                        + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int step = (bytes.length + chunks - 1) / chunks;
                for (int off = 0; off < bytes.length; off += step) {
                    Thread.sleep(pauseMillis);
                    out.write(bytes, off, Math.min(step, bytes.length - off));
                    out.flush();
                }
                readInto(s.getInputStream(), received);
            } catch (IOException e) {
                // closed or reset by the server: keep whatever answer came before it
                error = e.toString();
                try {
                    readInto(s.getInputStream(), received);
                } catch (IOException ignored) {
                    // nothing more to read
                }
            }
            long finished = System.nanoTime();
            if (received.size() == 0) {
                return new Outcome(Kind.CLOSED_BEFORE_RESPONSE, connected, finished, error == null ? "EOF before any response byte" : error);
            }
            String problem = checkWhole(received.toByteArray());
            return problem == null ? new Outcome(Kind.OK, connected, finished, "")
                    : new Outcome(Kind.FAILED, connected, finished, problem + (error == null ? "" : " (" + error + ")"));
        } catch (IOException e) {
            return new Outcome(Kind.FAILED, 0, System.nanoTime(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Kind.FAILED, 0, System.nanoTime(), "interrupted");
        }
    }

    /** Null if the response is a 2xx whose body arrived whole (by Content-Length or a final chunk); else why not. */
    static String checkWhole(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return "headers cut: " + text;
        }
        String[] head = text.substring(0, headEnd).split("\r\n");
        String[] status = head[0].split(" ");
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].startsWith("2")) {
            return "status " + head[0] + ": " + text;
        }
        String body = text.substring(headEnd + 4);
        Long length = null;
        boolean chunked = false;
        for (int i = 1; i < head.length; i++) {
            String h = head[i].toLowerCase(Locale.ROOT);
            if (h.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).strip());
            } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                chunked = true;
            }
        }
        if (length != null) {
            return body.length() == length ? null : "body of " + body.length() + " bytes, Content-Length " + length;
        }
        if (chunked) {
            return body.endsWith("0\r\n\r\n") ? null : "chunked body without its last chunk";
        }
        return "neither Content-Length nor chunked: completeness unknown";
    }

    /** Reads to EOF into {@code into}; on an error, what came before it stays there. */
    private static void readInto(InputStream in, ByteArrayOutputStream into) throws IOException {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            into.write(buf, 0, n);
        }
    }
}
