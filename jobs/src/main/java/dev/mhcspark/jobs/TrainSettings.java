package dev.mhcspark.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.OptimizerSettings;

/**
 * Everything a training run was started with; written to the run directory as {@code train.json}.
 *
 * @param data         the text corpus (byte-level tokens), or "synthetic"
 * @param batch        sequences per step, &ge; 1
 * @param logEvery     steps between console lines, &ge; 1
 * @param evalEvery    steps between validation passes, &ge; 1
 * @param evalBatches  validation batches per pass, &ge; 1
 * @param probeEvery   steps between stability probes, &ge; 1
 * @param valFraction  tail of the token stream held out for validation, in (0, 1)
 */
public record TrainSettings(
        @JsonProperty("model") ModelConfig model,
        @JsonProperty("optimizer") OptimizerSettings optimizer,
        @JsonProperty("data") String data,
        @JsonProperty("batch") int batch,
        @JsonProperty("seed") long seed,
        @JsonProperty("data_type") String dataType,
        @JsonProperty("log_every") int logEvery,
        @JsonProperty("eval_every") int evalEvery,
        @JsonProperty("eval_batches") int evalBatches,
        @JsonProperty("probe_every") int probeEvery,
        @JsonProperty("val_fraction") double valFraction) {
    public TrainSettings {
        positive("batch", batch);
        positive("log-every", logEvery);
        positive("eval-every", evalEvery);
        positive("eval-batches", evalBatches);
        positive("probe-every", probeEvery);
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("val-fraction: must be in (0, 1), got " + valFraction);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + ": must be >= 1, got " + v);
        }
    }
}
