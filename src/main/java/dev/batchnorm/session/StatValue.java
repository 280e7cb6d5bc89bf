package dev.batchnorm.session;

import java.util.Arrays;

/**
 * The value of one variable, or of an initializer: {@code shape} {@code []} is a scalar (one value,
 * broadcast when the statistics' shape is fixed), {@code [k]} a flat list of the non-reduced size,
 * and a rank >= 2 shape the statistics' shape itself. Values are exact in the session's dtype.
 */
public record StatValue(int[] shape, double[] data) {

    public StatValue {
        shape = shape.clone();
        data = data.clone();
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("data length does not match shape");
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public double[] data() {
        return data.clone();
    }

    public int size() {
        return data.length;
    }

    public double get(int i) {
        return data[i];
    }

    public static StatValue scalar(double value) {
        return new StatValue(new int[0], new double[] {value});
    }

    public int rank() {
        return shape.length;
    }

    public boolean isScalar() {
        return shape.length == 0;
    }

    /** This value laid out in {@code statsShape}: a scalar is broadcast, a flat list must fit. */
    public StatValue fitTo(int[] statsShape, int statsSize) {
        if (Arrays.equals(shape, statsShape)) {
            return this;
        }
        if (isScalar()) {
            double[] filled = new double[statsSize];
            Arrays.fill(filled, data[0]);
            return new StatValue(statsShape, filled);
        }
        if (shape.length == 1 && data.length == statsSize) {
            return new StatValue(statsShape, data);
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatValue v && Arrays.equals(shape, v.shape) && Arrays.equals(data, v.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "StatValue" + Arrays.toString(shape);
    }
}
