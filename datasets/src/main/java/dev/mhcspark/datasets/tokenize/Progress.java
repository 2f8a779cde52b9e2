package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * A console line every few seconds while a Spark pass runs: input read, documents, tokens, throughput and
 * ETA. Executors report through accumulators, which reach the driver as each task (partition) finishes.
 */
final class Progress implements AutoCloseable {
    /** The accumulators tasks add to; serialisable so closures can carry them. */
    record Counters(LongAccumulator inputBytes, LongAccumulator documents, LongAccumulator tokens)
            implements Serializable {
        static Counters register(JavaSparkContext sc, String label) {
            return new Counters(sc.sc().longAccumulator(label + ".input_bytes"),
                    sc.sc().longAccumulator(label + ".documents"), sc.sc().longAccumulator(label + ".tokens"));
        }
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });

    private Progress(String label, long totalBytes, Counters counters, Consumer<String> console, long periodMillis) {
        long started = System.nanoTime();
        timer.scheduleAtFixedRate(() -> {
            double seconds = (System.nanoTime() - started) / 1e9;
            long bytes = counters.inputBytes().value();
            double rate = bytes / seconds;
            String eta = bytes == 0 ? "?" : duration((totalBytes - bytes) / rate);
            console.accept(String.format(Locale.ROOT, "%s: %s / %s (%.0f%%), %,d documents, %,d tokens, %.2f MB/s, "
                            + "%,.0f tokens/s, elapsed %s, ETA %s", label, bytes(bytes), bytes(totalBytes),
                    100.0 * bytes / Math.max(1, totalBytes), counters.documents().value(), counters.tokens().value(),
                    rate / 1e6, counters.tokens().value() / seconds, duration(seconds), eta));
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    static Progress start(String label, long totalBytes, Counters counters, Consumer<String> console,
                          long periodMillis) {
        return new Progress(label, totalBytes, counters, console, periodMillis);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    static String bytes(long bytes) {
        return bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KB", bytes / 1e3)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
