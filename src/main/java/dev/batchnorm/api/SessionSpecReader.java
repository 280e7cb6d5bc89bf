package dev.batchnorm.api;

import static dev.batchnorm.api.JsonBodies.next;

import dev.batchnorm.api.json.TensorFormatException;
import dev.batchnorm.api.json.TensorJsonReader;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.ShapeRules;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads and validates a create-session request into an effective {@link SessionSpec}, reporting
 * the problems with pointers. It streams: a first pass over the (size-limited) body finds
 * {@code dtype}, the second reads initializers straight into primitive arrays of that dtype, so
 * every number is rounded once, whatever the order of the fields.
 */
final class SessionSpecReader {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
    private static final long MAX_TTL_SECONDS = 10L * 365 * 24 * 3600;
    private static final int MAX_AXES = 32;
    private static final int MAX_ERRORS = 20;

    private final JsonFactory factory;
    private final TensorJsonReader statistics;

    /**
     * @param statistics reads initializers; its element limit is the largest statistics size
     */
    SessionSpecReader(JsonFactory factory, TensorJsonReader statistics) {
        this.factory = factory;
        this.statistics = statistics;
    }

    /** Whether an id is valid: {@code [A-Za-z0-9._-]{1,128}}, but not {@code .} or {@code ..}. */
    static boolean validId(String id) {
        return ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    SessionSpec read(InputStream in) {
        byte[] body;
        try {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DType dtype = findDtype(body);
        return new Fields(dtype).read(body);
    }

    /** First pass: the dtype, or float32 when it is absent or invalid (the second pass reports it). */
    private DType findDtype(byte[] body) {
        try (JsonParser p = factory.createParser(ObjectReadContext.empty(), body)) {
            if (next(p) != JsonToken.START_OBJECT) {
                return DType.FLOAT32;
            }
            for (JsonToken t = next(p); t == JsonToken.PROPERTY_NAME; t = next(p)) {
                String name = p.currentName();
                next(p);
                if (name.equals("dtype") && p.currentToken() == JsonToken.VALUE_STRING) {
                    DType d = DType.fromWireName(p.getString());
                    return d == null ? DType.FLOAT32 : d;
                }
                JsonBodies.skip(p);
            }
            return DType.FLOAT32;
        }
    }

    /** The second pass, field by field. */
    private final class Fields {

        private final DType dtype;
        private final List<FieldProblem> errors = new ArrayList<>();
        private int errorCount;
        private String id;
        private int[] axes;
        private boolean offset = true;
        private boolean scale = false;
        private double decayRate = SessionSpec.DEFAULT_DECAY_RATE;
        private double eps = SessionSpec.DEFAULT_EPS;
        private String collection = SessionSpec.DEFAULT_COLLECTION;
        private Long ttl;
        private final Map<Variable, StatValue> initializers = new EnumMap<>(Variable.class);
        private final Map<Variable, String> pointers = new EnumMap<>(Variable.class);

        Fields(DType dtype) {
            this.dtype = dtype;
        }

        SessionSpec read(byte[] body) {
            try (JsonParser p = factory.createParser(ObjectReadContext.empty(), body)) {
                JsonToken first = next(p);
                if (first != null && first != JsonToken.START_OBJECT) {
                    throw ApiException.badField("invalid_body", "", "The request body must be a JSON object.");
                }
                if (first != null) {
                    for (JsonToken t = next(p); t != JsonToken.END_OBJECT; t = next(p)) {
                        String name = p.currentName();
                        next(p);
                        field(p, name);
                    }
                    dev.batchnorm.api.json.TensorJsonReader.expectEnd(p);
                }
            }
            checkTogether();
            if (errorCount > 0) {
                String detail = errorCount == 1 ? errors.getFirst().pointer() + ": " + errors.getFirst().message()
                        : errorCount + " fields are invalid" + (errorCount > errors.size() ? " (the first " + errors.size() + " are listed)" : "") + "; see errors.";
                throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_session_spec", "Invalid session spec", detail, errors);
            }
            return new SessionSpec(id == null ? UUID.randomUUID().toString() : id, axes, offset, scale, decayRate, eps,
                    collection, withoutDefaults(), dtype, ttl);
        }

        private void field(JsonParser p, String name) {
            JsonToken t = p.currentToken();
            switch (name) {
                case "id" -> {
                    if (t == JsonToken.VALUE_STRING && validId(p.getString())) {
                        id = p.getString();
                    } else if (t != JsonToken.VALUE_NULL) {
                        error("/id", "must be a string of 1 to 128 characters from [A-Za-z0-9._-], not '.' or '..'");
                    }
                }
                case "axis" -> axes = readAxes(p);
                case "offset" -> offset = readBoolean(p, "offset", offset);
                case "scale" -> scale = readBoolean(p, "scale", scale);
                case "decayRate" -> decayRate = readNumber(p, "decayRate", decayRate, d -> d >= 0 && d <= 1, "must be a number in [0, 1]");
                case "eps" -> eps = readNumber(p, "eps", eps, d -> d > 0 && dtype.round(d) > 0 && Double.isFinite(dtype.round(d)),
                        "must be a number > 0 that stays positive and finite in the session's dtype");
                case "updateOpsCollection" -> collection = readCollection(p);
                case "dtype" -> {
                    if (t != JsonToken.VALUE_STRING || DType.fromWireName(p.getString()) == null) {
                        error("/dtype", "must be \"float32\" or \"float64\"");
                        JsonBodies.skip(p);
                    }
                }
                case "ttlSeconds" -> ttl = readTtl(p);
                case "initializers" -> readInitializers(p);
                default -> {
                    error("/" + FieldProblem.escape(name), "Unknown field; check its spelling (field names are camelCase).");
                    JsonBodies.skip(p);
                }
            }
        }

        private int[] readAxes(JsonParser p) {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            if (p.currentToken() != JsonToken.START_ARRAY) {
                error("/axis", "must be null or a non-empty array of distinct non-negative integers");
                JsonBodies.skip(p);
                return null;
            }
            TreeSet<Integer> seen = new TreeSet<>();
            int i = 0;
            for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p), i++) {
                if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                        && p.getIntValue() >= 0 && p.getIntValue() < 64) {
                    if (!seen.add(p.getIntValue())) {
                        error("/axis/" + i, "axis " + p.getIntValue() + " is repeated");
                    }
                } else {
                    error("/axis/" + i, "must be an integer in [0, 64) (Sonnet does not take negative axes)");
                    JsonBodies.skip(p);
                }
            }
            if (i == 0 || i > MAX_AXES) {
                error("/axis", "must name from 1 to " + MAX_AXES + " axes");
            }
            return seen.stream().mapToInt(Integer::intValue).toArray();
        }

