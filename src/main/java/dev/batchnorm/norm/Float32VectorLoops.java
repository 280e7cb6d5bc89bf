package dev.batchnorm.norm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 loops of {@link Float32Loops} on the Vector API, with the plain loops' bits. When rows
 * run along kept axes (the {@code [N..., C]} case), lanes are statistics, so each statistic still sees
 * its elements one at a time in row order. A row that feeds one statistic (channels-first) is summed
 * in the sixteen partial sums of {@link Float32Loops#rowSumPlain}, four 4-lane vectors, reduced in
 * the same order. The forward pass is element-wise and takes any plan. Row tails narrower than a
 * vector run the scalar statements of the same order. Only loaded when {@link Vectorization#ENABLED}.
 */
final class Float32VectorLoops {

    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** As many floats as {@link #DOUBLES} has lanes, so one load widens to one double vector. */
    private static final VectorSpecies<Float> HALF_FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** Rows summed per load and store of the accumulators when every row feeds the same statistics. */
    private static final int ROWS_PER_STEP = 4;
    /** Four lanes of the sixteen partial sums of a row that feeds one statistic. */
    private static final VectorSpecies<Double> FOUR_DOUBLES = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Float> FOUR_FLOATS = FloatVector.SPECIES_128;
    /** Whether rows that feed one statistic are summed here: only where 256-bit vectors are native. */
    static final boolean ROW_SUMS = DOUBLES.vectorBitSize() >= 256;

    private Float32VectorLoops() {
    }

    /** {@link Float32Loops#sum} for a plan whose rows are kept. */
    static void sum(float[] x, ReductionPlan plan, double[] sums) {
        addRows(x, plan, null, sums);
    }

    /** {@link Float32Loops#sumSquaredDeviations} for a plan whose rows are kept. */
    static void sumSquaredDeviations(float[] x, ReductionPlan plan, double[] mean, double[] sums) {
        addRows(x, plan, mean, sums);
    }

    // Adds every row to its statistics: the values themselves when mean is null, else their squared
    // deviations around it (the test is the same for every step, so it costs no misprediction)
    private static void addRows(float[] x, ReductionPlan plan, double[] mean, double[] sums) {
        int rows = plan.rowCount();
        int length = plan.rowLength();
        if (plan.fixedBase() && !plan.rowReduced()) {
            // x - 0 is x, to the bit
            addFixedRows(x, length, 0, rows, mean == null ? new double[length] : mean, mean != null, sums);
            return;
        }
        RowCursor cursor = plan.cursor();
        boolean rowReduced = plan.rowReduced();
        for (int r = 0, i = 0; r < rows; r++, i += length) {
            int base = cursor.base();
            if (rowReduced) {
                sums[base] += mean == null ? rowSum(x, i, length, 0, false) : rowSum(x, i, length, mean[base], true);
            } else if (mean == null) {
                addRow(x, i, length, sums, base);
            } else {
                addRowSquaredDeviations(x, i, length, mean, sums, base);
            }
            cursor.advance();
        }
    }

    /** {@link Float32Loops#rowSumPlain}: partials {@code 4q..4q+3} are the lanes of accumulator q. */
    static double rowSum(float[] x, int i, int length, double center, boolean squared) {
        DoubleVector c = DoubleVector.broadcast(FOUR_DOUBLES, center);
        DoubleVector a0 = DoubleVector.zero(FOUR_DOUBLES);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        int body = length - length % Float32Loops.ROW_PARTIALS;
        int j = 0;
        if (squared) {
            for (; j < body; j += Float32Loops.ROW_PARTIALS) {
                DoubleVector d0 = widenFour(x, i + j).sub(c);
                DoubleVector d1 = widenFour(x, i + j + 4).sub(c);
                DoubleVector d2 = widenFour(x, i + j + 8).sub(c);
                DoubleVector d3 = widenFour(x, i + j + 12).sub(c);
                a0 = a0.add(d0.mul(d0));
                a1 = a1.add(d1.mul(d1));
                a2 = a2.add(d2.mul(d2));
                a3 = a3.add(d3.mul(d3));
            }
        } else {
            for (; j < body; j += Float32Loops.ROW_PARTIALS) {
                a0 = a0.add(widenFour(x, i + j));
                a1 = a1.add(widenFour(x, i + j + 4));
                a2 = a2.add(widenFour(x, i + j + 8));
                a3 = a3.add(widenFour(x, i + j + 12));
            }
        }
        // p[k] += p[k + 8] is a0 + a2 and a1 + a3; p[k] += p[k + 4] adds those two; then 2 lanes apart, then 1
        DoubleVector r = a0.add(a2).add(a1.add(a3));
        double sum = (r.lane(0) + r.lane(2)) + (r.lane(1) + r.lane(3));
        for (; j < length; j++) {
            if (squared) {
                double d = x[i + j] - center;
                sum += d * d;
            } else {
                sum += x[i + j];
            }
        }
        return sum;
    }

    /** {@link Float32Loops#addFixedRows}: rows {@code [from, to)} that all feed statistics {@code 0..length-1}. */
    static void addFixedRows(float[] x, int length, int from, int to, double[] center, boolean squared, double[] sums) {
        int r = from;
        int i = from * length;
        for (; r + ROWS_PER_STEP <= to; r += ROWS_PER_STEP, i += ROWS_PER_STEP * length) {
            if (squared) {
                addFourRowsSquaredDeviations(x, i, length, center, sums);
            } else {
                addFourRowsDeviations(x, i, length, center, sums);
            }
        }
        for (; r < to; r++, i += length) {
            if (squared) {
                addRowSquaredDeviations(x, i, length, center, sums, 0);
            } else {
                addRowDeviations(x, i, length, center, sums);
            }
        }
    }

    /**
     * {@code out = x * scale + shift} (a float multiply, then a float add) for any plan; out may be x.
     *
     * @return false when some output overflowed to an infinity
     */
    static boolean apply(float[] x, ReductionPlan plan, float[] scale, float[] shift, float[] out) {
        RowCursor cursor = plan.cursor();
        int rows = plan.rowCount();
        int length = plan.rowLength();
        boolean rowReduced = plan.rowReduced();
        int bound = FLOATS.loopBound(length);
        // y - y is 0 for a finite y and NaN for an infinity; lane-wise sums of it remember any overflow
        FloatVector poison = FloatVector.zero(FLOATS);
        float tailPoison = 0f;
        for (int r = 0, i = 0; r < rows; r++, i += length) {
            int base = cursor.base();
            int j = 0;
            if (rowReduced) {
                // one statistic for the whole row
                FloatVector a = FloatVector.broadcast(FLOATS, scale[base]);
                FloatVector b = FloatVector.broadcast(FLOATS, shift[base]);
                for (; j < bound; j += FLOATS.length()) {
                    FloatVector y = FloatVector.fromArray(FLOATS, x, i + j).mul(a).add(b);
                    y.intoArray(out, i + j);
                    poison = poison.add(y.sub(y));
                }
                for (; j < length; j++) {
                    float y = x[i + j] * scale[base] + shift[base];
                    out[i + j] = y;
                    tailPoison += y - y;
                }
            } else {
                for (; j < bound; j += FLOATS.length()) {
                    FloatVector a = FloatVector.fromArray(FLOATS, scale, base + j);
                    FloatVector b = FloatVector.fromArray(FLOATS, shift, base + j);
                    FloatVector y = FloatVector.fromArray(FLOATS, x, i + j).mul(a).add(b);
                    y.intoArray(out, i + j);
                    poison = poison.add(y.sub(y));
                }
                for (; j < length; j++) {
                    float y = x[i + j] * scale[base + j] + shift[base + j];
                    out[i + j] = y;
                    tailPoison += y - y;
                }
            }
            cursor.advance();
        }
        return !poison.test(VectorOperators.IS_NAN).anyTrue() && !Float.isNaN(tailPoison);
    }

    private static void addRow(float[] x, int i, int length, double[] sums, int base) {
        int bound = HALF_FLOATS.loopBound(length);
        int j = 0;
        for (; j < bound; j += DOUBLES.length()) {
            DoubleVector.fromArray(DOUBLES, sums, base + j).add(widen(x, i + j)).intoArray(sums, base + j);
        }
        for (; j < length; j++) {
            sums[base + j] += x[i + j];
        }
    }

    /** {@code x - center} of one row that feeds statistics 0..length-1. */
    private static void addRowDeviations(float[] x, int i, int length, double[] center, double[] sums) {
        int bound = HALF_FLOATS.loopBound(length);
        int j = 0;
        for (; j < bound; j += DOUBLES.length()) {
            DoubleVector d = widen(x, i + j).sub(DoubleVector.fromArray(DOUBLES, center, j));
            DoubleVector.fromArray(DOUBLES, sums, j).add(d).intoArray(sums, j);
        }
        for (; j < length; j++) {
            sums[j] += x[i + j] - center[j];
        }
    }

    /** {@code x - center} of four consecutive rows that feed statistics 0..length-1, added in row order. */
    private static void addFourRowsDeviations(float[] x, int i, int length, double[] center, double[] sums) {
        int bound = HALF_FLOATS.loopBound(length);
        int j = 0;
        for (; j < bound; j += DOUBLES.length()) {
            DoubleVector c = DoubleVector.fromArray(DOUBLES, center, j);
            DoubleVector acc = DoubleVector.fromArray(DOUBLES, sums, j);
            acc = acc.add(widen(x, i + j).sub(c));
            acc = acc.add(widen(x, i + length + j).sub(c));
            acc = acc.add(widen(x, i + 2 * length + j).sub(c));
            acc = acc.add(widen(x, i + 3 * length + j).sub(c));
            acc.intoArray(sums, j);
        }
        for (; j < length; j++) {
            double c = center[j];
            double acc = sums[j];
            acc += x[i + j] - c;
            acc += x[i + length + j] - c;
            acc += x[i + 2 * length + j] - c;
            acc += x[i + 3 * length + j] - c;
            sums[j] = acc;
        }
    }

    private static void addRowSquaredDeviations(float[] x, int i, int length, double[] mean, double[] sums, int base) {
        int bound = HALF_FLOATS.loopBound(length);
        int j = 0;
        for (; j < bound; j += DOUBLES.length()) {
            DoubleVector d = widen(x, i + j).sub(DoubleVector.fromArray(DOUBLES, mean, base + j));
            DoubleVector.fromArray(DOUBLES, sums, base + j).add(d.mul(d)).intoArray(sums, base + j);
        }
        for (; j < length; j++) {
            double d = x[i + j] - mean[base + j];
            sums[base + j] += d * d;
        }
    }

    private static void addFourRowsSquaredDeviations(float[] x, int i, int length, double[] mean, double[] sums) {
        int bound = HALF_FLOATS.loopBound(length);
        int j = 0;
        for (; j < bound; j += DOUBLES.length()) {
            DoubleVector m = DoubleVector.fromArray(DOUBLES, mean, j);
            DoubleVector acc = DoubleVector.fromArray(DOUBLES, sums, j);
            // written out: C2 left the loop over the four rows slower by a third
            DoubleVector d0 = widen(x, i + j).sub(m);
            acc = acc.add(d0.mul(d0));
            DoubleVector d1 = widen(x, i + length + j).sub(m);
            acc = acc.add(d1.mul(d1));
            DoubleVector d2 = widen(x, i + 2 * length + j).sub(m);
            acc = acc.add(d2.mul(d2));
            DoubleVector d3 = widen(x, i + 3 * length + j).sub(m);
            acc = acc.add(d3.mul(d3));
            acc.intoArray(sums, j);
        }
        for (; j < length; j++) {
            double m = mean[j];
            double d0 = x[i + j] - m;
            double d1 = x[i + length + j] - m;
            double d2 = x[i + 2 * length + j] - m;
            double d3 = x[i + 3 * length + j] - m;
            double acc = sums[j];
            acc += d0 * d0;
            acc += d1 * d1;
            acc += d2 * d2;
            acc += d3 * d3;
            sums[j] = acc;
        }
    }

    /** Four floats at {@code x[i..]} as doubles (exact). */
    private static DoubleVector widenFour(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(FOUR_FLOATS, x, i).convertShape(VectorOperators.F2D, FOUR_DOUBLES, 0);
    }

    /** The floats at {@code x[i..]} as doubles (exact). */
    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(HALF_FLOATS, x, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }
}
