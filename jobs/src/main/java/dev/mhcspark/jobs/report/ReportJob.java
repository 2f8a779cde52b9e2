package dev.mhcspark.jobs.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/** {@code mhc report}: load the runs, aggregate their metrics with Spark, draw the charts, write the report. */
public final class ReportJob {
    private final SparkSession spark;
    private final ReportSettings settings;
    private final Consumer<String> progress;

    public ReportJob(SparkSession spark, ReportSettings settings, Consumer<String> progress) {
        this.spark = spark;
        this.settings = settings;
        this.progress = progress;
    }

    /** The outcome: the runs as read, their chart data and the charts (drawn or skipped). */
    public record Result(List<RunData> runs, List<RunSeries> series, List<ReportCharts.Chart> charts) {
    }

    public Result run() {
        long started = System.nanoTime();
        // --out and every run are checked before any chart is drawn, so bad input fails fast
        ReportWriter.checkOut(settings, spark.sparkContext().hadoopConfiguration());
        List<RunData> runs = distinctNames(settings.runDirs().stream().map(d -> RunData.load(spark, d)).toList());
        List<RunSeries> series = new ArrayList<>();
        for (RunData run : runs) {
            RunSeries s = RunSeries.of(run);
            progress.accept(String.format("report: %s: %d loss steps, %d val_loss, %d grad_norm, %d sublayers at "
                            + "step %d, %d max-gain steps, %d events", run.label(), s.loss().size(),
                    s.valLoss().size(), s.gradNorm().size(), s.compositeForwardByLayer().size(), s.compositeStep(),
                    s.maxGainForward().size(), s.events().size()));
            series.add(s);
        }
        List<ReportCharts.Chart> charts = new ReportCharts(settings.width(), settings.height()).all(series);
        ReportWriter.write(settings, runs, series, charts, spark.sparkContext().hadoopConfiguration(), progress);
        progress.accept(String.format("report: %s/%s (%d runs, %d charts) in %.1f s", settings.out(),
                ReportWriter.MARKDOWN, runs.size(), charts.stream().filter(ReportCharts.Chart::drawn).count(),
                (System.nanoTime() - started) / 1e9));
        return new Result(runs, series, charts);
    }

    /**
     * Runs named alike (say {@code a/run} and {@code b/run}) get their directory as their name, so every series
     * label stays unique.
     */
    static List<RunData> distinctNames(List<RunData> runs) {
        Map<String, Integer> count = new HashMap<>();
        runs.forEach(r -> count.merge(r.name(), 1, Integer::sum));
        return runs.stream().map(r -> count.get(r.name()) == 1 ? r
                : new RunData(r.dir(), r.dir(), r.connection(), r.summary(), r.config(), r.metrics())).toList();
    }
}
