package dev.batchnorm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.MovingAverage;
import dev.batchnorm.norm.NonFiniteResultException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;

/**
 * The scripts' float32 arithmetic, run by a real Redis, against Java's: the prelude rounds a double
 * to float32 without struct (Veltkamp's split, and a fixed addend below 2^-126), and the moving
 * average update the commit and apply scripts run must give the bits {@link MovingAverage} gives.
 * The expected values are Java's {@code (float)} cast and {@link MovingAverage}, not the scripts.
 */
class RedisScriptFloat32Tests {

    /** The prelude's rnd over a float64 array, or one ema step, answered as the dtype's bytes. */
    private static final String PROBE = """
            setdt(ARGV[1])
            if ARGV[2] == 'round' then
              local t = decode64(ARGV[3])
              for i = 1, #t do t[i] = rnd(t[i]) end
              return encode(t)
            elseif ARGV[2] == 'ema' then
              local v = decode(ARGV[3])
              ema(v, decode64(ARGV[4]), rnd(1.0 - f64(ARGV[5])))
              return encode(v)
            end
            -- 'ties': every float32 tie j + 1/2 (and its negative) for j in [ARGV[3], ARGV[4]],
            -- against C's cast through struct; answers the number of differences and the first
            local bad, first = 0, ''
            for j = tonumber(ARGV[3]), tonumber(ARGV[4]) do
              local t = j + 0.5
              for _, x in ipairs({t, -t}) do
                if f32(x) ~= (struct.unpack('<f', struct.pack('<f', x))) then
                  bad = bad + 1
                  if first == '' then first = tostring(x) end
                end
              end
            end
            return {bad, first}
            """;

    static LettuceConnectionFactory factory;
    static RedisTemplate<byte[], byte[]> template;
    static byte[] script;

