package dev.mhcspark.model.dl4j;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Learning rate: linear warmup from 0 to {@code peak} over {@code warmup} iterations, then cosine decay to
 * {@code minFraction * peak} at {@code total} iterations (constant after). Written here because DL4J's
 * RampSchedule cannot be read back from a saved model.
 */
public final class WarmupCosineSchedule implements ISchedule {
    private final double peak;
    private final int warmup;
    private final int total;
    private final double minFraction;

    public WarmupCosineSchedule(@JsonProperty("peak") double peak, @JsonProperty("warmup") int warmup,
                                @JsonProperty("total") int total, @JsonProperty("minFraction") double minFraction) {
        this.peak = peak;
        this.warmup = warmup;
        this.total = total;
        this.minFraction = minFraction;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmup) {
            return peak * (iteration + 1) / warmup;
        }
        double progress = Math.min(1.0, (iteration - warmup) / (double) Math.max(1, total - warmup));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (minFraction + (1 - minFraction) * cosine);
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(peak, warmup, total, minFraction);
    }

    // bean accessors for DL4J's (shaded) Jackson
    public double getPeak() {
        return peak;
    }

    public int getWarmup() {
        return warmup;
    }

    public int getTotal() {
        return total;
    }

    public double getMinFraction() {
        return minFraction;
    }
}
