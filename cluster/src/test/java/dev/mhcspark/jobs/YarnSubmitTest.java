package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.DatasetManifest;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mhc submit --master yarn --deploy-mode cluster tokenize ...} against an in-process YARN (MiniYARNCluster) and
 * HDFS (MiniDFSCluster): the real spark-submit, a real ApplicationMaster and executor in YARN containers (separate
 * JVMs, launched by the NodeManager), input and output on hdfs://. About 40 s of CPU.
 */
class YarnSubmitTest {
    @TempDir
    static Path tmp;
    static MiniDFSCluster hdfs;
    static MiniYARNCluster yarn;
    static Path hadoopConfDir;
    static String hdfsRoot;

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
    void tokenizeRunsInClusterModeWithHdfsInputAndOutput() throws Exception {
        FileSystem fs = hdfs.getFileSystem();
        String text = Files.readString(Checkout.HOME.resolve("data/corpora/tinyshakespeare.txt"));
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/corpora/shakespeare/part1.txt"))) {
            out.write(text.substring(0, 150_000).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/corpora/shakespeare/part2.txt"))) {
            out.write(text.substring(150_000, 300_000).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String javaHome = System.getProperty("java.home");
        List<String> args = new ArrayList<>(List.of("submit", "--master", "yarn", "--deploy-mode", "cluster",
                "--hadoop-conf-dir", hadoopConfDir.toString(),
                // one machine: the NodeManager reads the jars where Maven put them instead of 1 GB of uploads
                "--jars-on-nodes",
                // the shipped sizes (4g + 7g executors) do not fit a 4 GB test NodeManager
                "--conf", "spark.driver.memory=512m", "--conf", "spark.driver.memoryOverhead=384m",
                "--conf", "spark.driver.cores=1",
                "--conf", "spark.executor.memory=512m", "--conf", "spark.executor.memoryOverhead=384m",
                "--conf", "spark.executor.instances=1", "--conf", "spark.executor.cores=2",
                "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                "tokenize", "--input", hdfsRoot + "/corpora/shakespeare", "--output", hdfsRoot + "/datasets/shakespeare",
                "--tokenizer", "byte", "--seq-len", "64", "--doc-split", "blank-line", "--val-fraction", "0.1",
                "--shards", "2"));
        long start = System.nanoTime();
        Checkout.Result result = Checkout.mhc(args.toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("YarnSubmitTest: submit to FINISHED in %.1f s%n", seconds);
        assertEquals(0, result.exitCode(), () -> "spark-submit exit code; stderr: " + result.err()
                + "\ncontainer errors:\n" + containerErrors());

        ApplicationReport report = onlyApplication();
        assertEquals("mhc tokenize", report.getName());
        assertEquals(YarnApplicationState.FINISHED, report.getYarnApplicationState());
        assertEquals(FinalApplicationStatus.SUCCEEDED, report.getFinalApplicationStatus());

        String dataset = "/datasets/shakespeare";
        DatasetManifest manifest = DatasetManifest.read(hdfsRoot + dataset, fs.getConf());
        assertEquals("byte", manifest.tokenizer().spec());
        for (String split : List.of("train", "val")) {
            FileStatus[] shards = fs.globStatus(new org.apache.hadoop.fs.Path(dataset + "/" + split + "/part-*.parquet"));
            assertEquals(manifest.split(split).shards().size(), shards.length, split);
            assertTrue(shards.length >= 1 && shards.length <= 2, split + ": " + shards.length + " shards");
            for (FileStatus shard : shards) {
                assertTrue(shard.getLen() > 0, shard.getPath().toString());
            }
        }
        // 300,000 bytes of text (+ end-of-document tokens) in rows of 65 tokens: about 4,600 rows in all
        long rows = manifest.split("train").sequences() + manifest.split("val").sequences();
        assertTrue(rows > 4000 && rows < 5000, "sequences in the manifest: " + rows);
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

    private static ApplicationReport onlyApplication() throws IOException, org.apache.hadoop.yarn.exceptions.YarnException {
        YarnClient client = YarnClient.createYarnClient();
        client.init(yarn.getConfig());
        client.start();
        try {
            List<ApplicationReport> apps = client.getApplications();
            assertEquals(1, apps.size(), apps.toString());
            return apps.get(0);
        } finally {
            client.stop();
        }
    }
}
