package dev.mhcspark.jobs;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.CollectionAccumulator;

/**
 * A console line every few seconds while one {@code fit()} epoch runs on Spark: the newest step whose worker
 * records reached the driver (they arrive as each averaging round's tasks finish), its mean loss, tokens/s and
 * ETA of the epoch. Without it an epoch is one silent blocking call.
 */
final class RoundProgress implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "train-progress");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param firstStep the step count before this epoch
     * @param lastStep the step count this epoch ends at
     * @param tokensPerStep tokens of one step on all workers
     */
    RoundProgress(CollectionAccumulator<MetricRecord> sink, long firstStep, long lastStep, long tokensPerStep,
                  PrintStream out, long periodMillis) {
        long started = System.nanoTime();
        timer.scheduleAtFixedRate(() -> {
            List<MetricRecord> seen = sink.value();
            long step = seen.stream().filter(r -> r.metric().equals("loss")).mapToLong(MetricRecord::step).max()
                    .orElse(firstStep);
            if (step <= firstStep) {
                return;
            }
            double loss = seen.stream().filter(r -> r.metric().equals("loss") && r.step() == step)
                    .mapToDouble(MetricRecord::value).average().orElse(Double.NaN);
            double seconds = (System.nanoTime() - started) / 1e9;
            double stepsPerSecond = (step - firstStep) / seconds;
            out.printf("step %6d/%d  loss %.4f  %,.0f tok/s  ETA %s%n", step, lastStep, loss,
                    stepsPerSecond * tokensPerStep, duration((lastStep - step) / stepsPerSecond));
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d", s / 60, s % 60);
    }
}
