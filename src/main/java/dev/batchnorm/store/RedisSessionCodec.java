package dev.batchnorm.store;

import dev.batchnorm.norm.DType;
import dev.batchnorm.session.Counters;
import dev.batchnorm.session.PendingOp;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How sessions are laid out in Redis: one hash per session whose values are compact binary
 * (little-endian float32 or float64 arrays, as the Lua scripts read them), and op members of the
 * form {@code hex id | variable byte | decay | createdAt | value}.
 */
final class RedisSessionCodec {

    private RedisSessionCodec() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static byte[] f64(double v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array();
    }

    static double f64(byte[] b, int offset) {
        return ByteBuffer.wrap(b, offset, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble();
    }

    /** Values exact in the dtype, as 4- or 8-byte little-endian numbers. */
    static byte[] values(double[] v, DType dtype) {
        ByteBuffer b = ByteBuffer.allocate(v.length * width(dtype)).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            if (dtype == DType.FLOAT32) {
                b.putFloat((float) x);
            } else {
                b.putDouble(x);
            }
        }
        return b.array();
    }

    static double[] values(byte[] bytes, int offset, DType dtype) {
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, bytes.length - offset).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[(bytes.length - offset) / width(dtype)];
        for (int i = 0; i < out.length; i++) {
            out[i] = dtype == DType.FLOAT32 ? b.getFloat() : b.getDouble();
        }
        return out;
    }

    static int width(DType dtype) {
        return dtype == DType.FLOAT32 ? 4 : 8;
    }

    static String csv(int[] values) {
        return values == null ? "" : Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    static int[] ints(String csv) {
        if (csv == null || csv.isEmpty()) {
            return null;
        }
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** Every field of a new session. */
    static Map<String, byte[]> fields(SessionSnapshot s, long ttlMillis) {
        SessionSpec spec = s.spec();
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("id", utf8(spec.id()));
        f.put("axes", utf8(spec.axes() == null ? "" : csv(spec.axes())));
        f.put("off", utf8(spec.offset() ? "1" : "0"));
        f.put("scl", utf8(spec.scale() ? "1" : "0"));
        f.put("dec", f64(spec.decayRate()));
        f.put("eps", f64(spec.eps()));
        f.put("coll", utf8(spec.updateOpsCollection() == null ? "" : spec.updateOpsCollection()));
        f.put("dt", utf8(spec.dtype().wireName()));
        f.put("ttl", utf8(spec.ttlSeconds() == null ? "" : spec.ttlSeconds().toString()));
        spec.initializers().forEach((v, value) -> {
            f.put("ishape:" + v.wireName(), utf8(csv(value.shape())));
            f.put("i:" + v.wireName(), values(value.data(), spec.dtype()));
        });
        f.put("uid", utf8(s.uid()));
        f.put("created", utf8(Long.toString(s.createdAt().toEpochMilli())));
        f.put("upd", utf8(Long.toString(s.updatedAt().toEpochMilli())));
        f.put("ver", utf8(Long.toString(s.version())));
        f.put("pver", utf8(Long.toString(s.paramsVersion())));
        f.put("sver", utf8(Long.toString(s.statsVersion())));
        f.put("pat", utf8(csv(s.pattern())));
        for (String counter : new String[] {"fwd", "opc", "opa", "opd", "pel"}) {
            f.put(counter, utf8("0"));
        }
        f.put("next", utf8("1"));
        f.put("ttlms", utf8(Long.toString(ttlMillis)));
        f.putAll(variableFields(s.variables(), spec.dtype()));
        return f;
    }

    static Map<String, byte[]> variableFields(Map<Variable, StatValue> vars, DType dtype) {
        Map<String, byte[]> f = new LinkedHashMap<>();
        vars.forEach((v, value) -> {
            f.put("vshape:" + v.wireName(), utf8(csv(value.shape())));
            f.put("v:" + v.wireName(), values(value.data(), dtype));
        });
        return f;
    }

    static SessionSnapshot snapshot(Map<String, byte[]> f, long pending, Instant now) {
        DType dtype = DType.fromWireName(str(f.get("dt")));
        Map<Variable, StatValue> init = new EnumMap<>(Variable.class);
        Map<Variable, StatValue> vars = new EnumMap<>(Variable.class);
        for (Variable v : Variable.values()) {
            byte[] i = f.get("i:" + v.wireName());
            if (i != null) {
                init.put(v, stat(str(f.get("ishape:" + v.wireName())), i, dtype));
            }
            byte[] value = f.get("v:" + v.wireName());
            if (value != null) {
                vars.put(v, stat(str(f.get("vshape:" + v.wireName())), value, dtype));
            }
        }
        String coll = str(f.get("coll"));
        String ttl = str(f.get("ttl"));
        SessionSpec spec = new SessionSpec(str(f.get("id")), ints(str(f.get("axes"))), "1".equals(str(f.get("off"))),
                "1".equals(str(f.get("scl"))), f64(f.get("dec"), 0), f64(f.get("eps"), 0), coll.isEmpty() ? null : coll,
                init, dtype, ttl.isEmpty() ? null : Long.parseLong(ttl));
        Counters counters = new Counters(num(f, "fwd"), num(f, "opc"), num(f, "opa"), pending, num(f, "opd"));
        long ttlMs = num(f, "ttlms");
        return new SessionSnapshot(spec, str(f.get("uid")), ints(str(f.get("pat"))), vars, counters,
                num(f, "ver"), num(f, "pver"), num(f, "sver"), Instant.ofEpochMilli(num(f, "created")),
                Instant.ofEpochMilli(num(f, "upd")), ttlMs > 0 ? now.plusMillis(ttlMs) : null);
    }

    static StatValue stat(String shapeCsv, byte[] values, DType dtype) {
        int[] shape = shapeCsv == null || shapeCsv.isEmpty() ? new int[0] : ints(shapeCsv);
        return new StatValue(shape, values(values, 0, dtype));
    }

    /** A pending op from its sorted-set member. */
    static PendingOp op(byte[] m, String collection, int[] statsShape, DType dtype) {
        long id = Long.parseLong(new String(m, 0, 16, StandardCharsets.US_ASCII), 16);
        Variable v = m[16] == 0 ? Variable.MOVING_MEAN : Variable.MOVING_VARIANCE;
        double decay = f64(m, 17);
        Instant created = Instant.ofEpochMilli((long) f64(m, 25));
        return new PendingOp(id, collection, v, new StatValue(statsShape, values(m, 33, dtype)), decay, created);
    }

    private static long num(Map<String, byte[]> f, String field) {
        byte[] b = f.get(field);
        return b == null ? 0 : Long.parseLong(str(b));
    }
}
