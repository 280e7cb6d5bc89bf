package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.norm.DType;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;

/** Parsers, generators and a forward-like request wrapper shared by the codec's tests. */
final class JsonFixtures {

    /** Jackson 3's fast floating-point parser and writer: the path a default mapper takes. */
    static final JsonFactory FAST = TensorJson.factory().rebuild()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private JsonFixtures() {
    }

    static JsonParser parser(JsonFactory factory, String json) {
        return factory.createParser(ObjectReadContext.empty(), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads {@code tensorJson} as the value of "inputs" in {@code {"inputs": ...}}, at "/inputs". */
    static ParsedTensor readInputs(TensorJsonReader reader, JsonFactory factory, String tensorJson, DType dtype, int minRank) {
        try (JsonParser p = parser(factory, "{\"inputs\": " + tensorJson + "}")) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            assertThat(p.nextToken()).isEqualTo(JsonToken.PROPERTY_NAME);
            p.nextToken();
            ParsedTensor parsed = reader.read(p, dtype, "/inputs", minRank);
            // the reader leaves the parser on the value's last token
            assertThat(p.nextToken()).isEqualTo(JsonToken.END_OBJECT);
            TensorJsonReader.expectEnd(p);
            return parsed;
        }
    }

    /** Reads a whole document whose root is the tensor, then checks that nothing follows. */
    static ParsedTensor readDocument(TensorJsonReader reader, JsonFactory factory, String json, DType dtype, int minRank) {
        try (JsonParser p = parser(factory, json)) {
            p.nextToken();
            ParsedTensor parsed = reader.read(p, dtype, "", minRank);
            TensorJsonReader.expectEnd(p);
            return parsed;
        }
    }

    static String write(JsonFactory factory, Consumer<JsonGenerator> body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = factory.createGenerator(ObjectWriteContext.empty(), out)) {
            body.accept(g);
        }
        return out.toString();
    }
}
