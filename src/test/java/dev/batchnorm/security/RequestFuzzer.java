package dev.batchnorm.security;

import dev.batchnorm.security.Http.Request;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generates hostile requests from a seed: every endpoint (and some that do not exist), with ids,
 * paths, query parameters, headers and bodies drawn from what breaks parsers. Bodies start from
 * something the endpoint would accept and are then bent: wrong types, NaN and Infinity tokens,
 * huge and tiny numbers, deep nesting, giant strings, truncation, trailing garbage, other
 * encodings, random bytes, damaged .npy documents. The same seed gives the same requests.
 */
final class RequestFuzzer {

    /** Put into strings of bodies: it must never reach a log. */
    final String marker;
    private final Random rnd;
    private final String key;
    private final List<String> ownIds;

    RequestFuzzer(long seed, String key, List<String> ownIds) {
        this.rnd = new Random(seed);
        this.key = key;
        this.ownIds = ownIds;
        this.marker = "MARKER" + Long.toHexString(seed);
    }

    /** The next request; {@code mutating} tells whether it may change a session when it succeeds. */
    record Case(Request request, boolean mutating) {}

    Case next() {
        String id = id();
        String s = "/v1/sessions/" + id;
        int pick = rnd.nextInt(100);
        Request r;
        if (pick < 22) {
            r = new Request("POST", s + "/forward" + query("isTraining", "testLocalStats", "applyUpdates"));
            body(r, this::forwardBody);
        } else if (pick < 32) {
            r = new Request("POST", "/v1/sessions" + query("id"));
            body(r, this::createBody);
        } else if (pick < 42) {
            r = new Request("PUT", s + "/variables/" + oneOf("movingMean", "movingVariance", "beta", "gamma", "gamma", "x", "", "%2e%2e", "movingmean"));
            body(r, this::tensor);
            if (rnd.nextInt(3) == 0) {
                r.header("If-Match", oneOf("\"1\"", "\"2\"", "*", "W/\"1\"", "\"x\"", "\"99999999999999999999\"", "", "\"-1\""));
            }
        } else if (pick < 52) {
            r = new Request("POST", s + "/updates/apply" + query());
            body(r, this::selectorBody);
        } else if (pick < 57) {
            r = new Request("DELETE", s + "/updates" + query("ids", "throughId"));
            maybeBody(r);
        } else if (pick < 59) {
            r = new Request("DELETE", s + query());
            maybeBody(r);
        } else if (pick < 66) {
            r = new Request(oneOf("GET", "GET", "HEAD"), s + oneOf("", "/variables", "/updates", "/updates/", "/forward", "/") + query("pageSize", "pageToken"));
        } else if (pick < 72) {
            r = new Request("GET", "/v1/sessions" + query("pageSize", "pageToken"));
        } else if (pick < 80) {
            r = new Request(oneOf("GET", "POST"), "/v1/updates" + oneOf("", "/apply", "/apply/") + query("collection", "pageSize", "pageToken"));
            if (rnd.nextBoolean()) {
                body(r, this::selectorBody);
            }
        } else if (pick < 90) {
            r = new Request(oneOf("PATCH", "OPTIONS", "PUT", "DELETE", "TRACE", "FOO", "POST", "GET"),
                    oneOf("/v1/sessions", s, s + "/forward", s + "/updates/apply", "/v1/updates/apply", "/v1", "/", "/v2/sessions")
                            + query("pageSize"));
            maybeBody(r);
        } else {
            r = new Request(oneOf("GET", "POST", "DELETE"), oneOf("/actuator", "/actuator/prometheus", "/actuator/health/../prometheus",
                    "/actuator/env", "/actuator/heapdump", "/v3/api-docs", "/swagger-ui/index.html", "/error", "/v1/sessions/f1/../../../actuator",
                    "/livez", "/readyz", "/%2e%2e/", "/actuator/health/nope", "/actuator/health/liveness/x", "/swagger-ui/nope.js",
                    "/v3/api-docs/nope", "/actuator/prometheus?includedNames=x", "/v1/sessions/f1%2F..%2F..%2Factuator", "/WEB-INF/web.xml", "/v1/sessions;jsessionid=x")
                    + query("x"));
            maybeBody(r);
        }
        headers(r);
        return new Case(r, !r.method.equals("GET") && !r.method.equals("HEAD"));
    }

    // --- paths and queries

    private String id() {
        if (rnd.nextInt(10) < 6) {
            return ownIds.get(rnd.nextInt(ownIds.size()));
        }
        return oneOf("v1", "bystander~v1", "fuzzer~f1", "f1%7E", "%7Ebystander~v1", ".", "..", "%2e%2e", "%2E", "a%2Fb", "%00", "%5C",
                "%20", "*", "%7Bid%7D", "%25", "null", "-1", "f1;x=y", "f1%3B", "%E2%98%83", "%F0%9F%98%80", "%C0%AE%C0%AE", "%FF",
                "f1/../v1", "f1/..;/v1", "x".repeat(129), "y".repeat(5000), encode(string(40)), encode(marker), "f1.", "F1", "f1 ".trim() + "%09");
    }

