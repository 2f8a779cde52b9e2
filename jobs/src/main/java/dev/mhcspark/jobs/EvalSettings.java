package dev.mhcspark.jobs;

import dev.mhcspark.datasets.eval.ScoreSuite;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an evaluation run is started with; validated at construction. Written into {@code summary.json}.
 *
 * @param model        the run directory of the model (any Hadoop file system)
 * @param data         BBH: the directory of the official layout; DROP: an official-format JSON file
 * @param tasks        BBH tasks to run; empty for all (log-likelihood mode: all with answer options)
 * @param shots        worked examples in each prompt
 * @param limit        at most this many examples per BBH task / DROP questions in all; null for all
 * @param maxNewTokens generation budget per prompt (generation modes)
 * @param batch        prompts per forward pass
 * @param master       a Spark master, or {@code none} for this JVM
 * @param partitions   Spark partitions of the prompts; null for 4 x the default parallelism
 * @param out          the output directory to create (any Hadoop file system)
 */
record EvalSettings(ScoreSuite suite, EvalMode mode, String model, String data, List<String> tasks, int shots,
        Integer limit, int maxNewTokens, int batch, String master, Integer partitions, Map<String, String> conf,
        String out) {
    static final String NO_SPARK = "none";

    EvalSettings {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(model, "--model");
        Objects.requireNonNull(data, "--data");
        Objects.requireNonNull(master, "--master");
        Objects.requireNonNull(out, "--out");
        tasks = List.copyOf(tasks);
        conf = Map.copyOf(conf);
        if (suite == ScoreSuite.DROP && mode != EvalMode.DIRECT) {
            throw new IllegalArgumentException("--mode " + mode.id() + ": only for --suite bbh; DROP answers are "
                    + "generated directly");
        }
        if (suite == ScoreSuite.DROP && !tasks.isEmpty()) {
            throw new IllegalArgumentException("--tasks: only for --suite bbh (DROP has no tasks)");
        }
        if (shots < 0) {
            throw new IllegalArgumentException("--shots: must be >= 0, got " + shots);
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit: must be >= 1, got " + limit);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("--max-new-tokens: must be >= 1, got " + maxNewTokens);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch: must be >= 1, got " + batch);
        }
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--partitions: must be >= 1, got " + partitions);
        }
        if (NO_SPARK.equals(master) && (partitions != null || !conf.isEmpty())) {
            throw new IllegalArgumentException("--partitions and --conf need a Spark --master; --master none runs in "
                    + "this process");
        }
    }

    boolean onSpark() {
        return !NO_SPARK.equals(master);
    }
}
