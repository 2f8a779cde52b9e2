package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.model.ModelConfig;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mhc submit --master yarn --deploy-mode cluster} against an in-process YARN (MiniYARNCluster) and HDFS
 * (MiniDFSCluster): the real spark-submit, a real ApplicationMaster and executor in YARN containers (separate JVMs,
 * launched by the NodeManager), input and output on hdfs://. The tests build on each other, in order: tokenize a
 * corpus on HDFS, train a small mHC model on that dataset (DL4J parameter averaging, 2 workers in the executor, the
 * driver in the ApplicationMaster) into a run directory on HDFS, then evaluate that model from HDFS with the eval
 * output written to HDFS. About 3-4 minutes on 2 cores.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnSubmitTest {
    private static final String CORPUS = "/corpora/shakespeare";
    private static final String DATASET = "/datasets/shakespeare";
    private static final String RUN = "/runs/mhc-yarn";
    private static final String EVAL = "/evals/mhc-yarn-bbh-loglik";
    private static final int WORKERS = 2;
    private static final int STEPS = 32;
    private static final int METRICS_EVERY = 2;
    /** The byte tokenizer's 256 bytes + end of document: ln(257) is the loss of a uniform guess. */
    private static final int BYTE_VOCAB = 257;

    @TempDir
    static Path tmp;
    static MiniDFSCluster hdfs;
    static MiniYARNCluster yarn;
    static Path hadoopConfDir;
    static String hdfsRoot;
    static boolean tokenized;
    static boolean trained;

    @BeforeAll
    static void startClusters() throws Exception {
        Configuration dfsConf = new Configuration();
        dfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(dfsConf).numDataNodes(1).build();
        hdfs.waitActive();
        hdfsRoot = "hdfs://localhost:" + hdfs.getNameNodePort();

        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", hdfsRoot); // Spark's staging directory (the uploaded application jar) on HDFS
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        conf.setInt(YarnConfiguration.NM_PMEM_MB, 4096);
        conf.setInt(YarnConfiguration.NM_VCORES, 4);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        // a nearly full disk must not mark the only NodeManager unhealthy
        conf.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 100f);
        yarn = new MiniYARNCluster("mhc-yarn-submit", 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        // start() may return before the ResourceManager has put its real port into the configuration
        Configuration running = yarn.getConfig();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (running.get(YarnConfiguration.RM_ADDRESS).endsWith(":0") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        hadoopConfDir = Files.createDirectories(tmp.resolve("hadoop-conf"));
        for (String file : List.of("core-site.xml", "yarn-site.xml")) {
            try (OutputStream out = new FileOutputStream(hadoopConfDir.resolve(file).toFile())) {
                running.writeXml(out);
            }
        }
    }

    @AfterAll
    static void stopClusters() {
        if (yarn != null) {
            yarn.stop();
        }
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    @Test
    @Order(1)
    void tokenizeRunsInClusterModeWithHdfsInputAndOutput() throws Exception {
        FileSystem fs = hdfs.getFileSystem();
        String text = Files.readString(Checkout.HOME.resolve("data/corpora/tinyshakespeare.txt"));
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(CORPUS + "/part1.txt"))) {
            out.write(text.substring(0, 150_000).getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(CORPUS + "/part2.txt"))) {
            out.write(text.substring(150_000, 300_000).getBytes(StandardCharsets.UTF_8));
        }
        // the shipped sizes (4g + 7g executors) do not fit a 4 GB test NodeManager; tokenize needs no off-heap memory
        List<String> sizes = List.of("spark.driver.memory=512m", "spark.driver.memoryOverhead=384m",
                "spark.driver.cores=1", "spark.executor.memory=512m", "spark.executor.memoryOverhead=384m",
                "spark.executor.instances=1", "spark.executor.cores=2");
        submit("tokenize", sizes, "--input", hdfsRoot + CORPUS, "--output", hdfsRoot + DATASET,
                "--tokenizer", "byte", "--seq-len", "64", "--doc-split", "blank-line", "--val-fraction", "0.1",
                "--shards", "2");

        DatasetManifest manifest = DatasetManifest.read(hdfsRoot + DATASET, fs.getConf());
        assertEquals("byte", manifest.tokenizer().spec());
        assertEquals(BYTE_VOCAB, manifest.tokenizer().vocabSize());
        for (String split : List.of("train", "val")) {
            FileStatus[] shards = fs.globStatus(new org.apache.hadoop.fs.Path(DATASET + "/" + split
                    + "/part-*.parquet"));
            assertEquals(manifest.split(split).shards().size(), shards.length, split);
            assertTrue(shards.length >= 1 && shards.length <= 2, split + ": " + shards.length + " shards");
            for (FileStatus shard : shards) {
                assertTrue(shard.getLen() > 0, shard.getPath().toString());
            }
        }
        // 300,000 bytes of text (+ end-of-document tokens) in rows of 65 tokens: about 4,600 rows in all
        long rows = manifest.split("train").sequences() + manifest.split("val").sequences();
        assertTrue(rows > 4000 && rows < 5000, "sequences in the manifest: " + rows);
        tokenized = true;
    }

    /**
     * A short real training run submitted in cluster mode: the driver (parameter averaging, validation, the run
     * directory) in the ApplicationMaster's container, both workers as tasks of one 2-core executor, reading the
     * dataset from and writing the run to HDFS. {@code train} is given no {@code --master}: it takes spark-submit's.
     */
    @Test
    @Order(2)
    void trainRunsInClusterModeAndWritesItsRunDirectoryToHdfs() throws Exception {
        assumeTrue(tokenized, "needs the dataset of the tokenize test");
        // DL4J keeps parameters, gradients, Adam state and activations off-heap (JavaCPP), so each container is heap
        // + overhead with the overhead above JavaCPP's cap, as in the shipped files, only smaller: driver
        // 768m + 512m (cap 256M), executor 1g + 768m (cap 512M); 1280 + 1792 MB of the NodeManager's 4096.
        Map<String, String> shipped = SubmitDefaults.read(
                Checkout.HOME.resolve("cluster/conf/yarn/spark-defaults.conf"), Checkout.HOME);
        List<String> sizes = List.of("spark.driver.memory=768m", "spark.driver.memoryOverhead=512m",
                "spark.driver.cores=1", "spark.executor.memory=1g", "spark.executor.memoryOverhead=768m",
                "spark.executor.instances=1", "spark.executor.cores=" + WORKERS,
                "spark.driver.extraJavaOptions=" + javaCppLimits(shipped.get("spark.driver.extraJavaOptions"),
                        "256M", "1200M"),
                "spark.executor.extraJavaOptions=" + javaCppLimits(shipped.get("spark.executor.extraJavaOptions"),
                        "512M", "1700M"));
        submit("train", sizes, "--data", hdfsRoot + DATASET, "--run", hdfsRoot + RUN, "--workers",
                Integer.toString(WORKERS), "--connection", "mhc", "--d-model", "32", "--heads", "2", "--blocks", "2",
                "--seq-len", "64", "--batch", "8", "--steps", Integer.toString(STEPS), "--averaging-frequency", "4",
                "--metrics-every", Integer.toString(METRICS_EVERY), "--checkpoint-every", "8", "--eval-every", "16",
                "--eval-batches", "2", "--lr", "1e-2", "--warmup", "4");

        FileSystem fs = hdfs.getFileSystem();
        JsonNode summary = readJson(fs, RUN + "/summary.json");
        assertEquals("mhc", summary.get("connection").asText());
        assertEquals(STEPS, summary.get("steps").asInt(), summary.toString());
        assertEquals(STEPS / 4, summary.get("rounds").asInt());
        assertEquals(WORKERS, summary.get("workers").asInt());
        assertFalse(summary.get("diverged").asBoolean(), summary.toString());
        double initial = summary.get("initial_loss").asDouble();
        double last = summary.get("final_loss").asDouble();
        assertTrue(Double.isFinite(last) && last < Math.log(BYTE_VOCAB), "final loss " + last
                + " is not below ln(257) = 5.55");
        assertTrue(last < initial - 1, "loss " + initial + " -> " + last + ": did not learn");
        assertTrue(Double.isFinite(summary.get("final_val_loss").asDouble()), summary.toString());

        JsonNode config = readJson(fs, RUN + "/config.json");
        assertEquals(hdfsRoot + DATASET, config.get("data").asText());
        assertEquals("yarn", config.get("master").asText(), "the master spark-submit set");
        assertEquals(WORKERS, config.get("workers").asInt());

        ModelConfig model = ModelConfig.fromJson(readText(fs, RUN + "/model/config.json"));
        assertEquals(BYTE_VOCAB, model.vocabSize());
        assertEquals(32, model.dModel());
        assertEquals(2, model.blocks());
        assertEquals(64, model.contextLength());
        assertEquals("mhc", model.connection().id());
        assertTrue(fs.getFileStatus(new org.apache.hadoop.fs.Path(RUN + "/model/model.zip")).getLen() > 0);

        // checkpoints every 8 steps, the newest two kept; each complete
        List<String> checkpoints = names(fs, RUN + "/checkpoints");
        assertEquals(List.of("step-000000024", "step-000000032"), checkpoints);
        for (String checkpoint : checkpoints) {
            assertEquals(List.of("config.json", "model.zip", "state.json"), names(fs, RUN + "/checkpoints/"
                    + checkpoint));
        }
        JsonNode state = readJson(fs, RUN + "/checkpoints/step-000000032/state.json");
        assertEquals(STEPS, state.get("step").asInt());

        // metrics/: every worker step divisible by --metrics-every reaches the driver, i.e. workers x steps / k
        // loss records (SparkTrainer's contract, as on local[2] in SparkTrainCommandTest)
        List<String> metricFiles = names(fs, RUN + "/metrics");
        assertTrue(metricFiles.stream().allMatch(n -> n.matches("part-\\d+-steps-\\d+-\\d+\\.parquet")),
                "only finished metric files: " + metricFiles);
        List<MetricRecord> metrics = readMetrics(fs, RUN + "/metrics");
        List<MetricRecord> loss = metrics.stream().filter(r -> r.metric().equals("loss")).toList();
        assertEquals(WORKERS * STEPS / METRICS_EVERY, loss.size(), "workers x steps / metrics-every");
        Map<Integer, List<Long>> perWorker = loss.stream().collect(Collectors.groupingBy(MetricRecord::worker,
                TreeMap::new, Collectors.mapping(MetricRecord::step, Collectors.toList())));
        List<Long> expectedSteps = LongStream.rangeClosed(1, STEPS).filter(x -> x % METRICS_EVERY == 0).boxed()
                .toList();
        assertEquals(List.of(0, 1), List.copyOf(perWorker.keySet()));
        for (List<Long> steps : perWorker.values()) {
            assertEquals(expectedSteps, steps.stream().sorted().toList());
        }
        assertTrue(loss.stream().allMatch(r -> Double.isFinite(r.value())), "finite worker losses");
        // the driver validates at step 0, at every --eval-every and at the end
        List<MetricRecord> val = metrics.stream().filter(r -> r.metric().equals("val_loss")).toList();
        assertEquals(List.of(0L, 16L, 32L), val.stream().map(MetricRecord::step).sorted().toList());
        assertTrue(val.stream().allMatch(r -> r.worker() == MetricRecord.DRIVER));
        assertEquals(summary.get("final_val_loss").asDouble(), val.stream().filter(r -> r.step() == STEPS)
                .findFirst().orElseThrow().value(), 1e-9);
        trained = true;
    }

    /**
     * {@code mhc eval} (here in this JVM, {@code --master none}: the Spark path is tested in the jobs module) reads
     * the model the YARN job trained from its HDFS run directory and writes its output to HDFS, atomically;
     * {@code eval compare} reads it back from there.
     */
    @Test
    @Order(3)
    void evalReadsTheYarnTrainedModelFromHdfsAndWritesItsOutputToHdfs() throws Exception {
        assumeTrue(trained, "needs the run of the train test");
        String bbh = Checkout.HOME.resolve("../shared/data/bbh").normalize().toString();
        String[] args = {"eval", "--model", hdfsRoot + RUN, "--suite", "bbh", "--data", bbh, "--tasks",
                "navigate,snarks", "--mode", "loglik", "--limit", "3", "--master", "none", "--out",
                hdfsRoot + EVAL};
        long start = System.nanoTime();
        Checkout.Result result = Checkout.mhc(args);
        System.out.printf(Locale.ROOT, "YarnSubmitTest: eval (model and output on HDFS) in %.1f s%n",
                (System.nanoTime() - start) / 1e9);
        assertEquals(0, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains("done: bbh loglik on mhc-yarn, 6 examples"), result.out());

        FileSystem fs = hdfs.getFileSystem();
        JsonNode summary = readJson(fs, EVAL + "/summary.json");
        assertEquals(hdfsRoot + RUN, summary.get("model_run").asText());
        assertEquals("mhc-yarn", summary.get("run_label").asText());
        assertEquals("mhc", summary.get("connection").asText());
        assertEquals("loglik", summary.get("mode").asText());
        assertEquals(6, summary.get("examples").asInt());
        assertEquals(64, summary.get("context_length").asInt());
        double exact = summary.get("micro").get("exact_match").asDouble();
        assertTrue(exact >= 0 && exact <= 1, summary.toString());

        assertEquals(List.of("examples", "summary.json"), names(fs, EVAL));
        List<String> ids = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
                new org.apache.hadoop.fs.Path(hdfsRoot + EVAL + "/examples/" + ExamplesParquet.FILE))
                .withConf(fs.getConf()).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                ids.add(g.getString("prompt_id", 0));
                Group logProbs = g.getGroup("option_logprob", 0);
                for (int i = 0; i < logProbs.getFieldRepetitionCount("list"); i++) {
                    double p = logProbs.getGroup("list", i).getDouble("element", 0);
                    assertTrue(Double.isFinite(p) && p < 0, "log-probability " + p);
                }
            }
        }
        assertEquals(List.of("navigate/0", "navigate/1", "navigate/2", "snarks/0", "snarks/1", "snarks/2"),
                ids.stream().sorted().toList());
        // written under a hidden name and renamed: nothing else is left beside it
        assertEquals(List.of("mhc-yarn-bbh-loglik"), names(fs, "/evals"));
        assertTrue(Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path("/evals")))
                .noneMatch(s -> s.getPath().getName().startsWith(".")));

        Checkout.Result again = Checkout.mhc(args);
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("--out " + hdfsRoot + EVAL + ": already exists"), again.err());

        Checkout.Result table = Checkout.mhc("eval", "compare", hdfsRoot + EVAL);
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("| benchmark | mhc-yarn (mhc) |"), table.out());
    }

    /** {@code mhc submit --master yarn --deploy-mode cluster <job> ...}; asserts it ends FINISHED/SUCCEEDED. */
    private static void submit(String job, List<String> sizes, String... jobArgs) throws Exception {
        String javaHome = System.getProperty("java.home");
        List<String> args = new ArrayList<>(List.of("submit", "--master", "yarn", "--deploy-mode", "cluster",
                "--hadoop-conf-dir", hadoopConfDir.toString(),
                // one machine: the NodeManager reads the jars where Maven put them instead of 1 GB of uploads
                "--jars-on-nodes",
                "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1"));
        for (String setting : sizes) {
            args.add("--conf");
            args.add(setting);
        }
        args.add(job);
        args.addAll(List.of(jobArgs));
        long start = System.nanoTime();
        Checkout.Result result = Checkout.mhc(args.toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, result.exitCode(), () -> "spark-submit exit code; stderr: " + result.err()
                + "\ncontainer errors:\n" + containerErrors());

        ApplicationReport report = application("mhc " + job);
        System.out.printf(Locale.ROOT, "YarnSubmitTest: %s submit to FINISHED in %.1f s (YARN: %.1f s from "
                + "submission to finish)%n", job, seconds, (report.getFinishTime() - report.getStartTime()) / 1e3);
        assertEquals(YarnApplicationState.FINISHED, report.getYarnApplicationState(), report::getDiagnostics);
        assertEquals(FinalApplicationStatus.SUCCEEDED, report.getFinalApplicationStatus(), report::getDiagnostics);
    }

    /** The shipped JVM options with JavaCPP's caps made to fit a test container; fails if the shipped ones moved. */
    private static String javaCppLimits(String shipped, String maxBytes, String maxPhysicalBytes) {
        assertTrue(shipped.contains("-Dorg.bytedeco.javacpp.maxbytes=")
                && shipped.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes="), shipped);
        return shipped.replaceAll("-Dorg\\.bytedeco\\.javacpp\\.maxbytes=\\S+",
                        "-Dorg.bytedeco.javacpp.maxbytes=" + maxBytes)
                .replaceAll("-Dorg\\.bytedeco\\.javacpp\\.maxphysicalbytes=\\S+",
                        "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + maxPhysicalBytes);
    }

    private static String readText(FileSystem fs, String file) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode readJson(FileSystem fs, String file) throws IOException {
        return RunDirectory.JSON.readTree(readText(fs, file));
    }

    /** The names in a directory, sorted. */
    private static List<String> names(FileSystem fs, String dir) throws IOException {
        return Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(dir))).map(s -> s.getPath().getName())
                .sorted().toList();
    }

    /** A run's {@code metrics/} read with parquet-mr straight from HDFS: an independent check of what was written. */
    private static List<MetricRecord> readMetrics(FileSystem fs, String dir) throws IOException {
        List<MetricRecord> rows = new ArrayList<>();
        for (FileStatus file : fs.listStatus(new org.apache.hadoop.fs.Path(dir))) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file.getPath())
                    .withConf(fs.getConf()).build()) {
                for (Group g = reader.read(); g != null; g = reader.read()) {
                    assertEquals("mhc-yarn", g.getString("run_id", 0));
                    String layer = g.getFieldRepetitionCount("layer") == 0 ? null : g.getString("layer", 0);
                    rows.add(new MetricRecord(g.getLong("step", 0), g.getInteger("worker", 0),
                            g.getString("metric", 0), layer, g.getDouble("value", 0)));
                }
            }
        }
        return rows;
    }

    /** The first error lines of every container's stderr (MiniYARNCluster keeps them under target/test/data). */
    private static String containerErrors() {
        StringBuilder errors = new StringBuilder();
        try (java.util.stream.Stream<Path> files = Files.walk(Path.of("target/test/data"))) {
            for (Path log : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                errors.append("== ").append(log).append('\n');
                Files.readAllLines(log).stream().filter(l -> l.contains("ERROR") || l.contains("Exception"))
                        .limit(10).forEach(l -> errors.append(l).append('\n'));
            }
        } catch (IOException e) {
            errors.append(e);
        }
        return errors.toString();
    }

    /** The one application of that name (the class submits several, so none is assumed to be the only one). */
    private static ApplicationReport application(String name) throws Exception {
        YarnClient client = YarnClient.createYarnClient();
        client.init(yarn.getConfig());
        client.start();
        try {
            List<ApplicationReport> apps = client.getApplications();
            List<ApplicationReport> named = apps.stream().filter(a -> a.getName().equals(name)).toList();
            assertEquals(1, named.size(), name + " among " + apps);
            return named.get(0);
        } finally {
            client.stop();
        }
    }
}
