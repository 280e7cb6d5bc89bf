package dev.batchnorm.bench;

import dev.batchnorm.api.json.JsonBytes;
import dev.batchnorm.api.json.ParsedTensor;
import dev.batchnorm.api.json.TensorJson;
import dev.batchnorm.api.json.TensorJsonReader;
import dev.batchnorm.norm.DType;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Reading 65,536 numbers ([1024, 64] nested arrays) into float32: the codec's byte-level reader
 * against Jackson's own streaming loop ({@code getFloatValue} per number token), with Jackson's
 * default factory (Jackson 3: the fast double parser on) and with the JDK's parser. Target: 3x.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ParseBench {

    private static final TensorJsonReader PREVIOUS = new TensorJsonReader(1 << 24, 64);
    private static final JsonFactory JACKSON_DEFAULT = JsonFactory.builder().build();
    private static final JsonFactory JACKSON_JDK_PARSER = JsonFactory.builder().disable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    @Param({"FLOAT32_SHORTEST", "FLOAT64_17_DIGITS", "FLOAT32_SHORTEST_SPACED", "PYTHON_TOLIST"})
    public Bodies.Text text;

    byte[] body;
    float[] values;

    @Setup
    public void setUp() {
        body = Bodies.tensor(text).getBytes(StandardCharsets.UTF_8);
        values = new float[Bodies.ROWS * Bodies.COLUMNS];
        if (!(codec() instanceof ParsedTensor p) || p.tensor().size() != values.length) {
            throw new IllegalStateException("the fast reader declined the benchmark body");
        }
    }

    @Benchmark
    public Object codec() {
        return new JsonBytes(body, 0, body.length, 1000).tensor(DType.FLOAT32, 2, 64, 1 << 24);
    }

    /** The Jackson-based tensor reader the service used before (and still uses for unusual documents). */
    @Benchmark
    public Object previousReader() {
        try (JsonParser p = TensorJson.factory().createParser(ObjectReadContext.empty(), body)) {
            p.nextToken();
            return PREVIOUS.read(p, DType.FLOAT32, "", 2);
        }
    }

    @Benchmark
    public float[] jacksonDefault() {
        return jacksonRead(JACKSON_DEFAULT);
    }

    @Benchmark
    public float[] jacksonJdkParser() {
        return jacksonRead(JACKSON_JDK_PARSER);
    }

    private float[] jacksonRead(JsonFactory factory) {
        float[] out = values;
        int n = 0;
        try (JsonParser p = factory.createParser(ObjectReadContext.empty(), body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t.isNumeric()) {
                    out[n++] = p.getFloatValue();
                }
            }
        }
        return out;
    }
}
