package dev.batchnorm.bench;

import dev.batchnorm.api.json.TensorForm;
import dev.batchnorm.api.json.TensorJsonWriter;
import dev.batchnorm.norm.Tensor;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Writing 65,536 float32 values as {@code {"shape": [1024, 64], "data": [...]}}: the codec's writer
 * (Schubfach digits as ASCII, handed to the generator as raw text a few KB at a time) against Jackson's own loop of
 * {@code writeNumber(float)}, with Jackson's default factory (the JDK's Float.toString) and with
 * its fast writer. Both write the same text into a discarding stream. Target: 3x.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WriteBench {

    private static final JsonFactory JACKSON_DEFAULT = JsonFactory.builder().build();
    private static final JsonFactory JACKSON_FAST_WRITER = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    Tensor.F32 tensor;
    final OutputStream sink = new OutputStream() {
        // discards everything and stays open when a generator closes it
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    };

    @Setup
    public void setUp() {
        // outputs of a batch norm: roughly standard normal float32 values
        SplittableRandom random = new SplittableRandom(3);
        float[] data = new float[Bodies.ROWS * Bodies.COLUMNS];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5) * 2);
        }
        tensor = new Tensor.F32(new int[] {Bodies.ROWS, Bodies.COLUMNS}, data);
    }

    @Benchmark
    public void codec() {
        try (JsonGenerator g = JACKSON_DEFAULT.createGenerator(ObjectWriteContext.empty(), sink)) {
            TensorJsonWriter.write(g, tensor, TensorForm.FLAT);
        }
    }

    @Benchmark
    public void jacksonDefault() {
        jacksonWrite(JACKSON_DEFAULT);
    }

    @Benchmark
    public void jacksonFastWriter() {
        jacksonWrite(JACKSON_FAST_WRITER);
    }

    private void jacksonWrite(JsonFactory factory) {
        try (JsonGenerator g = factory.createGenerator(ObjectWriteContext.empty(), sink)) {
            g.writeStartObject();
            g.writeName("shape");
            g.writeArray(tensor.shape(), 0, 2);
            g.writeName("data");
            g.writeStartArray();
            for (float f : tensor.data()) {
                g.writeNumber(f);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
