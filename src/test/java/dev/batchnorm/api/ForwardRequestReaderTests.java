package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.api.ForwardRequestReader.ForwardRequest;
import dev.batchnorm.api.json.TensorFormatException;
import dev.batchnorm.api.json.TensorJson;
import dev.batchnorm.api.json.TensorJsonReader;
import dev.batchnorm.api.json.TensorLimitException;
import dev.batchnorm.norm.DType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte-level fast path against the streaming Jackson reader, on generated forward documents,
 * valid and broken: whatever the fast path accepts, the full reader accepts with the same tensor
 * (bits, shape, form) and flags; and the combined reader answers exactly as the full reader does,
 * error code, pointer and message included.
 */
class ForwardRequestReaderTests {

    private static final int MAX_ELEMENTS = 300;
    private static final int MAX_DEPTH = 6;
    private static final ForwardRequestReader READER = new ForwardRequestReader(TensorJson.factory(MAX_DEPTH),
            new TensorJsonReader(MAX_ELEMENTS, MAX_DEPTH));
    private static final String[] SPACE = {"", "", "", " ", "\n", "\t", "\r\n  "};
    private static final String MUTATIONS = "[]{},:\"-+.eE01 9tfn\\xI\u00e9\u0000";

    private final Random random = new Random(41);
    private final List<String> failures = new ArrayList<>();

    @Test
    void fastPathAgreesWithTheFullReaderOnGeneratedDocuments() {
        int canonicalAccepted = 0;
        int canonical = 0;
        int fastAccepted = 0;
        for (int n = 0; n < 15_000; n++) {
            DType dtype = random.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
            boolean mutate = random.nextInt(3) == 0;
            String doc = document(!mutate && random.nextInt(4) > 0);
            if (mutate) {
                doc = mutate(doc);
            }
            boolean accepted = compare(doc, dtype);
            fastAccepted += accepted ? 1 : 0;
        }
        // documents of the common shape: always taken by the fast path
        for (int n = 0; n < 2_000; n++) {
            String doc = document(true);
            DType dtype = random.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
            canonical++;
            if (READER.readFast(bytes(doc), bytes(doc).length, dtype) != null || !validForJackson(doc, dtype)) {
                canonicalAccepted++;
            } else if (failures.size() < 20) {
                failures.add("fast path declined a valid common document: " + doc);
            }
        }

        assertThat(failures).isEmpty();
        assertThat(canonicalAccepted).isEqualTo(canonical);
        assertThat(fastAccepted).isGreaterThan(4_000);
    }

    @Test
    void fastPathReadsTheUsualFormsExactly() {
        String nested = "{\"inputs\": [[1, -0], [2.5e-1, -3E2]], \"isTraining\": true}";
        String flat = "{\"isTraining\":false,\"applyUpdates\":true,\"inputs\":{\"data\":[1,2,3,4,5,6],\"shape\":[3,2]},\"testLocalStats\":false}";

        for (String doc : List.of(nested, flat)) {
            for (DType dtype : DType.values()) {
                ForwardRequest fast = READER.readFast(bytes(doc), bytes(doc).length, dtype);
                assertThat(fast).as(doc).isNotNull();
                assertThat(fast).isEqualTo(READER.readFull(bytes(doc), bytes(doc).length, dtype));
            }
        }
        ForwardRequest r = READER.readFast(bytes(nested), bytes(nested).length, DType.FLOAT32);
        assertThat(Float.floatToRawIntBits((float) r.inputs().tensor().get(1))).isEqualTo(Float.floatToRawIntBits(-0f));
    }

    @Test
    void fastPathLeavesEveryErrorToTheFullReader() {
        for (String doc : List.of("", " ", "{}", "[]", "{\"inputs\": [[1]]}", "{\"inputs\": [[1]], \"isTraining\": true, \"x\": 1}",
                "{\"inputs\": [[1]], \"isTraining\": true,}", "{\"inputs\": [[1, 2], [3]], \"isTraining\": true}",
                "{\"inputs\": [[1e39]], \"isTraining\": true}", "{\"inputs\": [[01]], \"isTraining\": true}",
                "{\"inputs\": [[1]], \"isTraining\": 1}", "{\"inputs\": [[1]], \"isTraining\": true} x",
                "\uFEFF{\"inputs\": [[1]], \"isTraining\": true}", "{\"inp\\u0075ts\": [[1]], \"isTraining\": true}",
                "{\"inputs\": {\"shape\": [1, 2], \"data\": [1]}, \"isTraining\": true}",
                "{\"inputs\": {\"shape\": [1, 2.0], \"data\": [1, 2]}, \"isTraining\": true}",
                "{\"inputs\": [[[[[[[1]]]]]]], \"isTraining\": true}", "{\"inputs\": [[NaN]], \"isTraining\": true}")) {
            assertThat(READER.readFast(bytes(doc), bytes(doc).length, DType.FLOAT32)).as(doc).isNull();
            compare(doc, DType.FLOAT32);
        }
        assertThat(failures).isEmpty();
    }

    // Whether the fast path accepted; records any disagreement.
    private boolean compare(String doc, DType dtype) {
        byte[] b = bytes(doc);
        ForwardRequest fast = READER.readFast(b, b.length, dtype);
        Object full = outcome(() -> READER.readFull(b, b.length, dtype));
        Object combined = outcome(() -> READER.read(b, b.length, dtype));
        if (fast != null && !fast.equals(full)) {
            fail("fast path read " + fast + " but the full reader gave " + full, doc);
        }
        if (!combined.equals(full)) {
            fail("combined reader gave " + combined + " but the full reader gave " + full, doc);
        }
        return fast != null;
    }

