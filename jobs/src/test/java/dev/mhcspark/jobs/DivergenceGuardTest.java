package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.model.dl4j.ModelStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class DivergenceGuardTest {
    private static final DivergenceGuard.Settings SETTINGS =
            new DivergenceGuard.Settings(DivergenceGuard.Action.STOP, 2.0, 100);

    @TempDir
    Path tmp;

    private static MetricRecord loss(long step, int worker, double value) {
        return new MetricRecord(step, worker, "loss", null, value);
    }

    @Test
    void theMovingAverageIsAnExponentialAverageOfTheStepMeans() {
        DivergenceGuard guard = new DivergenceGuard(SETTINGS, Double.NaN);
        // step means 4.0 and 3.0: average 4.0, then 0.9 * 4.0 + 0.1 * 3.0 = 3.9
        assertEquals(List.of(), guard.check(List.of(loss(1, 0, 5), loss(1, 1, 3), loss(2, 0, 3), loss(2, 1, 3))));
        assertEquals(3.9, guard.lossAverage(), 1e-12);
    }

    @Test
    void aSpikeOverTheFactorOfTheAverageIsAnEventAndLeavesTheAverageAlone() {
        DivergenceGuard guard = new DivergenceGuard(SETTINGS, 3.0);
        assertEquals(List.of(), guard.check(List.of(loss(5, 0, 5.9), loss(5, 1, 6.0))), "5.95 <= 2 x 3");
        double average = guard.lossAverage();
        assertEquals(0.9 * 3.0 + 0.1 * 5.95, average, 1e-12);
        // 7.5 > 2 x 3.295
        List<MetricRecord> events = guard.check(List.of(loss(6, 0, 7), loss(6, 1, 8)));
        assertEquals(List.of(new MetricRecord(6, MetricRecord.DRIVER, "event_loss_spike", null, 7.5)), events);
        assertEquals(average, guard.lossAverage(), 0.0);
    }

    @Test
    void nonFiniteLossesAndLargeOrNonFiniteGainsAreEvents() {
        DivergenceGuard guard = new DivergenceGuard(SETTINGS, 3.0);
        List<MetricRecord> events = guard.check(List.of(loss(7, 0, 3), loss(7, 1, Double.NaN),
                new MetricRecord(7, 0, "max_composite_gain_forward", null, 150),
                new MetricRecord(7, 1, "max_composite_gain_backward", null, Double.POSITIVE_INFINITY),
                new MetricRecord(7, 0, "max_composite_gain_backward", null, 99)));
        assertEquals(List.of(new MetricRecord(7, 1, "event_nonfinite_loss", null, Double.NaN),
                new MetricRecord(7, 0, "event_gain_threshold", null, 150),
                new MetricRecord(7, 1, "event_gain_threshold", null, Double.POSITIVE_INFINITY)), events);
    }

    @Test
    void settingsAreValidated() {
        assertTrue(assertThrows("--spike-factor: must be > 1",
                () -> new DivergenceGuard.Settings(DivergenceGuard.Action.SKIP, 1.0, 10)));
        assertTrue(assertThrows("--on-divergence: expected stop, skip or continue, got halt",
                () -> DivergenceGuard.Action.parse("halt")));
    }

    /** An exploding learning rate drives the loss to NaN: the run stops with the last good parameters. */
    @Test
    void aNonFiniteLossStopsTheRunWithTheLastGoodParameters() throws Exception {
        Path run = tmp.resolve("nan");
        Cli cli = Cli.run(TinyDataset.trainArgs(run, "--steps", "40", "--averaging-frequency", "2",
                "--lr", "1e30", "--warmup", "0", "--grad-clip", "0"));
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.out().contains("divergence: non-finite loss"), cli.out());
        assertTrue(cli.out().contains("stopped (diverged)"), cli.out());
        JsonNode summary = RunDirectory.JSON.readTree(run.resolve("summary.json").toFile());
        assertTrue(summary.get("diverged").asBoolean());
        List<MetricRecord> metrics = MetricsTable.read(run.resolve("metrics"));
        MetricRecord event = metrics.stream().filter(r -> r.metric().equals("event_nonfinite_loss")).findFirst()
                .orElseThrow();
        long good = summary.get("steps").asLong();
        assertTrue(good < event.step(), "stopped at the last good step " + good + ", before the event " + event);
        INDArray params = ModelStore.load(run.resolve("model")).params();
        assertTrue(Double.isFinite(params.sumNumber().doubleValue()), "the saved parameters are the good ones");
        assertTrue(java.nio.file.Files.exists(run.resolve(String.format("checkpoints/step-%09d", good))));
    }

    /** A learning rate far too high makes the loss jump; with skip, the bad rounds are undone and the run ends. */
    @Test
    void aLossSpikeIsRecordedAndSkipped() throws Exception {
        Path run = tmp.resolve("spike");
        Cli cli = Cli.run(TinyDataset.trainArgs(run, "--steps", "40", "--averaging-frequency", "2",
                "--lr", "3", "--warmup", "0", "--on-divergence", "skip"));
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        System.err.println(cli.out());
        List<MetricRecord> metrics = MetricsTable.read(run.resolve("metrics"));
        assertTrue(metrics.stream().anyMatch(r -> r.metric().equals("event_loss_spike")), cli.out());
        JsonNode summary = RunDirectory.JSON.readTree(run.resolve("summary.json").toFile());
        assertFalse(summary.get("diverged").asBoolean());
        assertEquals(40, summary.get("steps").asLong(), "skipped rounds still advance the schedule");
        assertTrue(summary.get("divergence_events").asLong() > 0);
        assertTrue(Double.isFinite(summary.get("final_val_loss").asDouble()));
    }

    private static boolean assertThrows(String message, org.junit.jupiter.api.function.Executable body) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                body);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        return true;
    }
}