        private boolean readBoolean(JsonParser p, String name, boolean dflt) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                return t == JsonToken.VALUE_TRUE;
            }
            error("/" + name, "must be true or false");
            JsonBodies.skip(p);
            return dflt;
        }

        private double readNumber(JsonParser p, String name, double dflt, java.util.function.DoublePredicate valid, String rule) {
            JsonToken t = p.currentToken();
            if ((t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) && !p.isNaN()) {
                double d = p.getDoubleValue();
                if (Double.isFinite(d) && valid.test(d)) {
                    return d;
                }
            }
            error("/" + name, name + " " + rule);
            JsonBodies.skip(p);
            return dflt;
        }

        private String readCollection(JsonParser p) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.VALUE_STRING) {
                error("/updateOpsCollection", "must be null or a collection name");
                JsonBodies.skip(p);
                return null;
            }
            String name = p.getString();
            if (name.isEmpty()) {
                return null; // Sonnet tests the collection for truthiness: "" behaves like None
            }
            if (!COLLECTION.matcher(name).matches()) {
                error("/updateOpsCollection", "must be 1 to 128 characters from [A-Za-z0-9._:/-]");
            }
            return name;
        }

        private Long readTtl(JsonParser p) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                    && p.getLongValue() >= 1 && p.getLongValue() <= MAX_TTL_SECONDS) {
                return p.getLongValue();
            }
            error("/ttlSeconds", "must be null or an integer from 1 to " + MAX_TTL_SECONDS);
            JsonBodies.skip(p);
            return null;
        }

        private void readInitializers(JsonParser p) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                error("/initializers", "must be an object keyed by variable name");
                JsonBodies.skip(p);
                return;
            }
            for (JsonToken k = next(p); k != JsonToken.END_OBJECT; k = next(p)) {
                String name = p.currentName();
                String pointer = "/initializers/" + FieldProblem.escape(name);
                next(p);
                Variable v = Variable.fromWireName(name);
                if (v == null) {
                    error(pointer, "no such variable; initializers exist for movingMean, movingVariance, beta and gamma");
                    JsonBodies.skip(p);
                    continue;
                }
                try {
                    initializers.put(v, statValue(statistics.read(p, dtype, pointer, 0).tensor()));
                    pointers.put(v, pointer);
                } catch (TensorFormatException e) {
                    // the parser is inside the value now: report what we have and stop here
                    error(e.pointer(), e.getMessage());
                    throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_session_spec", "Invalid session spec",
                            errorCount == 1 ? e.pointer() + ": " + e.getMessage() : errorCount + " fields are invalid; see errors.", errors);
                }
            }
        }

        /** Rules between fields, checked once every field is read. */
        private void checkTogether() {
            int flatLength = -1;
            String flatPointer = null;
            int[] pattern = null;
            for (Map.Entry<Variable, StatValue> e : initializers.entrySet()) {
                Variable v = e.getKey();
                StatValue value = e.getValue();
                String pointer = pointers.get(v);
                if (v == Variable.BETA && !offset || v == Variable.GAMMA && !scale) {
                    error(pointer, v.wireName() + " does not exist unless " + (v == Variable.BETA ? "offset" : "scale") + " is true");
                } else if (v == Variable.MOVING_VARIANCE && hasNegative(value)) {
                    error(pointer, "a variance cannot be negative");
                } else if (value.rank() >= 2) {
                    try {
                        int[] p = ShapeRules.patternFromStats(value.shape(), axes);
                        if (pattern != null && !java.util.Arrays.equals(pattern, p)) {
                            error(pointer, "the initializers imply different statistics shapes");
                        }
                        pattern = p;
                    } catch (IllegalArgumentException ex) {
                        error(pointer, ex.getMessage());
                    }
                } else if (value.rank() == 1) {
                    if (flatLength >= 0 && value.size() != flatLength) {
                        error(pointer, "has " + value.size() + " values but " + flatPointer + " has " + flatLength);
                    }
                    flatLength = value.size();
                    flatPointer = pointer;
                }
            }
            if (pattern != null && flatLength >= 0) {
                int size = Tensor.sizeOf(ShapeRules.statsShape(pattern));
                if (size != flatLength) {
                    error(flatPointer, "has " + flatLength + " values but the statistics' shape " + ShapeRules.describe(ShapeRules.statsShape(pattern)) + " has " + size);
                }
            }
        }

        /** Initializers equal to Sonnet's defaults are dropped, so equal effective specs compare equal. */
        private Map<Variable, StatValue> withoutDefaults() {
            Map<Variable, StatValue> out = new EnumMap<>(Variable.class);
            initializers.forEach((v, value) -> {
                double dflt = v == Variable.MOVING_VARIANCE || v == Variable.GAMMA ? 1.0 : 0.0;
                if (!(value.isScalar() && value.get(0) == dflt && Double.doubleToRawLongBits(value.get(0)) == Double.doubleToRawLongBits(dflt))) {
                    out.put(v, value);
                }
            });
            return out;
        }

        private void error(String pointer, String message) {
            errorCount++;
            if (errors.size() < MAX_ERRORS) {
                errors.add(new FieldProblem(pointer, message));
            }
        }
    }

    static StatValue statValue(Tensor t) {
        return new StatValue(t.shape(), t.toDoubles());
    }

    static boolean hasNegative(StatValue value) {
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) < 0) {
                return true;
            }
        }
        return false;
    }
}
