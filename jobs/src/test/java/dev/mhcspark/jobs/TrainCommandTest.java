package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.ModelStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code mhc train} end to end, in process: a 4-block model on the bundled corpus (byte-level tokens, vocab
 * 256) must bring the held-out loss well below ln(256) = 5.55 nats within a few hundred steps.
 */
class TrainCommandTest {
    private static final Path CORPUS = Path.of("..", "data", "corpora", "tinyshakespeare.txt");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"residual", "hc", "mhc"})
    void fourBlockModelLearnsTheBundledCorpus(String connection) throws Exception {
        Path run = tmp.resolve(connection);
        int exit = Main.commandLine().execute("train", "--data", CORPUS.toString(), "--run", run.toString(),
                "--connection", connection, "--d-model", "64", "--heads", "4", "--blocks", "4", "--seq-len", "64",
                "--batch", "16", "--steps", "250", "--lr", "3e-3", "--warmup", "20", "--eval-every", "125",
                "--probe-every", "50", "--log-every", "50");
        assertEquals(0, exit);
        JsonNode summary = RunDirectory.JSON.readTree(run.resolve("summary.json").toFile());
        double val = summary.get("final_val_loss").asDouble();
        assertTrue(val < 3.0, connection + ": held-out loss " + val + " is not well below ln(256) = 5.55");
        assertTrue(summary.get("final_loss").asDouble() < summary.get("initial_loss").asDouble() - 2);
        assertEquals(250, summary.get("steps").asInt());
        assertEquals(250L * 16 * 64, summary.get("tokens").asLong());
        if (connection.equals("mhc")) {
            assertTrue(summary.get("max_composite_gain_forward").asDouble() <= 1 + 1e-4);
            assertTrue(summary.get("max_composite_gain_backward").asDouble() < 1.1);
        }
        // every step logged, probes present, the model reloads with the config it was trained with
        List<MetricRecord> metrics = MetricsTable.read(run.resolve("metrics"));
        assertEquals(250, count(metrics, "loss", 0), "one loss record per step");
        assertEquals(250, count(metrics, "grad_norm", 0));
        assertEquals(5, count(metrics, "max_composite_gain_forward", 0), "a training-batch probe every 50 steps");
        assertEquals(3, count(metrics, "val_loss", MetricRecord.DRIVER), "validation at 0, 125 and 250");
        assertEquals(val, metrics.stream().filter(r -> r.metric().equals("val_loss") && r.step() == 250)
                .findFirst().orElseThrow().value(), 1e-12);
        ModelConfig config = ModelStore.readConfig(run.resolve("model"));
        assertEquals(connection, config.connection().id());
        ModelStore.load(run.resolve("model"), config);
        assertTrue(Files.exists(run.resolve("config.json")));
    }

    private static long count(List<MetricRecord> rows, String metric, int worker) {
        return rows.stream().filter(r -> r.metric().equals(metric) && r.worker() == worker).count();
    }

    @Test
    void badSettingsFailWithTheSettingNamed() {
        assertError("heads: 5 does not divide d_model 64", "--d-model", "64", "--heads", "5");
        assertError("--master yarn: only 'none'", "--master", "yarn");
        assertError("connection: unknown value 'hyper'", "--connection", "hyper");
        assertError("--data /no/such/file.txt: no such file", "--data", "/no/such/file.txt");
        assertError("streams: must be >= 1, got 0", "--streams", "0", "--synthetic");
        assertError("steps: must exceed warmup (30), got 10", "--steps", "10", "--synthetic");
    }

    @Test
    void refusesToOverwriteARun() throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "x");
        assertError("already holds files", "--synthetic", "--run", tmp.toString(), "--steps", "40",
                "--d-model", "16", "--heads", "2", "--blocks", "1", "--seq-len", "8");
        assertTrue(Files.exists(tmp.resolve("keep.txt")));
    }

    private void assertError(String expected, String... trainArgs) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        String[] args = new String[trainArgs.length + 3];
        args[0] = "train";
        System.arraycopy(trainArgs, 0, args, 1, trainArgs.length);
        args[args.length - 2] = "--run";
        args[args.length - 1] = tmp.resolve("never").toString();
        if (java.util.Arrays.asList(trainArgs).contains("--run")) {
            args = java.util.Arrays.copyOf(args, args.length - 2);
        }
        int exit = cl.execute(args);
        assertEquals(2, exit, err.toString());
        assertTrue(err.toString().contains(expected), "expected '" + expected + "' in: " + err);
    }
}
