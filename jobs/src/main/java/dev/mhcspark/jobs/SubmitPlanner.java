package dev.mhcspark.jobs;

import dev.mhcspark.jobs.SubmitMaster.Manager;
import dev.mhcspark.model.VectorApi;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a {@link SubmitRequest} into the spark-submit command line, checking everything that can be checked on
 * this machine first: a mistake here costs a second, on a cluster it costs a queue wait and a log hunt.
 *
 * <p>Settings, lowest priority first: {@code cluster/conf/<manager>/spark-defaults.conf}, then
 * {@code spark-gpu.conf} with {@code --gpu}, then the user's {@code --conf}. All of them are passed as explicit
 * {@code --conf} arguments, so {@code --dry-run} shows every setting the job gets.
 */
final class SubmitPlanner {
    /** Main without System.exit, which YARN cluster mode would report as a failure. */
    static final String MAIN_CLASS = SubmitDriverMain.class.getName();
    /** Where the Kubernetes images ({@code cluster/kubernetes/Dockerfile}) keep the application and its jars. */
    static final String IMAGE_JAR_DIRECTORY = "/opt/mhc/jars";
    static final String DISCOVERY_SCRIPT_KEY = "spark.executor.resource.gpu.discoveryScript";
    /** The spark-submit JVM in cluster mode only talks to the cluster manager. */
    static final String SUBMIT_CLIENT_HEAP = "-Xmx1g";

