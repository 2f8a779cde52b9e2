package dev.mhcspark.datasets.io;

import java.io.UncheckedIOException;

/**
 * Spark reports a failed task as a (checked, sneakily thrown) {@code SparkException} wrapping the executor's
 * exception several levels deep. Users should see our own message ("file:line: what was expected"), so jobs
 * rethrow the innermost error of ours.
 */
public final class JobFailures {
    private JobFailures() {
    }

    /** The innermost {@link IllegalArgumentException} or {@link UncheckedIOException} in the chain, else {@code e}. */
    public static RuntimeException userFacing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof UncheckedIOException) {
                return (RuntimeException) t;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
}
