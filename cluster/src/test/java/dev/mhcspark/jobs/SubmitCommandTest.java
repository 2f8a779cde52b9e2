package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mhc submit}: the command it builds, and every bad input refused before anything is submitted. */
class SubmitCommandTest {
    @TempDir
    Path tmp;

    private static SubmitPlanner planner(Path home) {
        return new SubmitPlanner(new SubmitLayout(home), Set.of("tokenize", "train"), Path.of("/jdk/bin/java"));
    }

    private static SubmitRequest request(String master, boolean gpu, Path script, Path hadoopConf,
            Map<String, String> conf, String... jobArgs) {
        return new SubmitRequest(master, "cluster", gpu, script, hadoopConf, false, conf, "tokenize",
                List.of(jobArgs));
    }

    private static String failure(SubmitPlanner planner, SubmitRequest request) {
        return assertThrows(IllegalArgumentException.class, () -> planner.plan(request)).getMessage();
    }

    @Test
    void unknownMasterSchemeIsRefusedByTheCli() {
        Checkout.Result result = Checkout.mhc("submit", "--master", "mesos://m:5050", "tokenize", "--input", "x");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("mhc submit: --master mesos://m:5050: unknown master; expected yarn, "
                + "k8s://https://<api server>"), result.err());
        assertTrue(failure(planner(Checkout.HOME), request("k8s://api:6443", false, null, null, Map.of()))
                .contains("expected k8s://https://<api server>"));
    }

    @Test
    void missingApplicationJarNamesTheFileAndTheBuild() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("checkout"));
        Files.createSymbolicLink(home.resolve("cluster"), Checkout.HOME.resolve("cluster"));
        String message = failure(planner(home), request("spark://h:7077", false, null, null, Map.of()));
        assertTrue(message.startsWith("application jar not found: expected " + home.resolve("jobs/target")
                + "/mhc-jobs_2.12-<version>.jar; build it with: mvn"), message);
    }

    @Test
    void missingDependencyJarNamesTheJarAndItsList() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("checkout"));
        Files.createSymbolicLink(home.resolve("cluster"), Checkout.HOME.resolve("cluster"));
        Path target = Files.createDirectories(home.resolve("jobs/target"));
        Files.writeString(target.resolve("mhc-jobs_2.12-0.1.0.jar"), "");
        Files.writeString(target.resolve("classpath.txt"), "/gone/.m2/spark-core_2.12-3.5.5.jar");
        String message = failure(planner(home), request("spark://h:7077", false, null, null, Map.of()));
        assertTrue(message.startsWith("dependency jar /gone/.m2/spark-core_2.12-3.5.5.jar (listed in "
                + target.resolve("classpath.txt") + ") not found"), message);
    }

    @Test
    void gpuWithoutADiscoveryScriptIsRefused() throws IOException {
        Path missing = tmp.resolve("nowhere/getGpusResources.sh");
        String message = failure(planner(Checkout.HOME), request("yarn", true, missing, tmp, Map.of()));
        assertTrue(message.startsWith("--gpu needs a GPU discovery script"), message);
        assertTrue(message.contains(missing + " does not exist; pass --gpu-discovery-script FILE"), message);

        Path notExecutable = Files.writeString(tmp.resolve("gpus.sh"), "#!/bin/sh\n");
        message = failure(planner(Checkout.HOME), request("k8s://https://api:6443", true, notExecutable, null,
                Map.of()));
        assertTrue(message.contains(notExecutable + " is not an executable file"), message);

        message = failure(planner(Checkout.HOME), request("yarn", true, null, tmp,
                Map.of("spark.executor.resource.gpu.discoveryScript", "")));
        assertTrue(message.startsWith("--gpu needs spark.executor.resource.gpu.discoveryScript set"), message);

        message = failure(planner(Checkout.HOME), new SubmitRequest("local[2]", "client", true, null, null, false,
                Map.of(), "tokenize", List.of()));
        assertTrue(message.startsWith("--gpu: local masters have no GPU scheduling"), message);
    }

    @Test
    void hdfsPathsNeedAHadoopConfiguration() {
        SubmitPlanner planner = planner(Checkout.HOME);
        String message = failure(planner, request("spark://h:7077", false, null, null, Map.of(),
                "--input", "hdfs://nn:8020/corpora/x.txt", "--output", "/data/x"));
        assertTrue(message.startsWith("job argument 'hdfs://nn:8020/corpora/x.txt' is on HDFS, but no Hadoop "
                + "configuration is reachable: set HADOOP_CONF_DIR"), message);
        // --output=hdfs://... spelled in one word is found too
        assertTrue(failure(planner, request("k8s://https://api:6443", false, null, null, Map.of(),
                "--output=hdfs:///ds")).contains("'--output=hdfs:///ds' is on HDFS"));
        // any of the three ways to reach a configuration is enough
        planner.plan(request("spark://h:7077", false, null, null, Map.of("spark.hadoop.fs.defaultFS",
                "hdfs://nn:8020"), "--input", "hdfs:///corpora/x.txt"));
        planner.plan(request("spark://h:7077", false, null, tmp, Map.of(), "--input", "hdfs:///corpora/x.txt"));
        SubmitCommand cli = new SubmitCommand();
        cli.master = "spark://h:7077";
        cli.deployMode = "cluster";
        cli.job = "tokenize";
        assertEquals(tmp, cli.request(Map.of("YARN_CONF_DIR", tmp.toString())).hadoopConfDirectory());
        assertEquals(tmp, cli.request(Map.of("HADOOP_CONF_DIR", tmp.toString(), "YARN_CONF_DIR", "/other"))
                .hadoopConfDirectory());
    }

    @Test
    void yarnNeedsItsConfigurationAndOtherMistakesAreNamed() {
        SubmitPlanner planner = planner(Checkout.HOME);
        assertTrue(failure(planner, request("yarn", false, null, null, Map.of()))
                .startsWith("--master yarn needs the cluster's Hadoop configuration"));
        assertTrue(failure(planner, request("yarn", false, null, tmp.resolve("absent"), Map.of()))
                .contains("does not exist"));
        assertEquals("job 'tokenise': expected one of tokenize, train", failure(planner, new SubmitRequest(
                "spark://h:7077", "cluster", false, null, null, false, Map.of(), "tokenise", List.of())));
        assertTrue(failure(planner, new SubmitRequest("spark://h:7077", "driver", false, null, null, false,
                Map.of(), "tokenize", List.of())).startsWith("--deploy-mode: expected cluster or client"));
        assertTrue(failure(planner, request("local[2]", false, null, null, Map.of()))
                .startsWith("--deploy-mode cluster: local masters run the driver here"));
    }

    @Test
    void dryRunPrintsTheSparkSubmitCommandWithEverySetting() {
        Checkout.Result result = Checkout.mhc("submit", "--master", "yarn", "--hadoop-conf-dir", tmp.toString(),
                "--jars-on-nodes", "--conf", "spark.executor.memory=2g", "--dry-run",
                "tokenize", "--input", "hdfs:///corpora/x.txt", "--output", "hdfs:///datasets/x");
        assertEquals(0, result.exitCode(), result.err());
        String line = result.out().strip();
        assertTrue(line.startsWith("HADOOP_CONF_DIR=" + tmp + " " + System.getProperty("java.home")
                + "/bin/java -Xmx1g --add-opens=java.base/java.lang=ALL-UNNAMED"), line);
        assertTrue(line.contains(" -cp " + tmp + ":" + Checkout.HOME + "/jobs/target/mhc-jobs_2.12-"), line);
        assertTrue(line.contains(" org.apache.spark.deploy.SparkSubmit --master yarn --deploy-mode cluster "
                + "--class dev.mhcspark.jobs.SubmitDriverMain --name 'mhc tokenize' "), line);
        assertTrue(line.contains(" --conf spark.yarn.queue=default "), line);
        assertTrue(line.contains(" --conf spark.kryo.registrator=dev.mhcspark.jobs.SubmitKryoRegistrator "), line);
        assertTrue(line.contains(" --conf spark.executor.memory=2g "), "--conf wins over the defaults: " + line);
        assertFalse(line.contains("spark.executor.memory=4g"), line);
        assertTrue(line.contains(" --conf spark.yarn.jars=local:/"), line);
        assertTrue(line.contains("spark-yarn_2.12-3.5.5.jar"), "YARN's AM and executor backend are shipped");
        assertTrue(line.endsWith("/jobs/target/mhc-jobs_2.12-0.1.0-SNAPSHOT.jar tokenize --input "
                + "hdfs:///corpora/x.txt --output hdfs:///datasets/x"), line);
    }

    @Test
    void clientModeStartsTheDriverJvmWithTheDriverSettings() {
        SubmitPlan plan = planner(Checkout.HOME).plan(new SubmitRequest("spark://h:7077", "client", false, null,
                null, false, Map.of("spark.driver.memory", "3g"), "tokenize", List.of()));
        List<String> command = plan.command();
        int classpath = command.indexOf("-cp");
        assertEquals("-Xmx3g", command.get(1));
        assertTrue(command.subList(0, classpath).contains("-Dorg.bytedeco.javacpp.maxbytes=2G"),
                "spark.driver.extraJavaOptions are JVM flags of this JVM: " + command);
        // standalone without --jars-on-nodes: the dependencies travel with --jars
        assertTrue(command.get(command.indexOf("--jars") + 1).contains("nd4j-native"), command.toString());
    }

    @Test
    void gpuOnYarnShipsTheDiscoveryScript() {
        Map<String, String> conf = new LinkedHashMap<>();
        SubmitPlan plan = planner(Checkout.HOME).plan(request("yarn", true, null, tmp, conf));
        List<String> command = plan.command();
        assertEquals(Checkout.HOME.resolve("cluster/gpu/getGpusResources.sh").toString(),
                command.get(command.indexOf("--files") + 1));
        assertTrue(command.contains("spark.executor.resource.gpu.discoveryScript=./getGpusResources.sh"));
        assertTrue(command.contains("spark.executor.resource.gpu.amount=1"));
        assertTrue(command.contains("spark.yarn.resourceGpuDeviceName=yarn.io/gpu"));
        assertTrue(command.contains("spark.executor.memoryOverhead=5g"), "spark-gpu.conf over spark-defaults.conf");
    }

    @Test
    void kubernetesRunsTheJarInTheImageWithLocalPodTemplates() {
        List<String> command = planner(Checkout.HOME).plan(request("k8s://https://api.example.com:6443", false,
                null, null, Map.of())).command();
        assertTrue(command.contains("local:///opt/mhc/jars/mhc-jobs_2.12-0.1.0-SNAPSHOT.jar"), command.toString());
        assertTrue(command.contains("spark.kubernetes.driver.podTemplateFile=" + Checkout.HOME
                + "/cluster/kubernetes/driver-pod-template.yaml"), command.toString());
        assertFalse(command.stream().anyMatch(a -> a.startsWith("spark.yarn.jars")));
    }
}