    /**
     * Spark on Java 17: org.apache.spark.launcher.JavaModuleOptions, plus the Vector API module the model's
     * per-token kernels use where present (mhc-model's VectorKernels). The same list as bin/mhc.
     */
    static final List<String> JAVA17_MODULE_FLAGS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
            VectorApi.JVM_FLAG);

    private final SubmitLayout layout;
    private final Set<String> jobNames;
    private final Path javaExecutable;

    /**
     * @param jobNames the {@code bin/mhc} commands that may be submitted
     */
    SubmitPlanner(SubmitLayout layout, Set<String> jobNames, Path javaExecutable) {
        this.layout = layout;
        this.jobNames = Set.copyOf(jobNames);
        this.javaExecutable = javaExecutable;
    }

    SubmitPlan plan(SubmitRequest request) {
        SubmitMaster master = SubmitMaster.parse(request.master());
        String deployMode = request.deployMode().toLowerCase(Locale.ROOT);
        if (!deployMode.equals("cluster") && !deployMode.equals("client")) {
            throw new IllegalArgumentException("--deploy-mode: expected cluster or client, got '"
                    + request.deployMode() + "'");
        }
        if (master.manager() == Manager.LOCAL && deployMode.equals("cluster")) {
            throw new IllegalArgumentException("--deploy-mode cluster: local masters run the driver here; use "
                    + "--deploy-mode client with --master " + master.url());
        }
        if (!jobNames.contains(request.job())) {
            throw new IllegalArgumentException("job '" + request.job() + "': expected one of "
                    + jobNames.stream().sorted().collect(Collectors.joining(", ")));
        }
        Path hadoopConf = request.hadoopConfDirectory();
        if (hadoopConf != null && !Files.isDirectory(hadoopConf)) {
            throw new IllegalArgumentException("Hadoop configuration directory " + hadoopConf
                    + " (--hadoop-conf-dir, HADOOP_CONF_DIR or YARN_CONF_DIR) does not exist");
        }
        if (master.manager() == Manager.YARN && hadoopConf == null) {
            throw new IllegalArgumentException("--master yarn needs the cluster's Hadoop configuration (yarn-site.xml, "
                    + "core-site.xml): set HADOOP_CONF_DIR or YARN_CONF_DIR, or pass --hadoop-conf-dir DIR");
        }

        Map<String, String> conf = new LinkedHashMap<>();
        if (master.manager().confDirectory() != null) {
            conf.putAll(SubmitDefaults.read(layout.confDirectory(master.manager()).resolve("spark-defaults.conf"),
                    layout.home()));
        }
        if (request.gpu()) {
            if (master.manager() == Manager.LOCAL) {
                throw new IllegalArgumentException("--gpu: local masters have no GPU scheduling; use yarn, k8s:// "
                        + "or spark://");
            }
            conf.putAll(SubmitDefaults.read(layout.confDirectory(master.manager()).resolve("spark-gpu.conf"),
                    layout.home()));
        }
        conf.putAll(request.conf());
        checkHdfsPathsHaveAConfiguration(request, hadoopConf, conf);

        Path applicationJar = layout.applicationJar();
        List<Path> dependencies = new ArrayList<>(layout.applicationDependencies());
        if (master.manager() != Manager.LOCAL) {
            // a superset of the application's dependencies at the same versions (one Maven resolution) plus Spark's
            // YARN/Kubernetes clients; its mhc-* entries may be older installed copies of the modules just built
            layout.clusterClientJars().stream().filter(p -> !p.getFileName().toString().startsWith("mhc-"))
                    .forEach(dependencies::add);
        }
        List<Path> shipped = List.copyOf(new LinkedHashSet<>(dependencies));

        List<String> files = new ArrayList<>();
        if (request.gpu()) {
            Path script = request.gpuDiscoveryScript() != null ? request.gpuDiscoveryScript()
                    : layout.defaultGpuDiscoveryScript();
            if (!Files.isRegularFile(script) || !Files.isExecutable(script)) {
                throw new IllegalArgumentException("--gpu needs a GPU discovery script (Spark asks it which GPUs an "
                        + "executor got): " + script + (Files.exists(script) ? " is not an executable file"
                        : " does not exist") + "; pass --gpu-discovery-script FILE (see cluster/gpu/"
                        + "getGpusResources.sh)");
            }
            String configured = conf.get(DISCOVERY_SCRIPT_KEY);
            if (configured == null || configured.isBlank()) {
                throw new IllegalArgumentException("--gpu needs " + DISCOVERY_SCRIPT_KEY + " set (shipped in "
                        + "cluster/conf/<manager>/spark-gpu.conf)");
            }
            if (master.manager() == Manager.YARN) {
                // localised into every container's working directory, where spark-gpu.conf expects ./<name>
                files.add(script.toAbsolutePath().toString());
                conf.put(DISCOVERY_SCRIPT_KEY, "./" + script.getFileName());
            } else if (master.manager() == Manager.STANDALONE) {
                conf.put(DISCOVERY_SCRIPT_KEY, script.toAbsolutePath().toString());
            }
        }

        List<String> jars = new ArrayList<>();
        String primaryResource = applicationJar.toAbsolutePath().toString();
        switch (master.manager()) {
            case YARN -> {
                // Spark's own jars are among the dependencies: without spark.yarn.jars/archive Spark would look for
                // a $SPARK_HOME/jars this project does not need
                if (!conf.containsKey("spark.yarn.jars") && !conf.containsKey("spark.yarn.archive")) {
                    conf.put("spark.yarn.jars", shipped.stream()
                            .map(p -> (request.jarsOnNodes() ? "local:" : "") + p.toAbsolutePath())
                            .collect(Collectors.joining(",")));
                }
            }
            case KUBERNETES -> primaryResource = "local://" + IMAGE_JAR_DIRECTORY + "/" + applicationJar.getFileName();
            case STANDALONE -> {
                if (request.jarsOnNodes()) {
                    String classpath = shipped.stream().map(p -> p.toAbsolutePath().toString())
                            .collect(Collectors.joining(File.pathSeparator));
                    conf.putIfAbsent("spark.executor.extraClassPath", classpath);
                    conf.putIfAbsent("spark.driver.extraClassPath", classpath);
                } else {
                    shipped.forEach(p -> jars.add(p.toAbsolutePath().toString()));
                }
            }
            case LOCAL -> {
            }
        }

        List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        if (deployMode.equals("client")) {
            // the driver runs in this JVM: its heap and flags must be set when the JVM starts (what spark-submit's
            // shell launcher does), not as settings read once it runs
            command.add("-Xmx" + conf.getOrDefault("spark.driver.memory", "1g"));
            command.addAll(javaOptions(conf.get("spark.driver.extraJavaOptions")));
        } else {
            command.add(SUBMIT_CLIENT_HEAP);
        }
        for (String flag : JAVA17_MODULE_FLAGS) {
            if (!command.contains(flag)) {
                command.add(flag);
            }
        }
        List<String> classpath = new ArrayList<>();
        if (hadoopConf != null) {
            // Spark's YARN client reads yarn-site.xml from the classpath; else it retries 0.0.0.0:8032 forever
            classpath.add(hadoopConf.toAbsolutePath().toString());
        }
        classpath.add(applicationJar.toAbsolutePath().toString());
        shipped.forEach(p -> classpath.add(p.toAbsolutePath().toString()));
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add("org.apache.spark.deploy.SparkSubmit");
        command.addAll(List.of("--master", master.url(), "--deploy-mode", deployMode, "--class", MAIN_CLASS,
                "--name", conf.getOrDefault("spark.app.name", "mhc " + request.job())));
        if (!jars.isEmpty()) {
            command.addAll(List.of("--jars", String.join(",", jars)));
        }
        if (!files.isEmpty()) {
            command.addAll(List.of("--files", String.join(",", files)));
        }
        conf.forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
        command.add(primaryResource);
        command.add(request.job());
        command.addAll(request.jobArguments());

        Map<String, String> environment = new LinkedHashMap<>();
        if (hadoopConf != null) {
            // spark-submit also ships it: to YARN containers, and as a ConfigMap to Kubernetes drivers
            environment.put("HADOOP_CONF_DIR", hadoopConf.toAbsolutePath().toString());
        }
        return new SubmitPlan(command, environment);
    }

    /**
     * An {@code hdfs://} path without a Hadoop configuration can only work for a fully spelled-out namenode and
     * never for an HA nameservice; the user most likely forgot HADOOP_CONF_DIR, and the job would fail on the cluster.
     */
    private static void checkHdfsPathsHaveAConfiguration(SubmitRequest request, Path hadoopConf,
            Map<String, String> conf) {
        if (hadoopConf != null) {
            return;
        }
        String defaultFs = conf.getOrDefault("spark.hadoop.fs.defaultFS", "");
        if (defaultFs.toLowerCase(Locale.ROOT).startsWith("hdfs://")) {
            return;
        }
        for (String argument : request.jobArguments()) {
            if (argument.toLowerCase(Locale.ROOT).contains("hdfs://")) {
                throw new IllegalArgumentException("job argument '" + argument + "' is on HDFS, but no Hadoop "
                        + "configuration is reachable: set HADOOP_CONF_DIR (or YARN_CONF_DIR, or --hadoop-conf-dir) "
                        + "to the directory with core-site.xml and hdfs-site.xml, or pass --conf "
                        + "spark.hadoop.fs.defaultFS=hdfs://<namenode>:<port>");
            }
        }
    }

    /** extraJavaOptions are space-separated (the shipped ones have no quoted values). */
    private static List<String> javaOptions(String options) {
        if (options == null || options.isBlank()) {
            return List.of();
        }
        return Arrays.stream(options.trim().split("\\s+")).toList();
    }
}
