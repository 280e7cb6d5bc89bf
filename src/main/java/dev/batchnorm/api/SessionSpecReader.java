package dev.batchnorm.api;

import dev.batchnorm.api.json.ParsedTensor;
import dev.batchnorm.api.json.TensorFormatException;
import dev.batchnorm.api.json.TensorJson;
import dev.batchnorm.api.json.TensorJsonReader;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.ShapeRules;
import dev.batchnorm.session.StatValue;
import dev.batchnorm.session.Variable;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and validates a create-session request into an effective {@link SessionSpec}, reporting
 * every problem with a pointer. Numbers are read as exact decimals, so initializers round once,
 * straight to the session's dtype, whatever the order of {@code dtype} and {@code initializers}.
 */
final class SessionSpecReader {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
    private static final Set<String> FIELDS = Set.of("id", "axis", "offset", "scale", "decayRate", "eps",
            "updateOpsCollection", "initializers", "dtype", "ttlSeconds");
    private static final long MAX_TTL_SECONDS = 10L * 365 * 24 * 3600;
    private static final int MAX_AXES = 32;

    private final JsonMapper mapper;
    private final TensorJsonReader tensors;

    SessionSpecReader(JsonFactory factory, TensorJsonReader tensors) {
        this.mapper = JsonMapper.builder(factory).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
        this.tensors = tensors;
    }

