package dev.batchnorm.api.json;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonFactoryBuilder;
import tools.jackson.core.json.JsonReadFeature;

/**
 * The JSON factory the tensor codec expects its parsers to come from: duplicate keys are
 * errors, and NaN/Infinity tokens are let through so the reader can report them precisely
 * ({@code non_finite_value}) instead of as a generic syntax error.
 *
 * <p>Floating-point tokens are converted by the JDK ({@link Float#parseFloat},
 * {@link Double#parseDouble}) rather than Jackson's fast parser, so every value is exact by
 * construction; the exactness tests check both paths.
 */
public final class TensorJson {

    private static final JsonFactory SHARED = builder().build();

    private TensorJson() {
    }

    /** The shared factory, with Jackson's default stream-read constraints. */
    public static JsonFactory factory() {
        return SHARED;
    }

    /**
     * The codec's exception for a Jackson read error met while reading other parts of a request:
     * {@code malformed_json} (or {@code nesting_too_deep}) with a message free of Java names.
     */
    public static RuntimeException readError(tools.jackson.core.JacksonException e, tools.jackson.core.JsonParser p, String pointer) {
        return JacksonErrors.translate(e, p, pointer);
    }

    /** A factory like {@link #factory()} whose parsers reject documents nested deeper than given. */
    public static JsonFactory factory(int maxNestingDepth) {
        if (maxNestingDepth < 1) {
            throw new IllegalArgumentException("maxNestingDepth must be positive: " + maxNestingDepth);
        }
        StreamReadConstraints constraints = StreamReadConstraints.defaults().rebuild()
                .maxNestingDepth(maxNestingDepth)
                .build();
        return builder().streamReadConstraints(constraints).build();
    }

    private static JsonFactoryBuilder builder() {
        return JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    }
}