    @BeforeAll
    static void connect() throws IOException {
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(RedisTestServer.host(), RedisTestServer.port()));
        factory.afterPropertiesSet();
        factory.start();
        template = RedisSessionStore.bytesTemplate(factory);
        String prelude = new ClassPathResource("redis/prelude.lua").getContentAsString(StandardCharsets.UTF_8);
        script = (prelude + "\n" + PROBE).getBytes(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void disconnect() {
        factory.destroy();
    }

    @Test
    void roundsSpecialValuesAsTheCast() {
        double minNormal = Float.MIN_NORMAL;
        double minSub = Float.MIN_VALUE;
        double max = Float.MAX_VALUE;
        double maxUlp = Math.ulp(Float.MAX_VALUE);
        List<Double> values = new ArrayList<>(List.of(
                0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                minSub, -minSub, minSub / 2, -minSub / 2, Math.nextUp(minSub / 2), Math.nextDown(minSub / 2),
                1.5 * minSub, 2.5 * minSub, -2.5 * minSub, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300, -1e-300,
                minNormal, Math.nextDown(minNormal), Math.nextUp(minNormal), minNormal - minSub / 2,
                -(minNormal - minSub / 2), Math.nextDown(minNormal - minSub / 2), Math.nextUp(minNormal - minSub / 2),
                max, -max, max + maxUlp / 2, -(max + maxUlp / 2), Math.nextDown(max + maxUlp / 2),
                -Math.nextDown(max + maxUlp / 2), Math.scalb(1.0, 128), Math.nextDown(Math.scalb(1.0, 128)),
                Double.MAX_VALUE, -Double.MAX_VALUE, 1e300, 0.1, -0.1, 1.0 / 3, 0.999, 1 - 0.999, 16777217.0,
                16777219.0, -16777219.0, 33554434.0, 33554438.0));
        assertRoundsAsTheCast(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Ties (a float plus half its ulp) and the doubles on either side of them, for random floats of
     * every binade, both signs, normal and subnormal; and random doubles of every magnitude.
     */
    @Test
    void roundsTiesAndRandomDoublesAsTheCast() {
        SplittableRandom random = new SplittableRandom(2026_12_07);
        double[] values = new double[400_000];
        int n = 0;
        while (n < 300_000) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(f) || Math.abs(f) == Float.MAX_VALUE) {
                continue;
            }
            double tie = ((double) f + (double) Math.nextUp(f)) / 2;
            values[n++] = tie;
            values[n++] = Math.nextUp(tie);
            values[n++] = Math.nextDown(tie);
        }
        while (n < values.length) {
            // any double, and doubles near the float32 range
            values[n++] = Double.longBitsToDouble(random.nextLong());
            values[n++] = Math.scalb(random.nextDouble(-2, 2), random.nextInt(-160, 140));
        }
        assertRoundsAsTheCast(values);
    }

    /** Every tie of the binade [2^23, 2^24) of both signs; the split scales exactly to every other normal binade. */
    @Test
    void roundsEveryTieOfABinadeToEven() {
        int from = 1 << 23;
        int to = (1 << 24) - 1;
        int step = 1 << 20; // one call per million ties keeps each script short
        for (int j = from; j <= to; j += step) {
            List<?> reply = eval("float32", "ties", ascii(j), ascii(Math.min(to, j + step - 1)));
            assertThat(reply.get(0)).as("ties from %d that round otherwise than the cast (first: %s)", j, reply.size() > 1
                    ? new String((byte[]) reply.get(1), StandardCharsets.US_ASCII) : "").isEqualTo(0L);
        }
    }

    /** The commit and apply scripts' update, step after step, gives MovingAverage's bits in both dtypes. */
    @Test
    void movingAverageStepsGiveTheJavaBits() {
        SplittableRandom random = new SplittableRandom(42);
        for (DType dtype : DType.values()) {
            for (int trial = 0; trial < 40; trial++) {
                int channels = 1 + random.nextInt(trial < 20 ? 8 : 3000);
                double decay = switch (trial % 4) {
                    case 0 -> 0.999;
                    case 1 -> 0.9;
                    case 2 -> 0.5;
                    default -> random.nextDouble();
                };
                double scale = Math.scalb(1.0, random.nextInt(-140, 100));
                double[] variable = randomValues(random, channels, scale, dtype);
                double[] expected = variable.clone();
                byte[] state = encode(variable, dtype);
                for (int step = 0; step < 5; step++) {
                    double[] value = randomValues(random, channels, scale, dtype);
                    MovingAverage.update(expected, value, MovingAverage.rate(decay, dtype), dtype);
                    state = evalBytes(dtype.wireName(), "ema", state, encode(value, DType.FLOAT64), encode(new double[] {decay}, DType.FLOAT64));
                    assertThat(decode(state, dtype)).as("%s, %d channels, decay %s, step %d", dtype, channels, decay, step)
                            .isEqualTo(expected);
                }
            }
        }
    }

    /** Near float32's largest values the update overflows in Java exactly where the script's does. */
    @Test
    void movingAverageOverflowsWhereJavaDoes() {
        double max = Float.MAX_VALUE;
        double[] variable = {max, -max, max, 1};
        double[] value = {-max, max, max, -max};
        byte[] result = evalBytes("float32", "ema", encode(variable, DType.FLOAT32), encode(value, DType.FLOAT64),
                encode(new double[] {0.0}, DType.FLOAT64));
        double[] scripted = decode(result, DType.FLOAT32);
        assertThat(scripted[0]).isEqualTo(Double.NEGATIVE_INFINITY); // max - (2 max -> inf)
        assertThat(scripted[1]).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(scripted[2]).isEqualTo(max);
        assertThat(scripted[3]).isEqualTo(-max);
        assertThatThrownBy(() -> MovingAverage.update(variable.clone(), value, MovingAverage.rate(0.0, DType.FLOAT32), DType.FLOAT32))
                .isInstanceOf(NonFiniteResultException.class);

        // max + 2^103 is the tie between max and 2^128: it rounds (to even) to 2^128, an infinity in
        // float32, which halving must keep infinite rather than bring back to 2^127
        double halfUlp = Math.scalb(1.0, 103);
        double[] edge = decode(evalBytes("float32", "ema", encode(new double[] {max, -max}, DType.FLOAT32),
                encode(new double[] {-halfUlp, halfUlp}, DType.FLOAT64), encode(new double[] {0.5}, DType.FLOAT64)), DType.FLOAT32);
        assertThat(edge).containsExactly(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertThat((float) max - (float) -halfUlp).isEqualTo(Float.POSITIVE_INFINITY);
    }

    private static void assertRoundsAsTheCast(double[] values) {
        byte[] reply = evalBytes("float32", "round", encode(values, DType.FLOAT64));
        ByteBuffer floats = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(reply).hasSize(4 * values.length);
        int mismatches = 0;
        StringBuilder first = new StringBuilder();
        for (double d : values) {
            float expected = (float) d;
            float actual = floats.getFloat();
            boolean same = Float.isNaN(expected) ? Float.isNaN(actual) : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(actual);
            if (!same && mismatches++ < 5) {
                first.append(String.format("%s (%s): script %s, cast %s; ", d, Double.toHexString(d), actual, expected));
            }
        }
        assertThat(mismatches).as("values rounded otherwise than the cast: %s", first).isZero();
    }

    private static double[] randomValues(SplittableRandom random, int n, double scale, DType dtype) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = dtype.round(random.nextGaussian() * scale);
        }
        return values;
    }

    // the store's own encoding carries values to the script and back; the expected values come
    // from Java's cast and MovingAverage, never from the script or the codec
    private static byte[] encode(double[] values, DType dtype) {
        return RedisSessionCodec.values(values, dtype);
    }

    private static double[] decode(byte[] bytes, DType dtype) {
        return RedisSessionCodec.values(bytes, 0, dtype);
    }

    private static byte[] evalBytes(String dtype, String what, byte[]... args) {
        return template.execute((RedisCallback<byte[]>) c -> c.scriptingCommands().eval(script, ReturnType.VALUE, 0,
                concat(ascii(dtype), ascii(what), args)));
    }

    private static List<?> eval(String dtype, String what, byte[]... args) {
        return template.execute((RedisCallback<List<?>>) c -> c.scriptingCommands().eval(script, ReturnType.MULTI, 0,
                concat(ascii(dtype), ascii(what), args)));
    }

    private static byte[][] concat(byte[] a, byte[] b, byte[][] rest) {
        byte[][] all = new byte[2 + rest.length][];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    private static byte[] ascii(Object o) {
        return String.valueOf(o).getBytes(StandardCharsets.US_ASCII);
    }
}
