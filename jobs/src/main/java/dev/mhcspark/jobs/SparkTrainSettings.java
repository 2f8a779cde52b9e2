package dev.mhcspark.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.OptimizerSettings;
import java.util.Map;

/**
 * Everything a distributed (Spark parameter averaging) run was started with; written as {@code train.json}.
 *
 * @param data               the tokenized dataset directory
 * @param batch              sequences per minibatch (per worker per step), &ge; 1
 * @param epochs             passes over {@code train/}, &ge; 1
 * @param workers            Spark partitions training at once (DL4J workers), &ge; 1
 * @param averagingFrequency minibatches each worker fits between parameter averagings, &ge; 1
 * @param metricsEvery       worker steps between metric records, &ge; 1
 * @param evalBatches        validation batches (the first sequences of {@code val/}), &ge; 1
 * @param batchesPerEpoch    minibatches trained per epoch: the full batches of {@code train/} rounded down to a
 *                           multiple of workers x K (so every averaging round is complete; the rest is dropped)
 * @param stepsPerEpoch      driver iteration count per epoch: averaging rounds x averaging frequency
 */
record SparkTrainSettings(
        @JsonProperty("model") ModelConfig model,
        @JsonProperty("optimizer") OptimizerSettings optimizer,
        @JsonProperty("data") String data,
        @JsonProperty("data_manifest_sha256") String manifestSha256,
        @JsonProperty("master") String master,
        @JsonProperty("spark_conf") Map<String, String> sparkConf,
        @JsonProperty("batch") int batch,
        @JsonProperty("seed") long seed,
        @JsonProperty("data_type") String dataType,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("workers") int workers,
        @JsonProperty("averaging_frequency") int averagingFrequency,
        @JsonProperty("metrics_every") int metricsEvery,
        @JsonProperty("eval_batches") int evalBatches,
        @JsonProperty("batches_per_epoch") long batchesPerEpoch,
        @JsonProperty("steps_per_epoch") int stepsPerEpoch) {
    SparkTrainSettings {
        positive("batch", batch);
        positive("epochs", epochs);
        positive("workers", workers);
        positive("averaging-frequency", averagingFrequency);
        positive("metrics-every", metricsEvery);
        positive("eval-batches", evalBatches);
    }

    /** Averaging rounds per epoch: floor(full batches / (workers x K)); 0 if there is not one round of data. */
    static long roundsPerEpoch(long fullBatches, int workers, int averagingFrequency) {
        return fullBatches / ((long) workers * averagingFrequency);
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + ": must be >= 1, got " + v);
        }
    }
}
