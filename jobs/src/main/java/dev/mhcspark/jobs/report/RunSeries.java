package dev.mhcspark.jobs.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The data of every chart for one run, aggregated by Spark from its {@code metrics/} rows (a long run's metrics
 * can hold millions of rows; only the aggregates reach the driver). Series are in ascending x; a metric the run
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

    public static RunSeries of(RunData run) {
        Dataset<Row> m = run.metrics();
        Column workers = col("worker").geq(0);
        Column driver = col("worker").equalTo(-1);
        Column wholeModel = col("layer").isNull();
        Column perLayer = col("metric").isin("composite_gain_forward", "composite_gain_backward")
                .and(col("layer").isNotNull());
        Row last = m.where(perLayer).agg(max("step")).first();
        long compositeStep = last.isNullAt(0) ? -1 : last.getLong(0);
        List<Row> eventRows = m.where(col("metric").startsWith(EVENT_PREFIX))
                .select("step", "worker", "metric", "layer", "value").orderBy("step", "worker", "metric", "layer")
                .collectAsList();
        List<Event> events = eventRows.stream().map(r -> new Event(r.getLong(0), r.getInt(1), r.getString(2),
                r.isNullAt(3) ? null : r.getString(3), r.getDouble(4))).toList();
        return new RunSeries(run.label(),
                byStep(m, "loss", workers.and(wholeModel), false),
                byStep(m, "val_loss", driver.and(wholeModel), false),
                byStep(m, "grad_norm", workers.and(wholeModel), false),
                compositeStep,
                byLayer(m, "composite_gain_forward", compositeStep, run),
                byLayer(m, "composite_gain_backward", compositeStep, run),
                byStep(m, "max_composite_gain_forward", driver.and(wholeModel), true),
                byStep(m, "max_composite_gain_backward", driver.and(wholeModel), true),
                events);
    }

    /** True if the run recorded no point of any series and no event. */
    public boolean isEmpty() {
        return loss.isEmpty() && valLoss.isEmpty() && gradNorm.isEmpty() && compositeForwardByLayer.isEmpty()
                && compositeBackwardByLayer.isEmpty() && maxGainForward.isEmpty() && maxGainBackward.isEmpty()
                && events.isEmpty();
    }

    private static List<Point> byStep(Dataset<Row> m, String metric, Column rows, boolean largest) {
        Column value = largest ? max("value") : avg("value");
        return m.where(col("metric").equalTo(metric).and(rows)).groupBy("step").agg(value).orderBy("step")
                .collectAsList().stream().map(r -> new Point(r.getLong(0), r.getDouble(1))).toList();
    }

    private static List<Point> byLayer(Dataset<Row> m, String metric, long step, RunData run) {
        if (step < 0) {
            return List.of();
        }
        List<Point> points = new ArrayList<>();
        for (Row r : m.where(col("metric").equalTo(metric).and(col("layer").isNotNull())
                .and(col("step").equalTo(step))).groupBy("layer").agg(avg("value")).collectAsList()) {
            points.add(new Point(sublayerIndex(r.getString(0), run), r.getDouble(1)));
        }
        points.sort(Comparator.comparingDouble(Point::x));
        return points;
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
