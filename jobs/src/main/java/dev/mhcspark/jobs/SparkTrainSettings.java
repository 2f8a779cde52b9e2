package dev.mhcspark.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.OptimizerSettings;
import java.util.Map;
import java.util.Set;

/**
 * Everything a distributed (Spark parameter averaging) run was started with; written as {@code config.json}.
 * A round is one averaging round: every worker fits {@code averagingFrequency} minibatches, then the driver
 * averages; the run's step count (the driver's iteration count) advances by {@code averagingFrequency} per round.
 *
 * @param data               the tokenized dataset directory
 * @param codeVersion        git commit of the code (or the jar's version) that started the run
 * @param batch              sequences per minibatch (per worker per step), &ge; 1
 * @param workers            Spark partitions training at once (DL4J workers), &ge; 1
 * @param averagingFrequency minibatches each worker fits between parameter averagings (K), &ge; 1
 * @param metricsEvery       worker steps between metric records, &ge; 1
 * @param evalEvery          steps between validation passes on the driver, &ge; 1
 * @param evalBatches        validation batches (the first sequences of {@code val/}), &ge; 1
 * @param checkpointEvery    steps between checkpoints, &ge; 1
 * @param roundsPerEpoch     whole averaging rounds in {@code train/}: floor(full batches / (workers x K)) &ge; 1
 * @param rounds             rounds of the run, &ge; 1; round g trains epoch g / roundsPerEpoch
 * @param guard              what counts as divergence and what to do about it
 */
record SparkTrainSettings(
        @JsonProperty("model") ModelConfig model,
        @JsonProperty("optimizer") OptimizerSettings optimizer,
        @JsonProperty("data") String data,
        @JsonProperty("data_manifest_sha256") String manifestSha256,
        @JsonProperty("code_version") String codeVersion,
        @JsonProperty("master") String master,
        @JsonProperty("spark_conf") Map<String, String> sparkConf,
        @JsonProperty("batch") int batch,
        @JsonProperty("seed") long seed,
        @JsonProperty("data_type") String dataType,
        @JsonProperty("workers") int workers,
        @JsonProperty("averaging_frequency") int averagingFrequency,
        @JsonProperty("metrics_every") int metricsEvery,
        @JsonProperty("eval_every") int evalEvery,
        @JsonProperty("eval_batches") int evalBatches,
        @JsonProperty("checkpoint_every") int checkpointEvery,
        @JsonProperty("rounds_per_epoch") long roundsPerEpoch,
        @JsonProperty("rounds") long rounds,
        @JsonProperty("divergence") DivergenceGuard.Settings guard) {
    /** Settings that may differ between a run and its resumption: where it runs, not what it computes. */
    static final Set<String> RESUMABLE_CHANGES = Set.of("master", "spark_conf", "code_version");

    SparkTrainSettings {
        positive("batch", batch);
        positive("workers", workers);
        positive("averaging-frequency", averagingFrequency);
        positive("metrics-every", metricsEvery);
        positive("eval-every", evalEvery);
        positive("eval-batches", evalBatches);
        positive("checkpoint-every", checkpointEvery);
        positive("rounds per epoch", roundsPerEpoch);
        positive("rounds", rounds);
        if (optimizer.totalSteps() != rounds * averagingFrequency) {
            throw new IllegalArgumentException("the optimizer's schedule (" + optimizer.totalSteps() + " steps) must "
                    + "span the run's " + rounds + " rounds x " + averagingFrequency + " steps");
        }
    }

    /** Minibatches one round trains: one per worker per step. */
    long batchesPerRound() {
        return (long) workers * averagingFrequency;
    }

    /** Minibatches trained per epoch (the rest of {@code train/}'s full batches is never used). */
    long batchesPerEpoch() {
        return roundsPerEpoch * batchesPerRound();
    }

    /** Steps (driver iterations) of the whole run. */
    long steps() {
        return rounds * averagingFrequency;
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
