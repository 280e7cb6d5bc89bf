package dev.batchnorm.api.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * JSON number strings that are hard to convert exactly: edge values of both dtypes, powers of
 * ten, 9- and 17-digit renderings, exact halfway points between adjacent floats and doubles
 * (and the nearest decimals either side), subnormals, long integers and random decimals.
 */
final class DecimalStrings {

    private final Random random;
    private final Set<String> out = new LinkedHashSet<>();

    private DecimalStrings(long seed) {
        this.random = new Random(seed);
    }

    /** At least {@code count} distinct strings, the same ones for the same seed. */
    static Set<String> generate(long seed, int count) {
        DecimalStrings g = new DecimalStrings(seed);
        g.edgeValues();
        g.powersOfTen();
        while (g.out.size() < count) {
            g.randomRenderings();
            g.halfwayCases();
            g.integers();
            g.randomDecimal();
        }
        return g.out;
    }

    private void edgeValues() {
        for (String s : new String[] {"0", "-0", "0.0", "-0.0", "0e0", "-0E-5", "0e999", "1", "-1", "0.1", "0.2", "0.3",
                "1e39", "-1e39", "1e400", "-1e400", "1e-46", "1e-50", "1e-400", "3.4028235e38", "3.4028236e38",
                "1.7976931348623157e308", "1.7976931348623159e308", "2.2250738585072014E-308", "4.9e-324", "2.4e-324",
                "16777216", "16777217", "16777218", "16777219", "9007199254740992", "9007199254740993",
                "9007199254740995", "18446744073709551615", "123456789012345678901234567890"}) {
            add(s);
        }
        for (float f : new float[] {Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, Math.nextDown(Float.MIN_NORMAL), 1f, Math.nextUp(1f)}) {
            addFloat(f);
            addHalfway(new BigDecimal(f), new BigDecimal(f).subtract(new BigDecimal(Math.ulp(f))), new BigDecimal(Math.ulp(f)));
        }
        for (double d : new double[] {Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, Math.nextDown(Double.MIN_NORMAL), 1, Math.nextUp(1.0)}) {
            addDouble(d);
            addHalfway(new BigDecimal(d), new BigDecimal(d).subtract(new BigDecimal(Math.ulp(d))), new BigDecimal(Math.ulp(d)));
        }
        // above the largest float/double by half an ulp: the overflow threshold itself
        addHalfway(new BigDecimal(Float.MAX_VALUE), new BigDecimal(Float.MAX_VALUE).add(new BigDecimal(Math.ulp(Float.MAX_VALUE))), new BigDecimal(Math.ulp(Float.MAX_VALUE)));
        addHalfway(new BigDecimal(Double.MAX_VALUE), new BigDecimal(Double.MAX_VALUE).add(new BigDecimal(Math.ulp(Double.MAX_VALUE))), new BigDecimal(Math.ulp(Double.MAX_VALUE)));
    }

    private void powersOfTen() {
        for (int e = -350; e <= 330; e++) {
            add("1e" + e);
            add("-1E" + e);
            add("5e" + e);
        }
        for (int k = 0; k <= 45; k++) {
            add("1" + "0".repeat(k));
            add("0." + "0".repeat(k) + "1");
        }
    }

    private void randomRenderings() {
        float f = randomFloat();
        addFloat(f);
        add(String.format(Locale.ROOT, "%.8e", f));   // 9 significant digits
        add(String.format(Locale.ROOT, "%.7e", f));
        add(new BigDecimal(f).toString());            // the exact value, all of its digits
        double d = randomDouble();
        addDouble(d);
        add(String.format(Locale.ROOT, "%.16e", d));  // 17 significant digits
        add(String.format(Locale.ROOT, "%.15e", d));
    }

    private void halfwayCases() {
        float f = Math.abs(randomFloat());
        if (f < Float.MAX_VALUE) {
            addHalfway(new BigDecimal(f), new BigDecimal(Math.nextUp(f)), new BigDecimal(Math.ulp(f)));
        }
        float sub = Float.intBitsToFloat(random.nextInt(0x800000));
        addHalfway(new BigDecimal(sub), new BigDecimal(Math.nextUp(sub)), new BigDecimal(Float.MIN_VALUE));
        double d = Math.abs(randomDouble());
        if (d < Double.MAX_VALUE) {
            addHalfway(new BigDecimal(d), new BigDecimal(Math.nextUp(d)), new BigDecimal(Math.ulp(d)));
        }
        double dsub = Double.longBitsToDouble(random.nextLong() & 0xFFFFFFFFFFFFFL);
        addHalfway(new BigDecimal(dsub), new BigDecimal(Math.nextUp(dsub)), new BigDecimal(Double.MIN_VALUE));
    }

    // The exact midpoint of two neighbours, and the midpoint nudged by a tiny fraction of an ulp.
    private void addHalfway(BigDecimal a, BigDecimal b, BigDecimal ulp) {
        BigDecimal mid = a.add(b).divide(BigDecimal.TWO);
        BigDecimal nudge = ulp.multiply(new BigDecimal(Math.scalb(1.0, -30)));
        for (BigDecimal v : new BigDecimal[] {mid, mid.add(nudge), mid.subtract(nudge)}) {
            add(v.toString());
            add(v.negate().toString());
        }
    }

    private void integers() {
        add(Long.toString(random.nextLong()));
        add(Long.toString((1L << 24) + random.nextInt(1 << 24)));
        add(Long.toString((1L << 53) + (random.nextLong() & ((1L << 53) - 1))));
        add(Long.toString(-((1L << 62) + (random.nextLong() & ((1L << 62) - 1)))));
        add(new BigInteger(64 + random.nextInt(70), random).toString());
    }

    private void randomDecimal() {
        int digits = 1 + random.nextInt(25);
        StringBuilder sb = new StringBuilder();
        if (random.nextBoolean()) {
            sb.append('-');
        }
        sb.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < digits; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        if (digits > 1 && random.nextBoolean()) {
            sb.insert(sb.length() - random.nextInt(digits - 1) - 1, '.');
        }
        int exponent = random.nextInt(700) - 360;
        if (random.nextInt(3) > 0) {
            exponent = random.nextInt(100) - 60;
        }
        sb.append(random.nextBoolean() ? 'e' : 'E').append(exponent);
        add(sb.toString());
    }

    private float randomFloat() {
        float f;
        do {
            f = Float.intBitsToFloat(random.nextInt());
        } while (!Float.isFinite(f));
        return f;
    }

    private double randomDouble() {
        double d;
        do {
            d = Double.longBitsToDouble(random.nextLong());
        } while (!Double.isFinite(d));
        return d;
    }

    private void addFloat(float f) {
        add(Float.toString(f));
        add(Float.toString(-f));
    }

    private void addDouble(double d) {
        add(Double.toString(d));
        add(Double.toString(-d));
    }

    private void add(String s) {
        out.add(s);
    }
}
