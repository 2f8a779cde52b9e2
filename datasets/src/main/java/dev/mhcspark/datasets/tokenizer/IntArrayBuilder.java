package dev.mhcspark.datasets.tokenizer;

import java.util.Arrays;

/** A growable {@code int[]}: token ids without boxing. Not thread-safe; one per call. */
final class IntArrayBuilder {
    private int[] values;
    private int size;

    IntArrayBuilder(int initialCapacity) {
        values = new int[Math.max(initialCapacity, 8)];
    }

    void add(int value) {
        if (size == values.length) {
            grow(size + 1);
        }
        values[size++] = value;
    }

    void addAll(int[] more) {
        if (size + more.length > values.length) {
            grow(size + more.length);
        }
        System.arraycopy(more, 0, values, size, more.length);
        size += more.length;
    }

    int size() {
        return size;
    }

    int get(int index) {
        return values[index];
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }

    private void grow(int minCapacity) {
        long doubled = 2L * values.length;
        int capacity = (int) Math.min(Math.max(doubled, minCapacity), Integer.MAX_VALUE - 8);
        if (capacity < minCapacity) {
            throw new IllegalStateException("more than " + capacity + " token ids in one array");
        }
        values = Arrays.copyOf(values, capacity);
    }
}
