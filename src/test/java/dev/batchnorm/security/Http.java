package dev.batchnorm.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP with any method, headers and body bytes; every request has a deadline. */
final class Http {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** A response with its body as bytes. */
    record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** Status line, headers and body as one text, to look for what must not be in any of them. */
        String everything() {
            return status + "\n" + headers.map() + "\n" + text();
        }
    }

    /** A request being built. */
    static final class Request {
        final String method;
        final String path;
        final List<String[]> headers = new ArrayList<>();
        byte[] body;

        Request(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Request key(String key) {
            return key == null ? this : header("Authorization", "Bearer " + key);
        }

        Request header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        Request json(String json) {
            return body("application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        Request body(String contentType, byte[] bytes) {
            if (contentType != null) {
                header("Content-Type", contentType);
            }
            this.body = bytes;
            return this;
        }

        @Override
        public String toString() {
            return method + " " + (path.length() > 200 ? path.substring(0, 200) + "..." : path);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Duration timeout;

    Http(int port, Duration timeout) {
        this.base = "http://127.0.0.1:" + port;
        this.timeout = timeout;
    }

    Http(int port) {
        this(port, Duration.ofSeconds(60));
    }

    static Request request(String method, String path) {
        return new Request(method, path);
    }

    Response send(Request r) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + r.path)).timeout(timeout)
                .method(r.method, r.body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body));
        for (String[] h : r.headers) {
            b.header(h[0], h[1]);
        }
        try {
            HttpResponse<byte[]> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(resp.statusCode(), resp.headers(), resp.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response get(String path, String key) {
        return send(request("GET", path).key(key));
    }

    Response post(String path, String key, String json) {
        return send(request("POST", path).key(key).json(json));
    }

    /** Raw bytes on a socket: for request lines no HTTP client would send. */
    static String raw(int port, String requestHead) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
