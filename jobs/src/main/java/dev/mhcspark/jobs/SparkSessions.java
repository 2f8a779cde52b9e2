package dev.mhcspark.jobs;

import dev.mhcspark.model.VectorApi;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a command: {@code --master} wins, then spark-submit's master, then {@code local[*]}. */
final class SparkSessions {
    static final String DEFAULT_MASTER = "local[*]";
    private static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";

    private SparkSessions() {
    }

    /**
     * The master spark-submit chose ({@code mhc submit}; in YARN cluster mode the ApplicationMaster sets it), which
     * a command's own default must not override: a job submitted to YARN would otherwise run in local mode inside
     * the ApplicationMaster's container, or not on Spark at all.
     */
    static Optional<String> submittedMaster() {
        return Optional.ofNullable(System.getProperty("spark.master")).filter(m -> !m.isBlank());
    }

    /**
     * @param master null to keep the master spark-submit set (or {@code local[*]} when run directly)
     * @param conf extra {@code --conf key=value} settings
     */
    static SparkSession create(String appName, String master, Map<String, String> conf) {
        SparkConf sparkConf = new SparkConf();
        if (master != null) {
            sparkConf.setMaster(master);
        } else if (!sparkConf.contains("spark.master")) {
            sparkConf.setMaster(DEFAULT_MASTER);
        }
        // no web UI unless asked for: it would bind a port on every run of a command-line tool
        sparkConf.setIfMissing("spark.ui.enabled", "false");
        sparkConf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.forEach(sparkConf::set);
        if (sparkConf.get("spark.master").startsWith("local-cluster") && VectorApi.available()) {
            // its executors are JVMs this one starts, with only Spark's own module flags: give them the Vector API
            // module this JVM runs with (bin/mhc's flags), so they run the model's vector kernels too
            String options = sparkConf.get(EXECUTOR_JAVA_OPTIONS, "");
            if (!options.contains(VectorApi.MODULE)) {
                sparkConf.set(EXECUTOR_JAVA_OPTIONS, (options + " " + VectorApi.JVM_FLAG).strip());
            }
        }
        return SparkSession.builder().appName(appName).config(sparkConf).getOrCreate();
    }

    /**
     * The Hadoop configuration a Spark session would give (the classpath's *-site.xml plus every
     * {@code spark.hadoop.*} setting of spark-submit and {@code --conf}), without starting one: to check and write
     * paths before, or without, a session.
     */
    static Configuration hadoopConfiguration(Map<String, String> conf) {
        SparkConf sparkConf = new SparkConf();
        conf.forEach(sparkConf::set);
        Configuration hadoop = new Configuration();
        for (scala.Tuple2<String, String> e : sparkConf.getAllWithPrefix("spark.hadoop.")) {
            hadoop.set(e._1(), e._2());
        }
        return hadoop;
    }
}