    /** Whether an id is valid: {@code [A-Za-z0-9._-]{1,128}}, but not {@code .} or {@code ..}. */
    static boolean validId(String id) {
        return ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    SessionSpec read(InputStream body) {
        JsonNode root = parse(body);
        if (root == null || root.isMissingNode()) {
            root = mapper.createObjectNode();
        }
        if (!root.isObject()) {
            throw ApiException.badField("invalid_body", "", "The request body must be a JSON object.");
        }
        List<FieldProblem> errors = new ArrayList<>();
        for (String name : root.propertyNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldProblem("/" + FieldProblem.escape(name), "Unknown field; check its spelling (field names are camelCase)."));
            }
        }
        String id = readId(root.get("id"), errors);
        int[] axes = readAxes(root.get("axis"), errors);
        boolean offset = readBoolean(root, "offset", true, errors);
        boolean scale = readBoolean(root, "scale", false, errors);
        double decayRate = readNumber(root, "decayRate", SessionSpec.DEFAULT_DECAY_RATE, errors, d -> d >= 0 && d <= 1, "must be a number in [0, 1]");
        double eps = readNumber(root, "eps", SessionSpec.DEFAULT_EPS, errors, d -> d > 0, "must be a finite number > 0");
        String collection = readCollection(root, errors);
        DType dtype = readDtype(root.get("dtype"), errors);
        Long ttl = readTtl(root.get("ttlSeconds"), errors);
        Map<Variable, StatValue> initializers = readInitializers(root.get("initializers"), dtype == null ? DType.FLOAT32 : dtype, offset, scale, axes, errors);
        if (!errors.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_session_spec", "Invalid session spec",
                    errors.size() == 1 ? errors.getFirst().pointer() + ": " + errors.getFirst().message() : errors.size() + " fields are invalid; see errors.", errors);
        }
        return new SessionSpec(id, axes, offset, scale, decayRate, eps, collection, initializers, dtype, ttl);
    }

    private JsonNode parse(InputStream body) {
        try (JsonParser p = mapper.createParser(body)) {
            try {
                return mapper.readTree(p);
            } catch (JacksonException e) {
                throw TensorJson.readError(e, p, "");
            }
        }
    }

    private static String readId(JsonNode node, List<FieldProblem> errors) {
        if (node == null || node.isNull()) {
            return UUID.randomUUID().toString();
        }
        if (!node.isString() || !validId(node.stringValue())) {
            errors.add(new FieldProblem("/id", "must be a string of 1 to 128 characters from [A-Za-z0-9._-], not '.' or '..'"));
            return "invalid";
        }
        return node.stringValue();
    }

    private static int[] readAxes(JsonNode node, List<FieldProblem> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_AXES) {
            errors.add(new FieldProblem("/axis", "must be null or a non-empty array of at most " + MAX_AXES + " distinct non-negative integers"));
            return null;
        }
        TreeSet<Integer> seen = new TreeSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode a = node.get(i);
            if (!a.isIntegralNumber() || !a.canConvertToInt() || a.intValue() < 0 || a.intValue() >= 64) {
                errors.add(new FieldProblem("/axis/" + i, "must be an integer in [0, 64) (Sonnet does not take negative axes)"));
            } else if (!seen.add(a.intValue())) {
                errors.add(new FieldProblem("/axis/" + i, "axis " + a.intValue() + " is repeated"));
            }
        }
        return seen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean readBoolean(JsonNode root, String name, boolean dflt, List<FieldProblem> errors) {
        JsonNode node = root.get(name);
        if (node == null) {
            return dflt;
        }
        if (!node.isBoolean()) {
            errors.add(new FieldProblem("/" + name, "must be true or false"));
            return dflt;
        }
        return node.booleanValue();
    }

    private static double readNumber(JsonNode root, String name, double dflt, List<FieldProblem> errors,
            java.util.function.DoublePredicate valid, String rule) {
        JsonNode node = root.get(name);
        if (node == null) {
            return dflt;
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue()) || !valid.test(node.doubleValue())) {
            errors.add(new FieldProblem("/" + name, name + " " + rule));
            return dflt;
        }
        return node.doubleValue();
    }

    private static String readCollection(JsonNode root, List<FieldProblem> errors) {
        if (!root.has("updateOpsCollection")) {
            return SessionSpec.DEFAULT_COLLECTION;
        }
        JsonNode node = root.get("updateOpsCollection");
        if (node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add(new FieldProblem("/updateOpsCollection", "must be null or a collection name"));
            return null;
        }
        String name = node.stringValue();
        if (name.isEmpty()) {
            return null; // Sonnet tests the collection for truthiness: "" behaves like None
        }
        if (!COLLECTION.matcher(name).matches()) {
            errors.add(new FieldProblem("/updateOpsCollection", "must be 1 to 128 characters from [A-Za-z0-9._:/-]"));
        }
        return name;
    }

    private static DType readDtype(JsonNode node, List<FieldProblem> errors) {
        if (node == null) {
            return DType.FLOAT32;
        }
        DType dtype = node.isString() ? DType.fromWireName(node.stringValue()) : null;
        if (dtype == null) {
            errors.add(new FieldProblem("/dtype", "must be \"float32\" or \"float64\""));
        }
        return dtype;
    }

    private static Long readTtl(JsonNode node, List<FieldProblem> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 1 || node.longValue() > MAX_TTL_SECONDS) {
            errors.add(new FieldProblem("/ttlSeconds", "must be null or an integer from 1 to " + MAX_TTL_SECONDS));
            return null;
        }
        return node.longValue();
    }

    private Map<Variable, StatValue> readInitializers(JsonNode node, DType dtype, boolean offset, boolean scale, int[] axes, List<FieldProblem> errors) {
        Map<Variable, StatValue> out = new EnumMap<>(Variable.class);
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            errors.add(new FieldProblem("/initializers", "must be an object keyed by variable name"));
            return out;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String pointer = "/initializers/" + FieldProblem.escape(e.getKey());
            Variable v = Variable.fromWireName(e.getKey());
            if (v == null) {
                errors.add(new FieldProblem(pointer, "no such variable; initializers exist for movingMean, movingVariance, beta and gamma"));
                continue;
            }
            if (v == Variable.BETA && !offset || v == Variable.GAMMA && !scale) {
                errors.add(new FieldProblem(pointer, v.wireName() + " does not exist unless " + (v == Variable.BETA ? "offset" : "scale") + " is true"));
                continue;
            }
            try {
                StatValue value = statValue(readTensor(e.getValue(), dtype, pointer));
                if (v == Variable.MOVING_VARIANCE && hasNegative(value)) {
                    errors.add(new FieldProblem(pointer, "a variance cannot be negative"));
                } else if (value.rank() >= 2) {
                    ShapeRules.patternFromStats(value.shape(), axes);
                }
                out.put(v, value);
            } catch (TensorFormatException ex) {
                errors.add(new FieldProblem(ex.pointer(), ex.getMessage()));
            } catch (IllegalArgumentException ex) {
                errors.add(new FieldProblem(pointer, ex.getMessage()));
            }
        }
        return out;
    }

    private ParsedTensor readTensor(JsonNode node, DType dtype, String pointer) {
        try (JsonParser p = mapper.treeAsTokens(node)) {
            p.nextToken();
            return tensors.read(p, dtype, pointer, 0);
        }
    }

    static StatValue statValue(ParsedTensor parsed) {
        Tensor t = parsed.tensor();
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
