package dev.mhcspark.jobs;

import java.io.Serializable;
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
 * @param metric e.g. {@code loss}, {@code lr}, {@code val_loss}, {@code max_composite_gain_forward}
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

    Row toRow(String runId) {
        return RowFactory.create(runId, step, worker, metric, layer, value);
    }

    private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }
}
