package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mhc train --master local-cluster[2,1,1536]}: a standalone Spark cluster of two executor JVMs started by the
 * driver (so the model, listeners and batches really cross JVM boundaries), trains a small mHC model to a held-out
 * loss well below ln(257), every worker's metric records reach the driver, and the executors run with the
 * driver's Vector API module.
 */
class LocalClusterTrainTest {
    @TempDir
    Path tmp;

    @Test
    void twoExecutorJvmsTrainAndReportEveryWorkerStep() throws Exception {
        // local-cluster needs SPARK_HOME with a jars/ directory (empty: the executors get the test classpath)
        Path sparkHome = Files.createDirectories(tmp.resolve("spark-home/jars"));
        Path run = tmp.resolve("run");
        String[] args = {"train", "--data", TinyDataset.get().toString(), "--run", run.toString(),
                "--master", "local-cluster[2,1,1536]", "--workers", "2", "--averaging-frequency", "8",
                "--metrics-every", "4", "--epochs", "1", "--connection", "mhc", "--d-model", "32", "--heads", "2",
                "--blocks", "2", "--batch", "8", "--lr", "1e-2", "--warmup", "10", "--eval-every", "1000",
                "--conf", "spark.executor.extraClassPath=" + ChildJvm.classpath(),
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1"};
        Path log = tmp.resolve("driver.log");
        Process driver = ChildJvm.start(args, log, Map.of("SPARK_HOME", sparkHome.getParent().toString(),
                "SPARK_SCALA_VERSION", "2.12"));
        assertTrue(driver.waitFor(8, TimeUnit.MINUTES), "the driver did not finish in 8 minutes");
        String out = Files.readString(log);
        assertEquals(0, driver.exitValue(), out);
        assertTrue(out.contains("on Spark (local-cluster[2,1,1536])"), out);

        JsonNode summary = RunDirectory.JSON.readTree(run.resolve("summary.json").toFile());
        double val = summary.get("final_val_loss").asDouble();
        assertTrue(val < 3.4, "held-out loss " + val + " is not well below ln(257) = 5.55");
        long steps = summary.get("steps").asLong();
        List<MetricRecord> loss = MetricsTable.read(run.resolve("metrics")).stream()
                .filter(r -> r.metric().equals("loss")).toList();
        assertEquals(2 * steps / 4, loss.size(), "workers x steps / k");
        assertEquals(List.of(0, 1), loss.stream().map(MetricRecord::worker).distinct().sorted().toList());

        // the executor JVMs got the Vector API module the driver runs with (each JVM that has it says so on start)
        List<Path> executorLogs;
        try (var files = Files.walk(sparkHome.getParent().resolve("work"))) {
            executorLogs = files.filter(f -> f.getFileName().toString().equals("stderr")).toList();
        }
        assertEquals(2, executorLogs.size(), "executor logs under SPARK_HOME/work: " + executorLogs);
        for (Path executorLog : executorLogs) {
            assertTrue(Files.readString(executorLog).contains("Using incubator modules: jdk.incubator.vector"),
                    executorLog + " shows no Vector API module");
        }
    }
}
