package dev.batchnorm.api.json;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * A few large arrays kept between requests, so that a large request does not allocate its body
 * buffer and scratch space anew each time. At most {@code slots} arrays of at most
 * {@code maxLength} elements are kept; beyond that, arrays are allocated and left to the
 * collector as usual. Thread-safe and lock-free. An array taken must not be used after it is given back.
 */
public final class ArrayRecycler<A> {

    /** Request bodies: four buffers of up to 16 MiB. */
    public static final ArrayRecycler<byte[]> BYTES = new ArrayRecycler<>(byte[]::new, a -> a.length, 4, 16 << 20);
    /** Scratch values of float32 tensors whose size is not known in advance. */
    static final ArrayRecycler<float[]> FLOATS = new ArrayRecycler<>(float[]::new, a -> a.length, 4, 4 << 20);
    /** Scratch values of float64 tensors whose size is not known in advance. */
    static final ArrayRecycler<double[]> DOUBLES = new ArrayRecycler<>(double[]::new, a -> a.length, 4, 2 << 20);

    private final IntFunction<A> allocate;
    private final ToIntFunction<A> length;
    private final AtomicReferenceArray<A> slots;
    private final int maxLength;

    ArrayRecycler(IntFunction<A> allocate, ToIntFunction<A> length, int slots, int maxLength) {
        this.allocate = allocate;
        this.length = length;
        this.slots = new AtomicReferenceArray<>(slots);
        this.maxLength = maxLength;
    }

    /** A kept array of at least {@code minLength} elements (any contents), or a new one of exactly that length. */
    public A take(int minLength) {
        for (int i = 0; i < slots.length(); i++) {
            A a = slots.get(i);
            if (a != null && length.applyAsInt(a) >= minLength && slots.compareAndSet(i, a, null)) {
                return a;
            }
        }
        return allocate.apply(minLength);
    }

    /** Keeps {@code array} for a later {@link #take}, in place of a smaller one if every slot is full. */
    public void give(A array) {
        int n = length.applyAsInt(array);
        if (n > maxLength) {
            return;
        }
        int smallest = -1;
        int smallestLength = n;
        for (int i = 0; i < slots.length(); i++) {
            A a = slots.get(i);
            if (a == null) {
                if (slots.compareAndSet(i, null, array)) {
                    return;
                }
            } else if (length.applyAsInt(a) < smallestLength) {
                smallest = i;
                smallestLength = length.applyAsInt(a);
            }
        }
        if (smallest >= 0) {
            A a = slots.get(smallest);
            if (a != null && length.applyAsInt(a) < n) {
                slots.compareAndSet(smallest, a, array);
            }
        }
    }
}