    /** A query string with some of the endpoint's parameters and some strangers, values hostile. */
    private String query(String... names) {
        if (rnd.nextInt(4) == 0) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String name : names) {
            if (rnd.nextInt(3) > 0) {
                parts.add(name + "=" + value(name));
            }
        }
        if (rnd.nextInt(4) == 0) {
            parts.add(encode(string(8)) + "=" + encode(string(12)));
        }
        if (rnd.nextInt(8) == 0 && names.length > 0) {
            parts.add(names[0] + "=" + value(names[0])); // the same parameter twice
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    private String value(String name) {
        String token = oneOf(Base64.getUrlEncoder().withoutPadding().encodeToString(oneOf("f1", "fuzzer~f1", "bystander~v1", "~", "\uffff", "f1 99",
                "f1 -1", "f1 x", "", marker).getBytes(StandardCharsets.UTF_8)), "!!!", "", "%3D%3D", "a".repeat(3000), "AAAA", "_-_-");
        return switch (name) {
            case "isTraining", "testLocalStats", "applyUpdates" -> oneOf("true", "false", "TRUE", "1", "", "yes", "%00", "true%20", "null");
            case "pageSize" -> oneOf("1", "2", "0", "-1", "1000", "1001", "abc", "99999999999999999999", "1e3", "", "%201", "2.5", "0x10");
            case "pageToken" -> token;
            case "ids" -> oneOf("1,2", "1", "a", "1,,2", "-5", "9223372036854775808", "9007199254740993", "1%2C2", "", ",",
                    String.join(",", java.util.Collections.nCopies(2000, "1")), "1.0", "%201", "0");
            case "throughId", "x" -> oneOf("1", "0", "-1", "9223372036854775807", "9223372036854775808", "1e3", "", "abc");
            case "collection" -> oneOf("update_ops", "update_ops", "", "x".repeat(300), "%C3%BC", "..%2F", "*", "other", "a%00b", encode(marker));
            default -> encode(string(10));
        };
    }

    // --- headers

    private void headers(Request r) {
        int auth = rnd.nextInt(100);
        if (auth < 88) {
            r.key(key);
        } else if (auth < 92) {
            r.header("Authorization", oneOf("Bearer " + Keys.newKey(), "Bearer", "Basic Zm9vOmJhcg==", key, "Bearer " + key + "=",
                    "bearer " + key, "Bearer  " + key));
        } // else: none
        if (rnd.nextInt(4) == 0) {
            r.header("Accept", oneOf("*/*", "application/json", "application/x-npy", "text/html", "application/xml", "garbage/",
                    "application/problem+json", "application/json;q=0", "image/png, text/plain", "application/x-npy;q=0.5, */*;q=0.1", ";;;"));
        }
        if (rnd.nextInt(10) == 0) {
            r.header(oneOf("X-Forwarded-For", "X-Api-Key", "Cookie", "Range", "Transfer-Encoding-X", "If-None-Match", "Origin", "X-" + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36)),
                    printable(rnd.nextInt(3) == 0 ? 9000 : 40));
        }
    }

    // --- bodies

    private void maybeBody(Request r) {
        if (rnd.nextInt(3) == 0) {
            body(r, () -> anyJson(0));
        }
    }