    private boolean validForJackson(String doc, DType dtype) {
        return outcome(() -> READER.readFull(bytes(doc), bytes(doc).length, dtype)) instanceof ForwardRequest;
    }

    private void fail(String what, String doc) {
        if (failures.size() < 20) {
            failures.add(what + " for " + doc);
        }
    }

    // The request, or a description of the error that compares by class, code, pointer and message.
    private static Object outcome(java.util.function.Supplier<ForwardRequest> read) {
        try {
            return read.get();
        } catch (TensorFormatException e) {
            return List.of("format", e.code(), e.pointer(), e.getMessage());
        } catch (TensorLimitException e) {
            return List.of("limit", e.code(), e.pointer(), e.limit(), e.getMessage());
        } catch (ApiException e) {
            return List.of("api", e.status(), e.code(), e.errors(), e.getMessage());
        }
    }

    // A forward document; `common` keeps to what real clients send (valid, plain names, each field once).
    private String document(boolean common) {
        List<String> fields = new ArrayList<>();
        fields.add(q("inputs") + sp() + ":" + sp() + tensor(common));
        if (common || random.nextInt(10) > 0) {
            fields.add(q("isTraining") + sp() + ":" + sp() + random.nextBoolean());
        }
        if (random.nextBoolean()) {
            fields.add(q("testLocalStats") + ":" + sp() + random.nextBoolean());
        }
        if (random.nextBoolean()) {
            fields.add(q("applyUpdates") + sp() + ":" + random.nextBoolean());
        }
        if (!common && random.nextInt(15) == 0) {
            fields.add(q(random.nextBoolean() ? "isTraining" : "extra") + ":" + (random.nextBoolean() ? "true" : "null"));
        }
        java.util.Collections.shuffle(fields, random);
        return sp() + "{" + sp() + String.join(sp() + "," + sp(), fields) + sp() + "}" + sp();
    }

    private String tensor(boolean common) {
        int rank = common ? 2 + random.nextInt(3) : 1 + random.nextInt(common ? 3 : 7);
        int[] shape = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = 1 + random.nextInt(rank > 3 ? 2 : 5);
            size *= shape[i];
        }
        if (size > MAX_ELEMENTS && common) {
            shape = new int[] {2, 3};
        }
        if (random.nextBoolean()) {
            return nested(shape, 0, common);
        }
        List<String> fields = new ArrayList<>();
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(dims.isEmpty() ? "" : "," + sp()).append(d);
        }
        fields.add(q("shape") + ":" + sp() + "[" + sp() + dims + sp() + "]");
        StringBuilder data = new StringBuilder();
        int count = (int) Math.min(Tensor.sizeOf(shape), MAX_ELEMENTS + 2);
        if (!common && random.nextInt(10) == 0) {
            count += random.nextBoolean() ? 1 : -1;
        }
        for (int i = 0; i < count; i++) {
            data.append(i == 0 ? "" : "," + sp()).append(number(common));
        }
        fields.add(q("data") + sp() + ":" + "[" + data + "]");
        java.util.Collections.shuffle(fields, random);
        return "{" + sp() + String.join("," + sp(), fields) + sp() + "}";
    }

    private String nested(int[] shape, int axis, boolean common) {
        StringBuilder sb = new StringBuilder("[").append(sp());
        int length = shape[axis];
        if (!common && random.nextInt(40) == 0) {
            length += random.nextBoolean() ? 1 : -1;
        }
        for (int i = 0; i < length; i++) {
            sb.append(i == 0 ? "" : sp() + "," + sp());
            sb.append(axis == shape.length - 1 ? number(common) : nested(shape, axis + 1, common));
        }
        return sb.append(sp()).append("]").toString();
    }

    private String number(boolean common) {
        float f = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
        double d = random.nextGaussian() * 1e3;
        return switch (random.nextInt(common ? 9 : 14)) {
            case 0 -> Float.toString(f);
            case 1 -> Double.toString(d);
            case 2 -> Integer.toString(random.nextInt(2001) - 1000);
            case 3 -> random.nextBoolean() ? "-0" : "-0.0";
            case 4 -> String.format(Locale.ROOT, "%.8e", f);
            case 5 -> String.format(Locale.ROOT, "%.16E", d).replace("E+", random.nextBoolean() ? "E+" : "E");
            case 6 -> "0." + "0".repeat(random.nextInt(30)) + (1 + random.nextInt(9)) + "e" + random.nextInt(30);
            case 7 -> "123456789012345678901234567890e-" + (20 + random.nextInt(20));
            case 8 -> Float.toString(Float.MIN_VALUE) + "1";
            case 9 -> random.nextBoolean() ? "1e39" : "-1e400";
            case 10 -> random.nextBoolean() ? "NaN" : "-Infinity";
            case 11 -> "1" + "0".repeat(990 + random.nextInt(20));
            case 12 -> random.nextBoolean() ? "01" : "1.";
            default -> "\"1\"";
        };
    }

    private String mutate(String doc) {
        StringBuilder sb = new StringBuilder(doc);
        int edits = 1 + random.nextInt(2);
        for (int e = 0; e < edits && !sb.isEmpty(); e++) {
            int at = random.nextInt(sb.length());
            char c = MUTATIONS.charAt(random.nextInt(MUTATIONS.length()));
            switch (random.nextInt(5)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, c);
                case 2 -> sb.setCharAt(at, c);
                case 3 -> sb.setLength(at);
                default -> sb.append(random.nextBoolean() ? " {}" : "x");
            }
        }
        return sb.toString();
    }

    private String sp() {
        return SPACE[random.nextInt(SPACE.length)];
    }

    private static String q(String name) {
        return "\"" + name + "\"";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final class Tensor {
        static long sizeOf(int[] shape) {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }
}
