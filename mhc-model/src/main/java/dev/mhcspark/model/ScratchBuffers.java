package dev.mhcspark.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Large work arrays of the connections, reused from pass to pass by name. The DL4J layer keeps one instance for
 * its lifetime and rewires a fresh {@link Transformer} on every forward pass (its parameter views may have been
 * replaced); without this, every pass allocated ~80 MB of arrays per mHC sublayer, and the G1 cycles that
 * followed slowed the connections' parallel loops 2-5x at random. Used by one thread at a time.
 */
public final class ScratchBuffers {
    private final Map<String, double[]> arrays = new HashMap<>();

    /** An array of {@code length} elements, the same one as last time for this name and length; contents undefined. */
    double[] get(String name, int length) {
        double[] a = arrays.get(name);
        if (a == null || a.length != length) {
            a = new double[length];
            arrays.put(name, a);
        }
        return a;
    }

    /** {@link #get}, filled with zeros. */
    double[] zeroed(String name, int length) {
        double[] a = get(name, length);
        Arrays.fill(a, 0);
        return a;
    }
}
