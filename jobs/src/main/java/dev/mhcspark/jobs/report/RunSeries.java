package dev.mhcspark.jobs.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The data of every chart for one run, aggregated by Spark from its {@code metrics/} rows (a long run's metrics
 * can hold millions of rows; only per-step aggregates, one step's layers and the events reach the driver). Series are in ascending x; a metric the run
 * did not record gives an empty series.
 *
 * @param label                    the run's label ("name (connection)")
 * @param loss                     training loss per step: mean over the workers' {@code loss} rows of that step
 * @param valLoss                  the driver's {@code val_loss} per step (mean if a step has several)
 * @param gradNorm                 {@code grad_norm} per step, mean over workers
 * @param compositeStep            the last step with per-layer {@code composite_gain_*} rows, or -1 if none
 * @param compositeForwardByLayer  {@code composite_gain_forward} per sublayer index at {@code compositeStep}
 *                                 (mean over the rows of that step and layer, one row per layer today)
 * @param compositeBackwardByLayer {@code composite_gain_backward} likewise
 * @param maxGainForward           {@code max_composite_gain_forward} per step (the largest if a step has several)
 * @param maxGainBackward          {@code max_composite_gain_backward} likewise
 * @param events                   the rows whose metric starts with {@code event_}, by step, worker and metric
 */
public record RunSeries(String label, List<Point> loss, List<Point> valLoss, List<Point> gradNorm,
        long compositeStep, List<Point> compositeForwardByLayer, List<Point> compositeBackwardByLayer,
        List<Point> maxGainForward, List<Point> maxGainBackward, List<Event> events) {
    public static final String EVENT_PREFIX = "event_";
    private static final Pattern SUBLAYER = Pattern.compile("sublayer_(\\d+)");

    /** One point of a series. */
    public record Point(double x, double y) {
    }

    /** A divergence event: the metric names what happened, the value is the offending value. */
    public record Event(long step, int worker, String metric, String layer, double value) {
    }

    public RunSeries {
        loss = List.copyOf(loss);
        valLoss = List.copyOf(valLoss);
        gradNorm = List.copyOf(gradNorm);
        compositeForwardByLayer = List.copyOf(compositeForwardByLayer);
        compositeBackwardByLayer = List.copyOf(compositeBackwardByLayer);
        maxGainForward = List.copyOf(maxGainForward);
        maxGainBackward = List.copyOf(maxGainBackward);
        events = List.copyOf(events);
    }

    /** Whole-model metrics drawn per step, and whose rows they are: the workers' or the driver's. */
    private static final List<String> WORKER_METRICS = List.of("loss", "grad_norm");
    private static final List<String> DRIVER_METRICS = List.of("val_loss");
    /** Probed on the workers' training batches and on the driver's validation batch: the largest per step. */
    private static final List<String> ANY_METRICS = List.of("max_composite_gain_forward",
            "max_composite_gain_backward");

    /** Aggregates the run's metrics in four small Spark jobs (per step; last per-layer step and its rows; events). */
    public static RunSeries of(RunData run) {
        Dataset<Row> m = run.metrics();
        Column perStep = col("layer").isNull().and(
                col("metric").isin(WORKER_METRICS.toArray()).and(col("worker").geq(0))
                        .or(col("metric").isin(DRIVER_METRICS.toArray()).and(col("worker").equalTo(-1)))
                        .or(col("metric").isin(ANY_METRICS.toArray())));
        Map<String, List<Row>> steps = m.where(perStep).groupBy("metric", "step")
                .agg(avg("value"), max("value")).orderBy("metric", "step").collectAsList().stream()
                .collect(Collectors.groupingBy(r -> r.getString(0)));

        // the last step with per-layer composite gains, then that step's rows (a window would shuffle it all)
        Column perLayer = col("metric").isin("composite_gain_forward", "composite_gain_backward")
                .and(col("layer").isNotNull())
                // the driver probes the model after the step on the validation batch, one row per layer
                .and(col("worker").equalTo(-1));
        Row last = m.where(perLayer).agg(max("step")).first();
        long compositeStep = last.isNullAt(0) ? -1 : last.getLong(0);
        List<Row> layers = compositeStep < 0 ? List.of() : m.where(perLayer.and(col("step").equalTo(compositeStep)))
                .groupBy("metric", "layer").agg(avg("value")).collectAsList();

        List<Event> events = m.where(col("metric").startsWith(EVENT_PREFIX))
                .select("step", "worker", "metric", "layer", "value").orderBy("step", "worker", "metric", "layer")
                .collectAsList().stream().map(r -> new Event(r.getLong(0), r.getInt(1), r.getString(2),
                        r.isNullAt(3) ? null : r.getString(3), r.getDouble(4))).toList();
        return new RunSeries(run.label(),
                series(steps, "loss", false),
                series(steps, "val_loss", false),
                series(steps, "grad_norm", false),
                compositeStep,
                byLayer(layers, "composite_gain_forward", run),
                byLayer(layers, "composite_gain_backward", run),
                series(steps, "max_composite_gain_forward", true),
                series(steps, "max_composite_gain_backward", true),
                events);
    }

    /** Rows (metric, step, mean, max) of one metric as points; the max where a step's largest value matters. */
    private static List<Point> series(Map<String, List<Row>> steps, String metric, boolean largest) {
        return steps.getOrDefault(metric, List.of()).stream()
                .map(r -> new Point(r.getLong(1), largest ? r.getDouble(3) : r.getDouble(2))).toList();
    }

    private static List<Point> byLayer(List<Row> layers, String metric, RunData run) {
        List<Point> points = new ArrayList<>();
        for (Row r : layers) {
            if (r.getString(0).equals(metric)) {
                points.add(new Point(sublayerIndex(r.getString(1), run), r.getDouble(2)));
            }
        }
        points.sort(Comparator.comparingDouble(Point::x));
        return points;
    }

    /** True if the run recorded no point of any series and no event. */
    public boolean isEmpty() {
        return loss.isEmpty() && valLoss.isEmpty() && gradNorm.isEmpty() && compositeForwardByLayer.isEmpty()
                && compositeBackwardByLayer.isEmpty() && maxGainForward.isEmpty() && maxGainBackward.isEmpty()
                && events.isEmpty();
    }

    static int sublayerIndex(String layer, RunData run) {
        Matcher matcher = SUBLAYER.matcher(layer);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("run dir " + run.dir() + ": metrics/ layer '" + layer
                    + "' is not of the form sublayer_<index>");
        }
        return Integer.parseInt(matcher.group(1));
    }
}
