package dev.mhcspark.jobs.report;

import dev.mhcspark.jobs.report.RunSeries.Event;
import dev.mhcspark.jobs.report.RunSeries.Point;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts (XChart, drawn with Java2D and no display), each run overlaid in its own colour:
 * loss and validation loss per step with divergence events marked, gradient norm per step, composite gain per
 * sublayer at the last probed step (log y, the mHC paper's Fig. 3) and the maximum composite gain per step (log y).
 * A chart no run has data for is skipped with a note saying why; points that cannot be drawn (non-finite values,
 * or values &le; 0 on a log axis) are left out and counted in a note.
 */
public final class ReportCharts {
    static {
        // a command-line tool draws off-screen; without this AWT would look for an X display
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    public static final String LOSS = "loss.png";
    public static final String GRAD_NORM = "grad_norm.png";
    public static final String GAIN_BY_LAYER = "composite_gain_by_layer.png";
    public static final String GAIN_BY_STEP = "composite_gain_by_step.png";

    /** Distinguishable on white and in grey print (Tableau 10). */
    private static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xE15759), new Color(0x59A14F),
        new Color(0xF28E2B), new Color(0xB07AA1), new Color(0x76B7B2), new Color(0xEDC948), new Color(0x9C755F),
        new Color(0xFF9DA7), new Color(0xBAB0AC)};

    /**
     * One chart of the report.
     *
     * @param file    the PNG's name
     * @param title   its heading in report.md
     * @param chart   the chart, or null if it was skipped (the notes say why)
     * @param notes   what the reader should know: skipped runs or points, the step a by-layer chart shows
     */
    public record Chart(String file, String title, XYChart chart, List<String> notes) {
        public Chart {
            notes = List.copyOf(notes);
        }

        public boolean drawn() {
            return chart != null;
        }
    }

    private final int width;
    private final int height;

    public ReportCharts(int width, int height) {
        this.width = width;
        this.height = height;
    }

    public List<Chart> all(List<RunSeries> runs) {
        return List.of(loss(runs), gradNorm(runs), compositeGainByLayer(runs), compositeGainByStep(runs));
    }

    /** Mean training loss over workers per step (solid), validation loss (dashed, dots), events (large crosses). */
    public Chart loss(List<RunSeries> runs) {
        XYChart chart = chart("Loss", "step", "loss (nats per token)", false);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunSeries run = runs.get(i);
            add(chart, run.label() + " train", run.loss(), colour(i), false, false, notes);
            add(chart, run.label() + " val", run.valLoss(), colour(i), true, false, notes);
            if (run.loss().isEmpty() && run.valLoss().isEmpty()) {
                notes.add(run.label() + ": no loss or val_loss metrics");
            }
            if (!run.events().isEmpty()) {
                List<Point> marks = new ArrayList<>();
                for (Event e : run.events()) {
                    double y = lossNear(run.loss(), e.step());
                    if (Double.isFinite(y)) {
                        marks.add(new Point(e.step(), y));
                    }
                }
                if (marks.size() < run.events().size()) {
                    notes.add(run.label() + ": " + (run.events().size() - marks.size()) + " divergence event(s) not "
                            + "marked (no finite training loss to place them on); see the events table");
                }
                // a darker cross stands out on the run's own line, whose points share its colour
                XYSeries s = addPoints(chart, run.label() + " events", marks, colour(i).darker().darker(), notes,
                        false);
                if (s != null) {
                    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    s.setMarker(SeriesMarkers.CROSS);
                }
            }
        }
        return finish(LOSS, "Loss (mean over workers per step) and validation loss", chart, notes,
                "no run has loss or val_loss metrics");
    }

    public Chart gradNorm(List<RunSeries> runs) {
        XYChart chart = chart("Gradient norm", "step", "gradient norm (mean over workers)", false);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunSeries run = runs.get(i);
            if (run.gradNorm().isEmpty()) {
                notes.add(run.label() + ": no grad_norm metrics");
            }
            add(chart, run.label(), run.gradNorm(), colour(i), false, false, notes);
        }
        return finish(GRAD_NORM, "Gradient norm", chart, notes, "no run has grad_norm metrics");
    }

    /** The paper's Fig. 3: Amax composite gain of the sublayers 0 .. k per sublayer k, forward and backward. */
    public Chart compositeGainByLayer(List<RunSeries> runs) {
        XYChart chart = chart("Composite gain by sublayer (last probed step)", "sublayer (even: attention, odd: FFN)",
                "composite gain (Amax, log)", true);
        chart.getStyler().setXAxisDecimalPattern("0");
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunSeries run = runs.get(i);
            if (run.compositeStep() < 0) {
                notes.add(run.label() + ": no per-layer composite_gain_forward/backward metrics");
                continue;
            }
            notes.add(run.label() + ": step " + run.compositeStep());
            add(chart, run.label() + " forward", run.compositeForwardByLayer(), colour(i), false, true, notes);
            add(chart, run.label() + " backward", run.compositeBackwardByLayer(), colour(i), true, true, notes);
        }
        return finish(GAIN_BY_LAYER, "Composite gain by sublayer (forward solid, backward dashed)", chart, notes,
                "no run has per-layer composite_gain_* metrics");
    }

    public Chart compositeGainByStep(List<RunSeries> runs) {
        XYChart chart = chart("Max composite gain", "step", "max composite gain (Amax, log)", true);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunSeries run = runs.get(i);
            if (run.maxGainForward().isEmpty() && run.maxGainBackward().isEmpty()) {
                notes.add(run.label() + ": no max_composite_gain_forward/backward metrics");
            }
            add(chart, run.label() + " forward", run.maxGainForward(), colour(i), false, true, notes);
            add(chart, run.label() + " backward", run.maxGainBackward(), colour(i), true, true, notes);
        }
        return finish(GAIN_BY_STEP, "Max composite gain by step (forward solid, backward dashed)", chart, notes,
                "no run has max_composite_gain_* metrics");
    }

    /**
     * Where an event at {@code step} sits on the loss curve: the last finite training loss at or before it, else
     * the first finite one after it (an event often is the step whose loss was not finite); NaN if there is none.
     */
    static double lossNear(List<Point> loss, long step) {
        double before = Double.NaN;
        for (Point p : loss) {
            if (p.x() <= step && Double.isFinite(p.y())) {
                before = p.y();
            }
        }
        if (Double.isFinite(before)) {
            return before;
        }
        return loss.stream().filter(p -> p.x() > step && Double.isFinite(p.y())).mapToDouble(Point::y).findFirst()
                .orElse(Double.NaN);
    }

    private XYChart chart(String title, String xTitle, String yTitle, boolean logY) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        // beside the plot, one series a line: a row below it would be cut off once a few runs are overlaid
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLegendLayout(Styler.LegendLayout.Vertical);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setAntiAlias(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        // label 2, 3, ... 9 too: gains of interest (1.0 vs 1.6) often lie within one decade
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        // room for 5-digit step labels: XChart's default spacing lets "105120135" run together on narrow charts
        chart.getStyler().setXAxisTickMarkSpacingHint(100);
        if (!logY) {
            // XChart's default pattern prints every digit of a fine tick spacing (1.234375)
            chart.getStyler().setYAxisDecimalPattern("#,##0.####");
        }
        return chart;
    }

    private static void add(XYChart chart, String name, List<Point> points, Color colour, boolean dashed,
            boolean logY, List<String> notes) {
        XYSeries s = addPoints(chart, name, points, colour, notes, logY);
        if (s == null) {
            return;
        }
        s.setMarker(points.size() <= 30 || dashed ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        if (dashed) {
            s.setLineStyle(SeriesLines.DASH_DASH);
        } else {
            s.setLineStyle(new BasicStroke(1.8f));
        }
    }

    /** Adds the drawable points as a series; null (nothing added) if none is drawable. */
    private static XYSeries addPoints(XYChart chart, String name, List<Point> points, Color colour,
            List<String> notes, boolean logY) {
        List<Point> drawable = points.stream()
                .filter(p -> Double.isFinite(p.y()) && (!logY || p.y() > 0)).toList();
        int dropped = points.size() - drawable.size();
        if (dropped > 0) {
            notes.add(name + ": " + dropped + " of " + points.size() + " points not drawn (" + (logY
                    ? "not finite or not > 0 on the log axis" : "not finite") + ")");
        }
        if (drawable.isEmpty()) {
            return null;
        }
        XYSeries s = chart.addSeries(name, column(drawable, Point::x), column(drawable, Point::y));
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        return s;
    }

    private static double[] column(List<Point> points, Function<Point, Double> value) {
        return points.stream().mapToDouble(value::apply).toArray();
    }

    private static Chart finish(String file, String title, XYChart chart, List<String> notes, String whyNone) {
        if (chart.getSeriesMap().isEmpty()) {
            return new Chart(file, title, null, List.of("skipped: " + whyNone));
        }
        if (chart.getStyler().isYAxisLogarithmic()) {
            decades(chart);
        }
        return new Chart(file, title, chart, notes);
    }

    /**
     * Widens a log axis to whole decades around the data: gains that stay near 1 (residual, mHC) would otherwise
     * give a sliver of an axis without a tick, and whole decades keep runs comparable with the paper's figure.
     */
    private static void decades(XYChart chart) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                min = Math.min(min, y);
                max = Math.max(max, y);
            }
        }
        double low = Math.pow(10, Math.floor(Math.log10(min)));
        double high = Math.pow(10, Math.ceil(Math.log10(max)));
        if (high <= low) {
            high = low * 10;
        }
        chart.getStyler().setYAxisMin(low);
        chart.getStyler().setYAxisMax(high);
    }

    private static Color colour(int run) {
        return PALETTE[run % PALETTE.length];
    }
}
