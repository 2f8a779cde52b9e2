package dev.mhcspark.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mhc submit}: runs a {@code bin/mhc} job on YARN, Kubernetes or a standalone cluster through spark-submit,
 * with the shipped settings of {@code cluster/conf}.
 *
 * <p>spark-submit runs as a child JVM ({@code java ... org.apache.spark.deploy.SparkSubmit}, what the
 * {@code spark-submit} script runs), not in this one, because (1) in client mode that JVM is the driver, and its heap
 * and {@code spark.driver.extraJavaOptions} only apply when a JVM starts; (2) it needs the Hadoop configuration
 * directory and Spark's YARN/Kubernetes clients on its classpath, which every other {@code bin/mhc} command would
 * otherwise carry; (3) SparkSubmit keeps global state (system properties, a shutdown hook, System.exit on some
 * errors) that must not leak into the caller. No Spark distribution is needed: the jars are the build's.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Submit a job (tokenize, ...) to YARN, Kubernetes or a standalone cluster with spark-submit.",
                "Settings: cluster/conf/<yarn|kubernetes|standalone>/spark-defaults.conf, then spark-gpu.conf with "
                        + "--gpu, then --conf. Everything is checked before anything is submitted.",
                "Example: mhc submit --master yarn tokenize --input hdfs:///corpora/x.txt --output hdfs:///ds/x"})
final class SubmitCommand implements Callable<Integer> {
    @Option(names = "--master", required = true, paramLabel = "URL",
            description = "yarn | k8s://https://<api server>[:port] | spark://<host>:<port> | local[N].")
    String master;

    @Option(names = "--deploy-mode", defaultValue = "cluster", paramLabel = "MODE",
            description = "cluster (the driver runs on the cluster) | client (the driver runs here). "
                    + "Default: ${DEFAULT-VALUE}.")
    String deployMode;

    @Option(names = "--gpu", description = "One GPU per executor (spark-gpu.conf: resource amounts, discovery "
            + "script, CUDA image and GPU pod template on Kubernetes). Needs jars built with -Pcuda.")
    boolean gpu;

    @Option(names = "--gpu-discovery-script", paramLabel = "FILE",
            description = "Executable that prints the executor's GPUs as Spark's ResourceInformation JSON. "
                    + "Default: cluster/gpu/getGpusResources.sh.")
    Path gpuDiscoveryScript;

    @Option(names = "--hadoop-conf-dir", paramLabel = "DIR",
            description = "Directory with core-site.xml / yarn-site.xml / hdfs-site.xml. "
                    + "Default: $HADOOP_CONF_DIR, else $YARN_CONF_DIR.")
    Path hadoopConfDirectory;

    @Option(names = "--jars-on-nodes", description = "The dependency jars exist at the same paths on every node "
            + "(a shared mount, or one machine): reference them (YARN local:, standalone extraClassPath) instead of "
            + "uploading ~1 GB per application.")
    boolean jarsOnNodes;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "Spark setting (repeatable); wins over the shipped defaults.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--dry-run", description = "Print the exact command (with every setting) instead of running it.")
    boolean dryRun;

    @Parameters(index = "0", paramLabel = "JOB", description = "The bin/mhc command to run, e.g. tokenize.")
    String job;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "Its arguments, as for bin/mhc <job>.")
    List<String> jobArguments = new ArrayList<>();

    /** Everything after the job name belongs to the job ({@code --input} is not a submit option). */
    @CommandLine.Spec
    void spec(CommandSpec spec) {
        spec.parser().stopAtPositional(true);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        SubmitPlan plan = planner().plan(request(System.getenv()));
        if (dryRun) {
            System.out.println(plan.shellLine());
            return 0;
        }
        ProcessBuilder builder = new ProcessBuilder(plan.command()).inheritIO();
        builder.environment().putAll(plan.environment());
        Process process = builder.start();
        // Ctrl-C here stops the submission (and, in client mode, the driver) with it
        Thread stopChild = new Thread(process::destroy);
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            return process.waitFor();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopChild);
        }
    }

    SubmitRequest request(Map<String, String> environment) {
        Path hadoopConf = hadoopConfDirectory;
        for (String variable : List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR")) {
            String value = environment.get(variable);
            if (hadoopConf == null && value != null && !value.isBlank()) {
                hadoopConf = Path.of(value);
            }
        }
        return new SubmitRequest(master, deployMode, gpu, gpuDiscoveryScript, hadoopConf, jarsOnNodes, conf, job,
                jobArguments);
    }

    static SubmitPlanner planner() {
        return new SubmitPlanner(SubmitLayout.fromSystemProperties(), submittableJobs(),
                Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** Every bin/mhc command except the ones that make no sense on a cluster. */
    static Set<String> submittableJobs() {
        Set<String> names = new TreeSet<>(Main.commandLine().getSubcommands().keySet());
        names.removeAll(Set.of("submit", "help"));
        return names;
    }
}
