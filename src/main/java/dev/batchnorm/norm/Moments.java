package dev.batchnorm.norm;

import java.util.Arrays;
import java.util.Objects;

/**
 * Batch statistics, one value per statistic ({@link ReductionPlan#statsSize()} each, row-major over
 * {@link ReductionPlan#statsShape()}), already rounded to the input's dtype. The arrays are not
 * copied: the record is a carrier between kernels, and whoever stores it copies.
 *
 * @param mean the per-statistic mean
 * @param variance the per-statistic biased variance (divided by n)
 */
public record Moments(double[] mean, double[] variance) {

    /** @throws IllegalArgumentException when the arrays differ in length */
    public Moments {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(variance, "variance");
        if (mean.length != variance.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " values but variance has " + variance.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Moments m && Arrays.equals(mean, m.mean) && Arrays.equals(variance, m.variance);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(variance);
    }

    @Override
    public String toString() {
        return "Moments[mean=" + Arrays.toString(mean) + ", variance=" + Arrays.toString(variance) + "]";
    }
}
