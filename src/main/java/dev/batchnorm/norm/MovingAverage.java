package dev.batchnorm.norm;

import java.util.Arrays;

/**
 * The moving-average update of Sonnet v1 ({@code assign_moving_average}, no zero-debiasing):
 * {@code v <- v - (v - value) * (1 - decay)}, every operation rounded to the variable's dtype.
 */
public final class MovingAverage {

    private MovingAverage() {
    }

    /**
     * The update rate {@code 1 - decay}, computed in double and then rounded to the dtype, as
     * TensorFlow converts it (decay 0.999 gives exactly {@code 0.001f} in float32).
     */
    public static double rate(double decay, DType dtype) {
        return dtype.round(1.0 - decay);
    }

    /**
     * One step {@code variable <- variable - (variable - value) * rate}, in place, element by element,
     * with each of the three operations rounded to {@code dtype}. All inputs must already be exact in
     * the dtype. The variable is left untouched when the step throws.
     *
     * @param rate from {@link #rate}
     * @throws IllegalArgumentException when the arrays differ in length
     * @throws NonFiniteResultException when a step overflows the dtype (only possible near its largest values)
     */
    public static void update(double[] variable, double[] value, double rate, DType dtype) {
        if (variable.length != value.length) {
            throw new IllegalArgumentException("variable has " + variable.length + " values but the update has "
                    + value.length);
        }
        switch (dtype) {
            case FLOAT32 -> updateFloat32(variable, value, (float) rate);
            case FLOAT64 -> updateFloat64(variable, value, rate);
        }
    }

    private static void updateFloat32(double[] variable, double[] value, float rate) {
        // check every step first, so an overflow leaves the variable as it was
        float poison = 0f;
        for (int i = 0; i < variable.length; i++) {
            float next = step((float) variable[i], (float) value[i], rate);
            poison += next - next;
        }
        if (Float.isNaN(poison)) {
            throw new NonFiniteResultException("moving average update overflows float32");
        }
        for (int i = 0; i < variable.length; i++) {
            variable[i] = step((float) variable[i], (float) value[i], rate);
        }
    }

    private static void updateFloat64(double[] variable, double[] value, double rate) {
        double poison = 0;
        for (int i = 0; i < variable.length; i++) {
            double next = step(variable[i], value[i], rate);
            poison += next - next;
        }
        if (Double.isNaN(poison)) {
            throw new NonFiniteResultException("moving average update overflows float64");
        }
        for (int i = 0; i < variable.length; i++) {
            variable[i] = step(variable[i], value[i], rate);
        }
    }

    /** {@code v - (v - value) * rate}: subtract, multiply, subtract, each rounded to float32. */
    private static float step(float v, float value, float rate) {
        return v - (v - value) * rate;
    }

    /** The same step in float64. */
    private static double step(double v, double value, double rate) {
        return v - (v - value) * rate;
    }

    /**
     * {@code values} stretched to {@code size} entries: a single value is repeated, a full array is copied.
     *
     * @throws IllegalArgumentException when {@code values} has neither 1 nor {@code size} entries, or size is below 1
     */
    public static double[] broadcast(double[] values, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, got " + size);
        }
        if (values.length == size) {
            return values.clone();
        }
        if (values.length != 1) {
            throw new IllegalArgumentException("expected 1 or " + size + " values, got " + values.length);
        }
        double[] filled = new double[size];
        Arrays.fill(filled, values[0]);
        return filled;
    }
}
