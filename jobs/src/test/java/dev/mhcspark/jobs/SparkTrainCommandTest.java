package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.model.dl4j.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mhc train --master local[2]}: DL4J parameter averaging on Spark over a tokenized dataset (the first
 * 100 KB of the bundled corpus, byte tokens, T = 32), real training, metrics from both workers on the driver.
 */
class SparkTrainCommandTest {
    @TempDir
    static Path tmp;

    private static Path dataset;

    @BeforeAll
    static void tokenize() throws Exception {
        Path corpus = tmp.resolve("corpus.txt");
        byte[] all = Files.readAllBytes(Path.of("..", "data", "corpora", "tinyshakespeare.txt"));
        Files.write(corpus, java.util.Arrays.copyOf(all, 100_000));
        dataset = tmp.resolve("dataset");
        Cli cli = Cli.run("tokenize", "--input", corpus.toString(), "--output", dataset.toString(), "--tokenizer",
                "byte", "--seq-len", "32", "--doc-split", "blank-line", "--val-fraction", "0.1", "--shards", "2",
                "--master", "local[2]");
        assertEquals(0, cli.exit(), cli.err());
    }

    @Test
    void twoWorkersTrainATinyModelAndEveryWorkerStepReachesTheDriver() throws Exception {
        Path run = tmp.resolve("run");
        Cli cli = Cli.run("train", "--data", dataset.toString(), "--run", run.toString(), "--master", "local[2]",
                "--workers", "2", "--averaging-frequency", "8", "--metrics-every", "2", "--epochs", "1",
                "--connection", "mhc", "--d-model", "32", "--heads", "2", "--blocks", "2", "--batch", "8",
                "--lr", "1e-2", "--warmup", "10", "--eval-batches", "8", "--eval-every", "1000");
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        System.err.println(cli.out());
        assertTrue(cli.out().contains("done: mhc on Spark, 2 workers"), cli.out());

        // DL4J cuts an epoch into rounds of workers x K = 2 x 8 minibatches; only whole rounds are trained
        DatasetManifest manifest = DatasetManifest.read(dataset.toString(), new Configuration());
        long rounds = manifest.split("train").sequences() / 8 / (2 * 8);
        long stepsPerWorker = rounds * 8;
        JsonNode summary = RunDirectory.JSON.readTree(run.resolve("summary.json").toFile());
        double val = summary.get("final_val_loss").asDouble();
        assertTrue(val < 3.4, "held-out loss " + val + " is not well below ln(257) = 5.55");
        assertTrue(summary.get("initial_loss").asDouble() > 5.0, summary.toString());
        assertEquals(2, summary.get("workers").asInt());
        assertEquals(8, summary.get("averaging_frequency").asInt());
        assertEquals(rounds * 2 * 8 * 8 * 32, summary.get("tokens").asLong());
        // the driver's iteration count advances by K per averaging round
        assertEquals(stepsPerWorker, summary.get("steps").asLong());
        ModelStore.load(run.resolve("model"));
        assertTrue(Files.exists(run.resolve("config.json")));

        SparkSession spark = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            var metrics = spark.read().parquet(run.resolve("metrics").toString());
            assertEquals("run_id:string,step:bigint,worker:int,metric:string,layer:string,value:double",
                    java.util.Arrays.stream(metrics.schema().fields())
                            .map(f -> f.name() + ":" + f.dataType().simpleString()).collect(Collectors.joining(",")));
            // Every worker fits exactly K = 8 minibatches per round, numbered on from the driver's count, so each
            // worker's steps are 1 .. rounds x 8; with --metrics-every 2 it records the even ones:
            // workers x steps per worker / k = 2 x (rounds x 8) / 2 loss records.
            List<Row> loss = metrics.where("metric = 'loss'").collectAsList();
            assertEquals(2 * stepsPerWorker / 2, loss.size());
            Map<Integer, List<Long>> perWorker = loss.stream().collect(Collectors.groupingBy(r -> r.getInt(2),
                    java.util.TreeMap::new, Collectors.mapping(r -> r.getLong(1), Collectors.toList())));
            List<Long> even = java.util.stream.LongStream.rangeClosed(1, stepsPerWorker).filter(x -> x % 2 == 0)
                    .boxed().toList();
            assertEquals(List.of(0, 1), List.copyOf(perWorker.keySet()), perWorker.toString());
            for (List<Long> steps : perWorker.values()) {
                assertEquals(even, steps.stream().sorted().toList());
            }
            assertTrue(loss.stream().allMatch(r -> r.isNullAt(4) && r.getString(0).equals("run")
                    && Double.isFinite(r.getDouble(5))));
            assertEquals(loss.size(), metrics.where("metric = 'lr'").count());
            // driver rows (worker -1): validation loss and probes at step 0 and after the epoch
            List<Row> valRows = metrics.where("metric = 'val_loss' AND worker = -1").orderBy("step").collectAsList();
            assertEquals(2, valRows.size());
            assertEquals(val, valRows.get(1).getDouble(5), 1e-9);
            assertEquals(stepsPerWorker, valRows.get(1).getLong(1));
            assertEquals(2 * 4, metrics.where("metric = 'composite_gain_forward' AND worker = -1").count(),
                    "4 sublayers x 2 validations");
            // every worker record step carries the step's probe: 4 sublayers per record step
            assertEquals(4 * loss.size(), metrics.where("metric = 'composite_gain_forward' AND worker >= 0").count());
            for (String metric : List.of("grad_norm", "update_norm", "max_composite_gain_forward")) {
                assertEquals(loss.size(), metrics.where("metric = '" + metric + "' AND worker >= 0").count(), metric);
            }
            assertFalse(metrics.where("metric = 'composite_gain_forward' AND layer IS NULL").count() > 0);
        } finally {
            spark.stop();
        }
    }

    @Test
    void badInputIsRefusedBeforeTraining() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-a-dataset"));
        assertError("not a tokenized dataset (no manifest.json)", "--data", empty.toString());
        assertError("--seq-len 128 is larger than the dataset's sequences", "--data", dataset.toString(),
                "--seq-len", "128");
        assertError("--master none trains on a text file", "--data", dataset.toString(), "--master", "none");
        // a manifest whose train split holds no sequences
        Path emptyTrain = Files.createDirectories(tmp.resolve("empty-train"));
        var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) RunDirectory.JSON.readTree(
                dataset.resolve(DatasetManifest.FILE_NAME).toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("splits").get("train")).put("sequences", 0);
        RunDirectory.JSON.writeValue(emptyTrain.resolve(DatasetManifest.FILE_NAME).toFile(), manifest);
        assertError("train/ holds no sequences", "--data", emptyTrain.toString());
        // a damaged shard: a copy of the dataset whose second train shard is cut short
        Path damaged = tmp.resolve("damaged");
        try (var files = Files.walk(dataset)) {
            for (Path f : files.toList()) {
                Files.copy(f, damaged.resolve(dataset.relativize(f).toString()));
            }
        }
        Path shard = damaged.resolve("train/part-00001.parquet");
        Files.write(shard, java.util.Arrays.copyOf(Files.readAllBytes(shard), 100));
        assertError("train/part-00001.parquet: not a readable Parquet shard", "--data", damaged.toString());
        assertFalse(Files.exists(tmp.resolve("never")), "no run directory for a refused run");
    }

    private static void assertError(String expected, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--run";
        all[args.length + 2] = tmp.resolve("never").toString();
        boolean hasMaster = java.util.Arrays.asList(args).contains("--master");
        all[args.length + 3] = hasMaster ? "--d-model" : "--master";
        all[args.length + 4] = hasMaster ? "32" : "local[2]";
        Cli cli = Cli.run(all);
        assertEquals(2, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().contains(expected), "expected '" + expected + "' in: " + cli.err());
    }
}
