package dev.batchnorm.api;

import dev.batchnorm.api.ForwardController.ForwardResponse;
import dev.batchnorm.api.ForwardRequestReader.ForwardRequest;
import dev.batchnorm.api.TensorBodies.FlatTensor;
import dev.batchnorm.api.TensorBodies.TensorBody;
import dev.batchnorm.api.json.TensorForm;
import dev.batchnorm.api.json.TensorJson;
import dev.batchnorm.api.json.TensorJsonReader;
import dev.batchnorm.api.npy.Npy;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import dev.batchnorm.session.ForwardService;
import dev.batchnorm.session.Limits;
import dev.batchnorm.session.SessionService;
import dev.batchnorm.session.SessionSnapshot;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.store.InMemorySessionStore;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * One large forward ([1024, 64] float32, an in-place training forward on the memory store) through
 * the pieces the controller uses: the body read from the request, parsed (JSON or .npy), the
 * forward (moments, normalize, commit), and the answer written (the JSON response record through
 * Jackson databind, or the .npy bytes). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is
 * the bytes allocated per forward, to compare with the input plus output arrays (512 KiB).
 * Target: at most 2.5x.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ForwardBench {

    static final int ROWS = 1024;
    static final int COLUMNS = 64;

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final OutputStream sink = new OutputStream() {
        // discards everything and stays open when a generator closes it
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    };
    private RequestBodies bodies;
    private ForwardRequestReader reader;
    private ForwardService forwards;
    private SessionService sessions;
    private byte[] json;
    private byte[] npy;

    @Setup
    public void setUp() {
        bodies = new RequestBodies(64 << 20);
        reader = new ForwardRequestReader(TensorJson.factory(64), new TensorJsonReader(1 << 24, 64));
        InMemorySessionStore store = new InMemorySessionStore(Clock.systemUTC());
        Limits limits = new Limits(100, 100_000, 1 << 24, 1 << 20);
        sessions = new SessionService(store, limits, Clock.systemUTC());
        forwards = new ForwardService(store, limits, Clock.systemUTC());
        sessions.create(new SessionSpec("bench", null, true, false, 0.999, 1e-3, null, Map.of(), DType.FLOAT32, null));

        SplittableRandom random = new SplittableRandom(5);
        float[] data = new float[ROWS * COLUMNS];
        StringBuilder sb = new StringBuilder("{\"inputs\":[");
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextDouble() * 6 - 3);
            sb.append(i % COLUMNS == 0 ? (i == 0 ? "[" : "],[") : ",").append(data[i]);
        }
        json = sb.append("]],\"isTraining\":true}").toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new Tensor.F32(new int[] {ROWS, COLUMNS}, data));
        npy = out.toByteArray();
    }

    /** JSON in, JSON out: ForwardController.forward. */
    @Benchmark
    public void json() {
        SessionSnapshot session = sessions.getForForward("bench");
        ForwardRequest req;
        try (RequestBodies.Body body = bodies.read(request(json))) {
            req = reader.read(body.bytes(), body.length(), DType.FLOAT32);
        }
        ForwardService.Result r = forwards.forward(session, req.inputs().tensor(), req.flags());
        mapper.writeValue(sink, response(r, req.inputs().form()));
    }

    /** .npy in, .npy out: ForwardController.forwardNpy with Accept: application/x-npy. */
    @Benchmark
    public byte[] npy() {
        SessionSnapshot session = sessions.getForForward("bench");
        Tensor inputs = Npy.read(bodies.open(request(npy)), DType.FLOAT32, 2, 1 << 24);
        ForwardService.Result r = forwards.forward(session, inputs, new ForwardService.Flags(true, true, false));
        // as ForwardController.npyAnswer makes the body
        return Npy.toBytes(r.outputs());
    }

    /**
     * A request whose body stream reads in bulk, as Tomcat's does. MockHttpServletRequest's own
     * stream inherits InputStream's byte-at-a-time read(byte[], int, int), which made this
     * benchmark's time mostly a measure of that loop.
     */
    private static MockHttpServletRequest request(byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/sessions/bench/forward") {
            @Override
            public ServletInputStream getInputStream() {
                return new BulkInputStream(body);
            }
        };
        request.setContent(body);
        return request;
    }

    private static final class BulkInputStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BulkInputStream(byte[] body) {
            in = new ByteArrayInputStream(body);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            // as the servlet specification has it outside async processing
            throw new IllegalStateException("not an asynchronous request");
        }
    }

    // as ForwardController.json builds the answer
    private static ForwardResponse response(ForwardService.Result r, TensorForm form) {
        return new ForwardResponse(new TensorBody(r.outputs(), form), "batch",
                new FlatTensor(DType.FLOAT32, r.statsShape(), r.batchStats().mean()),
                new FlatTensor(DType.FLOAT32, r.statsShape(), r.batchStats().variance()),
                List.of(), r.receipt().updatesApplied(), r.receipt().version());
    }

}