    /** A body made from the endpoint's own shape, then bent; or something else entirely. */
    private void body(Request r, Supplier<String> json) {
        int kind = rnd.nextInt(100);
        String type = contentType();
        byte[] bytes;
        if (kind < 45) {
            bytes = utf8(json.get());
        } else if (kind < 65) {
            bytes = bend(utf8(json.get()));
        } else if (kind < 72) {
            bytes = npy();
            type = rnd.nextInt(4) == 0 ? type : "application/x-npy";
        } else if (kind < 78) {
            bytes = random(rnd.nextInt(4096));
        } else if (kind < 82) {
            bytes = new byte[0];
        } else if (kind < 86) {
            bytes = json.get().getBytes(oneOf(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.ISO_8859_1));
        } else if (kind < 90) {
            bytes = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(json.get()));
        } else if (kind < 94) {
            bytes = utf8(deep(rnd.nextInt(3000) + 10, rnd.nextBoolean() ? "[" : "{\"a\":"));
        } else if (kind < 97) {
            bytes = utf8("{\"inputs\": \"" + "x".repeat(100_000 + rnd.nextInt(300_000)) + "\", \"isTraining\": true}");
        } else {
            bytes = utf8(json.get() + " ".repeat(300_000)); // beyond max-request-size
        }
        r.body(type, bytes);
    }

    private String contentType() {
        if (rnd.nextInt(5) == 0) {
            return null;
        }
        return rnd.nextInt(3) > 0 ? "application/json" : oneOf("application/json; charset=utf-8", "application/json; charset=utf-16",
                "application/json; charset=nope", "application/x-npy", "text/plain", "application/xml", "application/problem+json",
                "application/vnd.batchnorm+json", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "*/*", "garbage",
                "application/json;;;", "application/", "text/json");
    }

    private String forwardBody() {
        StringBuilder b = new StringBuilder("{");
        field(b, "inputs", 9, this::tensor);
        field(b, "isTraining", 8, this::flagValue);
        field(b, "testLocalStats", 4, this::flagValue);
        field(b, "applyUpdates", 4, this::flagValue);
        field(b, oneOf("extra", "inputs", "isTraining", "INPUTS", ""), 1, () -> anyJson(0));
        return close(b);
    }

    private String createBody() {
        StringBuilder b = new StringBuilder("{");
        field(b, "id", 5, () -> oneOf("\"f1\"", "\"f9\"", "\"" + string(10).replace("\"", "") + "\"", "\"bystander~v1\"", "\"..\"", "\".\"",
                "\"\"", "null", "1", "\"" + "z".repeat(129) + "\"", "\"" + marker + "\""));
        field(b, "axis", 3, () -> oneOf("null", "[0]", "[0, 1]", "[1, 0]", "[0, 0]", "[-1]", "[99]", "[2147483648]", "0", "[\"0\"]", "[]", "[0.5]"));
        field(b, "offset", 3, this::flagValue);
        field(b, "scale", 3, this::flagValue);
        field(b, "decayRate", 3, this::number);
        field(b, "eps", 3, this::number);
        field(b, "updateOpsCollection", 3, () -> oneOf("null", "\"update_ops\"", "\"\"", "\"a/b:c\"", "\"" + "c".repeat(200) + "\"", "5", "\"\\u0000\""));
        field(b, "initializers", 3, () -> "{\"" + oneOf("movingMean", "movingVariance", "beta", "gamma", "nope") + "\": " + tensor() + "}");
        field(b, "dtype", 3, () -> oneOf("\"float32\"", "\"float64\"", "\"float16\"", "\"int8\"", "null", "32", "\"FLOAT32\""));
        field(b, "ttlSeconds", 2, () -> oneOf("null", "1", "0", "-1", "3600", "1e20", "315360001", "\"60\""));
        return close(b);
    }

    private String selectorBody() {
        return switch (rnd.nextInt(6)) {
            case 0 -> "{}";
            case 1 -> "{\"ids\": " + list(() -> oneOf("1", "2", "3", "0", "-1", "1.5", "9223372036854775808", "9007199254740993", "\"1\"",
                    "null", "1e2", "99999"), 6) + "}";
            case 2 -> "{\"throughId\": " + oneOf("1", "2", "0", "-1", "1e300", "\"2\"", "null", "9223372036854775807", "[1]") + "}";
            case 3 -> "{\"ids\": [1], \"throughId\": 2}";
            case 4 -> "";
            default -> anyJson(0);
        };
    }

    /** A tensor in one of the accepted forms, often subtly or grossly wrong. */
    private String tensor() {
        return switch (rnd.nextInt(7)) {
            case 0, 1 -> nested(rnd.nextInt(3) + 2, rnd.nextBoolean() ? 2 : rnd.nextInt(4) + 1, rnd.nextInt(5) == 0);
            case 2 -> "{\"shape\": " + list(() -> oneOf("3", "2", "1", "0", "-1", "100000", "2147483647", "1.5", "\"2\"", "null"), 4)
                    + ", \"data\": " + list(this::number, rnd.nextInt(8)) + "}";
            case 3 -> "{\"shape\": [3, 2], \"data\": [1, 0, 2, 0, 3, 6]" + oneOf("", ", \"extra\": 1", ", \"shape\": [6]") + "}";
            case 4 -> number();
            case 5 -> "[[" + number() + ", " + number() + "], [" + number() + ", " + number() + "]]";
            default -> anyJson(0);
        };
    }

    private String nested(int rank, int width, boolean ragged) {
        if (rank == 0) {
            return number();
        }
        int n = rank == 1 ? width : rnd.nextInt(4) + 1;
        if (ragged) {
            n += rnd.nextInt(2);
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append(nested(rank - 1, ragged && rnd.nextBoolean() ? width + 1 : width, ragged));
        }
        return b.append(']').toString();
    }

    private String number() {
        if (rnd.nextInt(3) > 0) {
            return rnd.nextBoolean() ? Integer.toString(rnd.nextInt(21) - 10) : Double.toString(rnd.nextGaussian() * 10);
        }
        return oneOf("NaN", "Infinity", "-Infinity", "nan", "1e400", "-1e400", "1e-400", "3.4028236e38", "-3.4028236e38", "1.7976931348623157e308",
                "123456789012345678901234567890", "-0", "0.0000000000000000000000000000001", "+1", "01", ".5", "1.", "0x10", "1e", "--1",
                "\"2\"", "null", "true", "[]", "{}", "1" + "0".repeat(400), "4.9e-324", "1E+2", "1_0");
    }

    private String flagValue() {
        return oneOf("true", "false", "true", "null", "\"true\"", "1", "0", "[]", "{}", "TRUE");
    }

    /** Any JSON value, or something JSON-like that is not. */
    private String anyJson(int depth) {
        int k = rnd.nextInt(depth > 4 ? 4 : 8);
        return switch (k) {
            case 0 -> number();
            case 1 -> "\"" + oneOf(string(10).replace("\"", "\\\""), "\\u0000", "\\ud800", "\\uZZZZ", "\\", marker, "\u00e9\u4e2d\ud83d\ude00") + "\"";
            case 2 -> oneOf("true", "false", "null", "undefined", "'single'", "tru");
            case 3 -> string(rnd.nextInt(20));
            case 4, 5 -> list(() -> anyJson(depth + 1), rnd.nextInt(5));
            default -> {
                StringBuilder b = new StringBuilder("{");
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append('"').append(oneOf("inputs", "isTraining", "ids", "shape", "data", "a", "a", marker))
                            .append("\":").append(anyJson(depth + 1));
                }
                yield b.append('}').toString();
            }
        };
    }

    private void field(StringBuilder b, String name, int chanceOutOf10, Supplier<String> value) {
        if (rnd.nextInt(10) < chanceOutOf10) {
            b.append(b.length() > 1 ? ", " : "").append('"').append(name).append("\": ").append(value.get());
        }
    }

    private static String close(StringBuilder b) {
        return b.append('}').toString();
    }

    private String list(Supplier<String> item, int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append(item.get());
        }
        return b.append(']').toString();
    }

    private static String deep(int depth, String open) {
        return open.repeat(depth) + "1";
    }

    /** Truncation, an inserted, deleted or flipped byte, or trailing content. */
    private byte[] bend(byte[] body) {
        if (body.length == 0) {
            return random(8);
        }
        int at = rnd.nextInt(body.length);
        return switch (rnd.nextInt(5)) {
            case 0 -> java.util.Arrays.copyOf(body, at);
            case 1 -> concat(java.util.Arrays.copyOf(body, at), concat(random(1), java.util.Arrays.copyOfRange(body, at, body.length)));
            case 2 -> concat(java.util.Arrays.copyOf(body, at), java.util.Arrays.copyOfRange(body, Math.min(body.length, at + 1), body.length));
            case 3 -> {
                byte[] copy = body.clone();
                int[] hostile = {'"', '[', ']', '{', '}', ',', ':', '\\', 0, 0xFF, 0xC3, '9', 'e', '-'};
                copy[at] = (byte) hostile[rnd.nextInt(hostile.length)];
                yield copy;
            }
            default -> concat(body, utf8(oneOf(" x", "}", "]", "{}", ", 1", "\u0000", " " + anyJson(0))));
        };
    }

    /** A .npy document: E1, or E1 damaged in its header, its data or its length. */
    private byte[] npy() {
        byte[] good = rnd.nextBoolean() ? NpyBytes.e1() : NpyBytes.f4(new int[] {rnd.nextInt(3) + 1, 2}, 1, 2, 3, 4, 5, 6);
        return switch (rnd.nextInt(6)) {
            case 0 -> good;
            case 1 -> java.util.Arrays.copyOf(good, rnd.nextInt(good.length));
            case 2 -> {
                byte[] copy = good.clone();
                copy[rnd.nextInt(Math.min(copy.length, 74))] = (byte) rnd.nextInt(256);
                yield copy;
            }
            case 3 -> concat(good, random(rnd.nextInt(9) + 1));
            case 4 -> NpyBytes.f4(new int[] {1 << 20, 1 << 12}, 1, 2);
            default -> {
                byte[] copy = good.clone();
                for (int i = 0; i < 8; i++) {
                    copy[rnd.nextInt(copy.length)] = (byte) 0xFF; // NaNs among the data
                }
                yield copy;
            }
        };
    }

    // --- primitives

    @SafeVarargs
    private <T> T oneOf(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private String string(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(rnd.nextInt(10) == 0 ? 0x80 + rnd.nextInt(0x2000) : 0x20 + rnd.nextInt(0x5f));
        }
        return b.toString();
    }

    private String printable(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) (0x21 + rnd.nextInt(0x5e)));
        }
        return b.toString();
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
