package dev.mhcspark.jobs.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * One training run as the report sees it: its {@code summary.json}, its settings ({@code config.json}, or
 * {@code train.json} as older runs call it; optional) and its {@code metrics/} Parquet dataset (long format:
 * {@code step, worker, metric, layer, value}). JSON is read through Hadoop's FileSystem and metrics through Spark,
 * so a run directory may be local or on {@code hdfs://}.
 *
 * @param dir        the run directory, fully qualified
 * @param name       its last path component (what the charts call the run, with the connection)
 * @param connection {@code residual}, {@code hc} or {@code mhc}: from the summary, else the config, else
 *                   {@code unknown}
 * @param summary    {@code summary.json}, a JSON object
 * @param config     the settings the run was started with, or null if the run directory has none
 * @param metrics    the {@code metrics/} rows (lazily read by Spark)
 */
public record RunData(String dir, String name, String connection, JsonNode summary, JsonNode config,
        Dataset<Row> metrics) {
    /** The settings file, newest name first. */
    static final List<String> CONFIG_FILES = List.of("config.json", "train.json");
    static final String SUMMARY_FILE = "summary.json";
    static final String METRICS_DIR = "metrics";

    /** Columns the report reads (the datasets also hold {@code run_id}, which runs copied elsewhere may repeat). */
    private static final Map<String, DataType> REQUIRED_COLUMNS = Map.of("step", DataTypes.LongType,
            "worker", DataTypes.IntegerType, "metric", DataTypes.StringType, "layer", DataTypes.StringType,
            "value", DataTypes.DoubleType);

    // non-finite losses are written as NaN / Infinity by some writers: read them rather than fail
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    /** "name (connection)": the label of this run's series. */
    public String label() {
        return name + " (" + connection + ")";
    }

    /**
     * Reads a run directory; a missing {@code summary.json} or {@code metrics/}, or metrics without the expected
     * columns, is an {@link IllegalArgumentException} naming the directory.
     */
    public static RunData load(SparkSession spark, String dir) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try {
            Path given = new Path(ReportSettings.stripTrailingSlash(dir));
            FileSystem fs = given.getFileSystem(conf);
            Path root = fs.makeQualified(given);
            if (!fs.exists(root)) {
                throw new IllegalArgumentException("run dir " + dir + ": does not exist");
            }
            if (!fs.getFileStatus(root).isDirectory()) {
                throw new IllegalArgumentException("run dir " + dir + ": is a file, expected a training run "
                        + "directory (with summary.json and metrics/)");
            }
            Path summaryPath = new Path(root, SUMMARY_FILE);
            if (!fs.exists(summaryPath)) {
                throw new IllegalArgumentException("run dir " + dir + ": no " + SUMMARY_FILE + "; expected a "
                        + "finished training run (train writes summary.json last)");
            }
            Path metricsPath = new Path(root, METRICS_DIR);
            if (!fs.exists(metricsPath) || !fs.getFileStatus(metricsPath).isDirectory()) {
                throw new IllegalArgumentException("run dir " + dir + ": no " + METRICS_DIR + "/ directory; expected "
                        + "the Parquet metrics a Spark training run (train --master ...) writes");
            }
            JsonNode summary = readJson(fs, summaryPath, dir);
            if (!summary.isObject()) {
                throw new IllegalArgumentException("run dir " + dir + ": " + SUMMARY_FILE + " is not a JSON object");
            }
            JsonNode config = null;
            for (String name : CONFIG_FILES) {
                Path p = new Path(root, name);
                if (fs.exists(p)) {
                    JsonNode node = readJson(fs, p, dir);
                    // the settings only add context (model size, data) to the report: a config that is not a
                    // JSON object is left out rather than refused
                    config = node.isObject() ? node : null;
                    break;
                }
            }
            Dataset<Row> metrics = readMetrics(spark, metricsPath, dir);
            return new RunData(root.toString(), root.getName(), connection(summary, config), summary, config,
                    metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("run dir " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Dataset<Row> readMetrics(SparkSession spark, Path metricsPath, String dir) {
        Dataset<Row> metrics;
        try {
            metrics = spark.read().parquet(metricsPath.toString());
        } catch (Exception e) {
            // Spark reports an empty directory as "Unable to infer schema for Parquet"
            String why = e instanceof AnalysisException a ? a.getSimpleMessage() : e.getMessage();
            throw new IllegalArgumentException("run dir " + dir + ": " + METRICS_DIR + "/ is not a readable Parquet "
                    + "dataset (" + why + ")", e);
        }
        for (Map.Entry<String, DataType> column : REQUIRED_COLUMNS.entrySet()) {
            StructField field = java.util.Arrays.stream(metrics.schema().fields())
                    .filter(f -> f.name().equals(column.getKey())).findFirst().orElse(null);
            if (field == null || !field.dataType().equals(column.getValue())) {
                throw new IllegalArgumentException("run dir " + dir + ": " + METRICS_DIR + "/ has "
                        + (field == null ? "no column " + column.getKey()
                                : "column " + column.getKey() + " of type " + field.dataType().simpleString())
                        + "; expected run_id string, step bigint, worker int, metric string, layer string, "
                        + "value double");
            }
        }
        return metrics;
    }

    private static JsonNode readJson(FileSystem fs, Path file, String dir) throws IOException {
        FileStatus status = fs.getFileStatus(file);
        try (InputStream in = fs.open(status.getPath())) {
            return JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("run dir " + dir + ": " + file.getName() + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String connection(JsonNode summary, JsonNode config) {
        JsonNode c = summary.get("connection");
        if ((c == null || !c.isTextual()) && config != null && config.has("model")) {
            c = config.get("model").get("connection");
        }
        return c != null && c.isTextual() ? c.asText() : "unknown";
    }
}
