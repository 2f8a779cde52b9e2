package dev.mhcspark.jobs;

import dev.mhcspark.jobs.report.ReportJob;
import dev.mhcspark.jobs.report.ReportSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mhc report}: charts and a Markdown summary of one or more training runs, overlaid. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare training runs: PNG charts with one series per run (labelled name (connection)) and "
                + "report.md with a table of their summaries.",
            "Charts: loss.png (mean training loss over workers per step, validation loss, divergence events), "
                + "grad_norm.png, composite_gain_by_layer.png (forward and backward composite gain per sublayer at "
                + "the last probed step, log y: the mHC paper's Fig. 3), composite_gain_by_step.png (max composite "
                + "gain per step, log y). A chart no run has metrics for is skipped, and report.md says why.",
            "Reads each run's summary.json, config.json (or train.json) and metrics/ (Parquet, read with a local "
                + "Spark session); run directories and --out may be local or hdfs://. The report appears only "
                + "when complete."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR",
            description = "Run directories written by 'mhc train' (with summary.json and metrics/).")
    List<String> runDirs;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Report directory to create: report.md and the PNGs. Must not exist or be empty.")
    String out;

    @Option(names = "--eval", paramLabel = "EVAL_DIR", description = "Output directories of 'mhc eval' (repeatable): "
            + "report.md gets their comparison table, one column per run (as 'mhc eval compare' prints it).")
    List<String> evals = new ArrayList<>();

    @Option(names = "--title", defaultValue = "Training report", paramLabel = "TEXT",
            description = "Heading of report.md. Default: ${DEFAULT-VALUE}.")
    String title;

    @Option(names = "--overwrite", description = "Replace an existing --out (only once the new report is complete).")
    boolean overwrite;

    @Option(names = "--width", defaultValue = "" + ReportSettings.DEFAULT_WIDTH, paramLabel = "PX",
            description = "Chart width in pixels. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--height", defaultValue = "" + ReportSettings.DEFAULT_HEIGHT, paramLabel = "PX",
            description = "Chart height in pixels. Default: ${DEFAULT-VALUE}.")
    int height;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "Extra Spark setting (repeatable), e.g. spark.hadoop.fs.defaultFS=hdfs://nn:8020.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Override
    public Integer call() {
        String evaluation = evals.isEmpty() ? "" : EvalCompare.table(evals, new org.apache.hadoop.conf.Configuration());
        ReportSettings settings = new ReportSettings(runDirs, out, title, overwrite, width, height, evaluation);
        Map<String, String> sparkConf = new LinkedHashMap<>();
        // aggregates of one run's metrics fit one partition; Spark's default of 200 would cost 200 tasks each
        sparkConf.put("spark.sql.shuffle.partitions", "1");
        // compiling whole-stage code for each of a handful of tiny queries costs more CPU than it saves (~6 s)
        sparkConf.put("spark.sql.codegen.wholeStage", "false");
        sparkConf.putAll(conf);
        // the metrics of a run are small next to its training: one local core reads them
        try (SparkSession session = SparkSessions.create("mhc report", "local[1]", sparkConf)) {
            new ReportJob(session, settings, System.out::println).run();
        }
        return 0;
    }
}
