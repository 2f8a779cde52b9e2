package dev.mhcspark.jobs;

import dev.mhcspark.model.StabilityProbe;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One row of a distributed run's {@code metrics/} Parquet dataset (long format).
 *
 * @param step   training step: on a worker its iteration number + 1 (DL4J numbers a worker's iterations from the
 *               driver's iteration count, which advances by the averaging frequency per averaging round); for
 *               driver rows the driver's iteration count after the fit round
 * @param worker the Spark partition that trained the step (0 .. workers-1), or -1 for metrics computed on the driver
 * @param metric worker rows every {@code --metrics-every} steps: {@code loss}, {@code lr}, {@code grad_norm},
 *               {@code update_norm} and the {@link #probe} rows of the training batch; driver rows at every
 *               validation: {@code val_loss} and the probe rows of the first validation batch (with
 *               {@code state_rms}); divergence events {@code event_nonfinite_loss}, {@code event_loss_spike},
 *               {@code event_gain_threshold} whose value is the offending loss or gain
 * @param layer  the sublayer ({@code sublayer_<i>}) of a per-layer metric, null for whole-model metrics
 */
record MetricRecord(long step, int worker, String metric, String layer, double value) implements Serializable {
    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            field("run_id", DataTypes.StringType, false),
            field("step", DataTypes.LongType, false),
            field("worker", DataTypes.IntegerType, false),
            field("metric", DataTypes.StringType, false),
            field("layer", DataTypes.StringType, true),
            field("value", DataTypes.DoubleType, false)));

    static final int DRIVER = -1;

    /**
     * The rows of one stability probe: the whole-model extremes, and per sublayer the composite and single-layer
     * gains (token max) and, when the probe recorded it, the residual-state RMS.
     */
    static List<MetricRecord> probe(long step, int worker, StabilityProbe.Report r) {
        List<MetricRecord> rows = new ArrayList<>();
        rows.add(new MetricRecord(step, worker, "max_composite_gain_forward", null, r.maxCompositeForwardGain()));
        rows.add(new MetricRecord(step, worker, "max_composite_gain_backward", null, r.maxCompositeBackwardGain()));
        rows.add(new MetricRecord(step, worker, "min_composite_column_sum", null, r.minCompositeColumnSum()));
        rows.add(new MetricRecord(step, worker, "max_sinkhorn_residual", null, r.maxSinkhornResidual()));
        for (StabilityProbe.Sublayer s : r.sublayers()) {
            String layer = "sublayer_" + s.index();
            rows.add(new MetricRecord(step, worker, "composite_gain_forward", layer, s.compositeForwardMax()));
            rows.add(new MetricRecord(step, worker, "composite_gain_backward", layer, s.compositeBackwardMax()));
            rows.add(new MetricRecord(step, worker, "single_gain_forward", layer, s.singleForwardMax()));
            rows.add(new MetricRecord(step, worker, "single_gain_backward", layer, s.singleBackwardMax()));
            if (!Double.isNaN(s.stateRms())) {
                rows.add(new MetricRecord(step, worker, "state_rms", layer, s.stateRms()));
            }
        }
        return rows;
    }

    /** The driver's rows of one validation pass: the loss and the probe of the first validation batch. */
    static List<MetricRecord> validation(long step, double valLoss, StabilityProbe.Report probe) {
        List<MetricRecord> rows = new ArrayList<>();
        rows.add(new MetricRecord(step, DRIVER, "val_loss", null, valLoss));
        rows.addAll(probe(step, DRIVER, probe));
        return rows;
    }

    Row toRow(String runId) {
        return RowFactory.create(runId, step, worker, metric, layer, value);
    }

    private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }
}
