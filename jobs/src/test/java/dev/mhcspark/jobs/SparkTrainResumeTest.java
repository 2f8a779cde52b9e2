package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.model.dl4j.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Spark run killed (SIGKILL, in a JVM of its own) after a checkpoint and resumed with {@code --resume} ends with
 * the same parameters as the same run trained without interruption.
 */
class SparkTrainResumeTest {
    /** Float32 training; the resumed run repeats the same arithmetic in the same order, so this is generous. */
    private static final double TOLERANCE = 1e-6;
    private static final String[] RUN = {"--steps", "80", "--averaging-frequency", "2", "--checkpoint-every", "8",
            "--eval-every", "40", "--lr", "3e-3", "--warmup", "2"};

    @TempDir
    Path tmp;

    @Test
    void aKilledAndResumedRunReachesTheParametersOfAnUninterruptedOne() throws Exception {
        Path whole = tmp.resolve("whole");
        Cli a = Cli.run(TinyDataset.trainArgs(whole, RUN));
        assertEquals(0, a.exit(), a.out() + a.err());

        Path interrupted = tmp.resolve("interrupted");
        Process child = ChildJvm.start(TinyDataset.trainArgs(interrupted, RUN), tmp.resolve("child.log"), Map.of());
        Path firstCheckpoint = interrupted.resolve("checkpoints/step-000000016");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(firstCheckpoint) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        child.destroyForcibly().waitFor();
        assertTrue(Files.exists(firstCheckpoint), Files.readString(tmp.resolve("child.log")));
        assertFalse(Files.exists(interrupted.resolve("summary.json")), "the child finished before it was killed");

        Cli changed = Cli.run(TinyDataset.trainArgs(interrupted, "--steps", "80", "--averaging-frequency", "2",
                "--checkpoint-every", "8", "--eval-every", "40", "--lr", "1e-3", "--warmup", "2", "--resume"));
        assertEquals(2, changed.exit());
        assertTrue(changed.err().contains("the settings differ from the run's config.json: optimizer"),
                changed.err());

        Cli b = Cli.run(TinyDataset.trainArgs(interrupted, withResume(RUN)));
        assertEquals(0, b.exit(), b.out() + b.err());
        assertTrue(b.out().contains("resuming"), b.out());

        INDArray expected = ModelStore.load(whole.resolve("model")).params();
        INDArray actual = ModelStore.load(interrupted.resolve("model")).params();
        double maxDiff = Math.abs(expected.sub(actual).maxNumber().doubleValue());
        maxDiff = Math.max(maxDiff, Math.abs(expected.sub(actual).minNumber().doubleValue()));
        assertTrue(maxDiff <= TOLERANCE, "max |difference| of the parameters: " + maxDiff);

        // the metrics hold each step once, with the uninterrupted run's values
        Map<String, Double> wholeLoss = lossByStepAndWorker(whole);
        Map<String, Double> resumedLoss = lossByStepAndWorker(interrupted);
        assertEquals(160, wholeLoss.size(), "2 workers x 80 steps");
        assertEquals(wholeLoss.keySet(), resumedLoss.keySet());
        for (var e : wholeLoss.entrySet()) {
            assertEquals(e.getValue(), resumedLoss.get(e.getKey()), TOLERANCE, e.getKey());
        }
        JsonNode summaryA = RunDirectory.JSON.readTree(whole.resolve("summary.json").toFile());
        JsonNode summaryB = RunDirectory.JSON.readTree(interrupted.resolve("summary.json").toFile());
        for (String key : List.of("steps", "tokens", "rounds", "worker_metric_records")) {
            assertEquals(summaryA.get(key), summaryB.get(key), key);
        }
        assertEquals(summaryA.get("final_val_loss").asDouble(), summaryB.get("final_val_loss").asDouble(), 1e-5);

        Cli finished = Cli.run(TinyDataset.trainArgs(interrupted, withResume(RUN)));
        assertEquals(2, finished.exit());
        assertTrue(finished.err().contains("has finished"), finished.err());
    }

    private static String[] withResume(String[] args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--resume");
        return all.toArray(String[]::new);
    }

    private static Map<String, Double> lossByStepAndWorker(Path run) throws Exception {
        Map<String, Double> loss = new HashMap<>();
        for (MetricRecord r : MetricsTable.read(run.resolve("metrics"))) {
            if (r.metric().equals("loss")) {
                assertEquals(null, loss.put(r.step() + "/" + r.worker(), r.value()), "duplicate " + r);
            }
        }
        return loss;
    }
}
