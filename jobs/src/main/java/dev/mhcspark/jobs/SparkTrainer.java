package dev.mhcspark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import dev.mhcspark.model.StabilityProbe;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.ModelStore;
import dev.mhcspark.model.dl4j.TransformerLayerImpl;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * Trains one model with DL4J parameter averaging on Spark ({@code --master local[N] | spark://... | yarn}) over
 * the {@code train/} Parquet shards of a tokenized dataset.
 *
 * <p>Data: {@code train/} is read with Spark; the first {@code B x batch} sequences (B = full batches) are dealt
 * to B minibatches by {@code seq_index mod B} (so a batch mixes sequences from across the corpus), shuffled to
 * {@code workers} partitions and turned into DL4J {@link DataSet}s on the executors (features = tokens[0..T-1],
 * labels = tokens[1..T], both [batch, T] in the model's data type, as the single-process trainer builds them).
 * One {@code fit()} call per epoch; inside it DL4J splits the batches into rounds of {@code workers x K}, each
 * worker fits K minibatches, and the driver averages parameters (and Adam state) after every round.
 */
final class SparkTrainer {
    private static final long PROGRESS_MILLIS = 10_000;

    private final SparkSession spark;
    private final SparkTrainSettings settings;
    private final String trainPath;
    private final List<Row> validationRows;
    private final int seqLen;
    private final RunDirectory run;
    private final PrintStream out;
    private final DataType dataType;
    private final String runId;
    private List<DataSet> validation;

    SparkTrainer(SparkSession spark, SparkTrainSettings settings, String trainPath, List<Row> validationRows,
                 RunDirectory run, PrintStream out) {
        this.spark = spark;
        this.settings = settings;
        this.trainPath = trainPath;
        this.validationRows = validationRows;
        this.seqLen = settings.model().contextLength();
        this.run = run;
        this.out = out;
        this.dataType = DataType.valueOf(settings.dataType().toUpperCase(Locale.ROOT));
        this.runId = run.path().getFileName().toString();
    }

    Map<String, Object> train() {
        long started = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        MultiLayerNetwork net = MhcNetworks.build(settings.model(), settings.optimizer(), settings.seed(), dataType);
        TransformerLayerImpl layer = MhcNetworks.transformer(net);
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(settings.workers(),
                settings.batch())
                .batchSizePerWorker(settings.batch())
                .averagingFrequency(settings.averagingFrequency())
                .workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .saveUpdater(true)
                .rngSeed(settings.seed())
                .build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net, master);
        CollectionAccumulator<MetricRecord> sink = spark.sparkContext().collectionAccumulator("mhc-worker-metrics");
        sparkNet.setListeners(List.of(new WorkerMetricsListener(sink, settings.metricsEvery())));

        long batches = settings.batchesPerEpoch();
        long tokensPerEpoch = batches * settings.batch() * seqLen;
        out.printf("training %s on Spark (%s): %,d parameters, %d blocks, d_model %d, n %d; %,d batches of %d x %d "
                        + "tokens per epoch, %d workers, averaging every %d batches (%d rounds/epoch), %d epoch(s)%n",
                settings.model().connection(), settings.master(), net.numParams(), settings.model().blocks(),
                settings.model().dModel(), settings.model().streams(), batches, settings.batch(), seqLen,
                settings.workers(), settings.averagingFrequency(),
                SparkTrainSettings.roundsPerEpoch(batches, settings.workers(), settings.averagingFrequency()),
                settings.epochs());
        run.writeJson("train.json", settings);

        double valLoss = Validation.meanLoss(net, validation());
        StabilityProbe.Report probe = Validation.probe(net, layer, validation());
        List<MetricRecord> driverRows = new ArrayList<>();
        addDriverRows(driverRows, 0, valLoss, probe);
        writeMetrics(driverRows);
        double maxForward = probe.maxCompositeForwardGain();
        double maxBackward = probe.maxCompositeBackwardGain();
        double minColumnSum = probe.minCompositeColumnSum();
        double maxSinkhorn = probe.maxSinkhornResidual();
        out.printf("epoch %d/%d  val %.4f%n", 0, settings.epochs(), valLoss);

        double initialLoss = Double.NaN;
        double lastLoss = Double.NaN;
        long trainNanos = 0;
        long records = 0;
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            JavaRDD<DataSet> data = batches(spark.read().parquet(trainPath), batches, settings.batch(), seqLen,
                    settings.workers(), settings.dataType());
            long t0 = System.nanoTime();
            long firstStep = net.getLayerWiseConfigurations().getIterationCount();
            long lastStep = firstStep + SparkTrainSettings.roundsPerEpoch(batches, settings.workers(),
                    settings.averagingFrequency()) * settings.averagingFrequency();
            try (RoundProgress progress = new RoundProgress(sink, firstStep, lastStep,
                    (long) settings.workers() * settings.batch() * seqLen, out, PROGRESS_MILLIS)) {
                sparkNet.fit(data);
            }
            trainNanos += System.nanoTime() - t0;
            List<MetricRecord> workerRows = new ArrayList<>(sink.value());
            sink.reset();
            records += workerRows.size();
            List<MetricRecord> losses = workerRows.stream().filter(r -> r.metric().equals("loss")).toList();
            if (losses.isEmpty()) {
                throw new IllegalStateException("epoch " + epoch + ": no loss records arrived from the workers");
            }
            if (losses.stream().anyMatch(r -> !Double.isFinite(r.value()))) {
                throw new IllegalStateException("training diverged in epoch " + epoch + ": a worker's loss is not "
                        + "finite");
            }
            long minStep = losses.stream().mapToLong(MetricRecord::step).min().getAsLong();
            long maxStep = losses.stream().mapToLong(MetricRecord::step).max().getAsLong();
            if (epoch == 1) {
                initialLoss = mean(losses, minStep, minStep);
            }
            // the last averaging round: every worker's records of the last K steps
            lastLoss = mean(losses, maxStep - settings.averagingFrequency() + 1, maxStep);
            int step = net.getLayerWiseConfigurations().getIterationCount();
            valLoss = Validation.meanLoss(net, validation());
            probe = Validation.probe(net, layer, validation());
            maxForward = Math.max(maxForward, probe.maxCompositeForwardGain());
            maxBackward = Math.max(maxBackward, probe.maxCompositeBackwardGain());
            minColumnSum = Math.min(minColumnSum, probe.minCompositeColumnSum());
            maxSinkhorn = Math.max(maxSinkhorn, probe.maxSinkhornResidual());
            List<MetricRecord> rows = new ArrayList<>(workerRows);
            addDriverRows(rows, step, valLoss, probe);
            writeMetrics(rows);
            double tokPerSec = tokensPerEpoch * (double) epoch / (trainNanos / 1e9);
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("epoch", epoch);
            rec.put("step", step);
            rec.put("loss", lastLoss);
            rec.put("val_loss", valLoss);
            rec.put("tokens_per_second", tokPerSec);
            rec.put("worker_records", workerRows.size());
            run.appendMetrics(rec);
            out.printf("epoch %d/%d  step %d  loss %.4f  val %.4f  %,.0f tok/s  gain fwd %.3f bwd %.3f  (%d worker "
                            + "records)%n", epoch, settings.epochs(), step, lastLoss, valLoss, tokPerSec,
                    probe.maxCompositeForwardGain(), probe.maxCompositeBackwardGain(), workerRows.size());
        }
        ModelStore.save(net, run.modelDir());
        double wall = (System.nanoTime() - started) / 1e9;
        long tokens = tokensPerEpoch * settings.epochs();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("connection", settings.model().connection().id());
        summary.put("parameters", net.numParams());
        summary.put("steps", net.getLayerWiseConfigurations().getIterationCount());
        summary.put("epochs", settings.epochs());
        summary.put("batches", batches * settings.epochs());
        summary.put("tokens", tokens);
        summary.put("initial_loss", initialLoss);
        summary.put("final_loss", lastLoss);
        summary.put("final_val_loss", valLoss);
        summary.put("max_composite_gain_forward", maxForward);
        summary.put("max_composite_gain_backward", maxBackward);
        summary.put("min_composite_column_sum", minColumnSum);
        summary.put("max_sinkhorn_residual", maxSinkhorn);
        summary.put("tokens_per_second", tokens / (trainNanos / 1e9));
        summary.put("diverged", false);
        summary.put("wall_seconds", wall);
        summary.put("workers", settings.workers());
        summary.put("averaging_frequency", settings.averagingFrequency());
        summary.put("worker_metric_records", records);
        run.writeJson("summary.json", summary);
        try {
            run.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.printf("done: %s on Spark, %d workers, %d steps, loss %.4f -> %.4f, val %.4f, max composite gain %.3f, "
                        + "%,.0f tok/s, %.0f s; model in %s%n", settings.model().connection(), settings.workers(),
                summary.get("steps"), initialLoss, lastLoss, valLoss, Math.max(maxForward, maxBackward),
                summary.get("tokens_per_second"), wall, run.modelDir());
        return summary;
    }

    /**
     * The training minibatches of one epoch, built on the executors: the first {@code batches x batch} sequences
     * of {@code train}, sequence i going to batch {@code i mod batches}, batch b to partition {@code b mod workers}.
     *
     * <p>{@code batches} must be a multiple of {@code workers x K} ({@link SparkTrainSettings#batchesPerEpoch}):
     * DL4J deals each partition's elements round-robin to the {@code batches / (workers x K)} averaging rounds, and
     * a worker fits at most K minibatches per round, silently dropping the rest. With equal partitions whose sizes
     * are multiples of the round count, every round holds exactly K minibatches per worker and none is dropped.
     */
    static JavaRDD<DataSet> batches(Dataset<Row> train, long batches, int batch, int seqLen, int workers,
                                    String dataType) {
        JavaRDD<Row> rows = train
                .filter(col("seq_index").lt(lit(batches * batch)))
                .select(pmod(col("seq_index"), lit(batches)).as("batch_id"), col("seq_index"), col("tokens"))
                .toJavaRDD();
        BatchBuilder builder = new BatchBuilder(batch, seqLen, dataType);
        return rows.mapToPair(r -> new Tuple2<>(r.getLong(0), r))
                .groupByKey(new ModuloPartitioner(workers))
                .map(group -> {
                    List<Row> sorted = new ArrayList<>();
                    group._2().forEach(sorted::add);
                    sorted.sort(java.util.Comparator.comparingLong(r -> r.getLong(1)));
                    return builder.call(sorted.iterator()).next();
                });
    }

    /** Batch id b → partition b mod n. */
    static final class ModuloPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        ModuloPartitioner(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (int) Math.floorMod((Long) key, (long) partitions);
        }
    }

    /** Rows of one batch (sorted by seq_index) → one {@link DataSet}; rows are (batch_id, seq_index, tokens). */
    static final class BatchBuilder implements FlatMapFunction<Iterator<Row>, DataSet> {
        private static final long serialVersionUID = 1L;
        private final int batch;
        private final int seqLen;
        private final String dataType;

        BatchBuilder(int batch, int seqLen, String dataType) {
            this.batch = batch;
            this.seqLen = seqLen;
            this.dataType = dataType;
        }

        @Override
        public Iterator<DataSet> call(Iterator<Row> rows) {
            DataType type = DataType.valueOf(dataType.toUpperCase(Locale.ROOT));
            return new Iterator<>() {
                Row pending = rows.hasNext() ? rows.next() : null;

                @Override
                public boolean hasNext() {
                    return pending != null;
                }

                @Override
                public DataSet next() {
                    if (pending == null) {
                        throw new NoSuchElementException();
                    }
                    long id = pending.getLong(0);
                    List<Row> group = new ArrayList<>(batch);
                    while (pending != null && pending.getLong(0) == id) {
                        group.add(pending);
                        pending = rows.hasNext() ? rows.next() : null;
                    }
                    if (group.size() != batch) {
                        throw new IllegalStateException("batch " + id + " has " + group.size() + " sequences, "
                                + "expected " + batch + ": seq_index of train/ is not 0 .. n-1 without gaps");
                    }
                    double[] features = new double[batch * seqLen];
                    double[] labels = new double[batch * seqLen];
                    for (int i = 0; i < batch; i++) {
                        Object column = group.get(i).get(2);
                        @SuppressWarnings("unchecked")
                        List<Integer> tokens = column instanceof List<?> list ? (List<Integer>) list
                                : group.get(i).getList(2);
                        if (tokens.size() < seqLen + 1) {
                            throw new IllegalStateException("sequence " + group.get(i).getLong(1) + " has "
                                    + tokens.size() + " tokens, expected at least " + (seqLen + 1));
                        }
                        for (int j = 0; j < seqLen; j++) {
                            features[i * seqLen + j] = tokens.get(j);
                            labels[i * seqLen + j] = tokens.get(j + 1);
                        }
                    }
                    return new DataSet(Nd4j.create(features, new long[] {batch, seqLen}, type),
                            Nd4j.create(labels, new long[] {batch, seqLen}, type));
                }
            };
        }
    }

    private List<DataSet> validation() {
        if (validation == null) {
            validation = new ArrayList<>();
            for (int from = 0; from < validationRows.size(); from += settings.batch()) {
                List<Row> chunk = validationRows.subList(from, Math.min(validationRows.size(), from + settings.batch()));
                Iterator<DataSet> it = new BatchBuilder(chunk.size(), seqLen, settings.dataType())
                        .call(chunk.stream().map(r -> (Row) org.apache.spark.sql.RowFactory.create(0L, r.getLong(0),
                                r.getList(1))).iterator());
                validation.add(it.next());
            }
        }
        return validation;
    }

    private static void addDriverRows(List<MetricRecord> rows, long step, double valLoss, StabilityProbe.Report r) {
        int d = MetricRecord.DRIVER;
        rows.add(new MetricRecord(step, d, "val_loss", null, valLoss));
        rows.add(new MetricRecord(step, d, "max_composite_gain_forward", null, r.maxCompositeForwardGain()));
        rows.add(new MetricRecord(step, d, "max_composite_gain_backward", null, r.maxCompositeBackwardGain()));
        rows.add(new MetricRecord(step, d, "min_composite_column_sum", null, r.minCompositeColumnSum()));
        rows.add(new MetricRecord(step, d, "max_sinkhorn_residual", null, r.maxSinkhornResidual()));
        for (StabilityProbe.Sublayer s : r.sublayers()) {
            String layer = "sublayer_" + s.index();
            rows.add(new MetricRecord(step, d, "composite_gain_forward", layer, s.compositeForwardMax()));
            rows.add(new MetricRecord(step, d, "composite_gain_backward", layer, s.compositeBackwardMax()));
            rows.add(new MetricRecord(step, d, "state_rms", layer, s.stateRms()));
        }
    }

    private void writeMetrics(List<MetricRecord> rows) {
        List<Row> sparkRows = rows.stream().map(r -> r.toRow(runId)).toList();
        spark.createDataFrame(sparkRows, MetricRecord.SCHEMA).coalesce(1).write().mode(SaveMode.Append)
                .parquet(run.path().resolve("metrics").toAbsolutePath().toString());
    }

    private static double mean(List<MetricRecord> records, long fromStep, long toStep) {
        return records.stream().filter(r -> r.step() >= fromStep && r.step() <= toStep)
                .mapToDouble(MetricRecord::value).average().orElse(Double.NaN);
    }
}
