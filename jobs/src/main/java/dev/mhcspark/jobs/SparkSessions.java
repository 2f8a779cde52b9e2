package dev.mhcspark.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a command: {@code --master} wins, then spark-submit's master, then {@code local[*]}. */
final class SparkSessions {
    static final String DEFAULT_MASTER = "local[*]";

    private SparkSessions() {
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
        return SparkSession.builder().appName(appName).config(sparkConf).getOrCreate();
    }
}
