package dev.mhcspark.jobs;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A console line every few seconds while prompts run: examples done, tokens, throughput and ETA. On Spark the
 * counters are accumulators, which reach the driver as each task (partition) finishes.
 */
final class EvalProgress implements AutoCloseable {
    static final long PERIOD_MILLIS = 10_000;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "eval-progress");
        t.setDaemon(true);
        return t;
    });

    EvalProgress(long total, LongSupplier done, LongSupplier tokens, String unit, PrintStream out) {
        long started = System.nanoTime();
        timer.scheduleAtFixedRate(() -> {
            double seconds = (System.nanoTime() - started) / 1e9;
            long d = done.getAsLong();
            String eta = d == 0 ? "?" : duration((total - d) * seconds / d);
            out.printf(Locale.ROOT, "eval: %,d/%,d examples (%.0f%%), %,d %s, %,.0f tok/s, elapsed %s, ETA %s%n", d,
                    total, 100.0 * d / Math.max(1, total), tokens.getAsLong(), unit, tokens.getAsLong() / seconds,
                    duration(seconds), eta);
        }, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
