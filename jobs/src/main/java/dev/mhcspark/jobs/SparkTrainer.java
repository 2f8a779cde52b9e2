package dev.mhcspark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.model.StabilityProbe;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.TransformerLayerImpl;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * Trains one model with DL4J parameter averaging on Spark ({@code --master local[N] | local-cluster | spark:// |
 * yarn | k8s://}) over the {@code train/} Parquet shards of a tokenized dataset.
 *
 * <p>Data: the first {@code batchesPerEpoch x batch} sequences of {@code train/} are dealt to minibatches by
 * {@code seq_index mod batchesPerEpoch} (so a minibatch mixes sequences from across the corpus), minibatch b to
 * worker (partition) {@code b mod workers}, and turned into DL4J {@link DataSet}s on the executors (features =
 * tokens[0..T-1], labels = tokens[1..T]); an epoch's minibatches are cached on the executors. Round r of an epoch
 * trains minibatches {@code [r W K, (r+1) W K)}: each worker fits its K of them in order, then the driver averages
 * parameters and Adam state. One {@code fit()} call per round keeps the data order a pure function of the round,
 * so a resumed run repeats exactly what an uninterrupted one would have done.
 *
 * <p>Between rounds the driver reads the workers' metric records, runs the {@link DivergenceGuard}, validates every
 * {@code evalEvery} steps, appends to {@code metrics/} and checkpoints every {@code checkpointEvery} steps.
 */
final class SparkTrainer {
    private static final long PROGRESS_NANOS = 10_000_000_000L;

    private final SparkSession spark;
    private final SparkTrainSettings settings;
    private final String trainPath;
    private final List<DataSet> validation;
    private final RunDirectory run;
    private final PrintStream out;
    private final DataType dataType;
    private final int seqLen;

    SparkTrainer(SparkSession spark, SparkTrainSettings settings, String trainPath, List<Row> validationRows,
                 RunDirectory run, PrintStream out) {
        this.spark = spark;
        this.settings = settings;
        this.trainPath = trainPath;
        this.run = run;
        this.out = out;
        this.dataType = DataType.valueOf(settings.dataType().toUpperCase(Locale.ROOT));
        this.seqLen = settings.model().contextLength();
        this.validation = validationBatches(validationRows);
    }

    /**
     * What a checkpoint holds besides the model and its updater state (which carry the step): the counters and
     * extremes the summary is made of, and the divergence guard's moving average. There is no other random state:
     * the data order is a function of the round, and the model has no dropout.
     */
    record State(@JsonProperty("round") long round, @JsonProperty("step") long step,
                 @JsonProperty("initial_loss") double initialLoss, @JsonProperty("last_loss") double lastLoss,
                 @JsonProperty("val_loss") double valLoss, @JsonProperty("extremes") GainExtremes extremes,
                 @JsonProperty("train_seconds") double trainSeconds, @JsonProperty("worker_records") long records,
                 @JsonProperty("loss_average") double lossAverage, @JsonProperty("events") long events) {
        static State of(JsonNode json) {
            return RunDirectory.JSON.convertValue(json, State.class);
        }
    }

    /** Trains from scratch (no checkpoint given) or from a checkpoint, and returns the summary it wrote. */
    Map<String, Object> train(RunDirectory.Checkpoint resumeFrom) {
        long started = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LocalWorkerThreads.apply(jsc.master(), settings.workers(), out, "train");
        MultiLayerNetwork net = resumeFrom != null ? resumeFrom.net()
                : MhcNetworks.build(settings.model(), settings.optimizer(), settings.seed(), dataType);
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(settings.workers(),
                settings.batch())
                .batchSizePerWorker(settings.batch())
                .averagingFrequency(settings.averagingFrequency())
                .workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                // our partitioning already gives every worker its K minibatches of the round, in order
                .repartionData(Repartition.Never)
                .saveUpdater(true)
                .rngSeed(settings.seed())
                .build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net, master);
        CollectionAccumulator<MetricRecord> sink = spark.sparkContext().collectionAccumulator("mhc-worker-metrics");
        sparkNet.setListeners(List.of(new WorkerMetricsListener(sink, settings.metricsEvery())));
        long tokensPerRound = settings.batchesPerRound() * settings.batch() * seqLen;

        State state;
        if (resumeFrom == null) {
            run.writeJson(RunDirectory.CONFIG, settings);
            double valLoss = Validation.meanLoss(net, validation);
            StabilityProbe.Report probe = Validation.probe(net, MhcNetworks.transformer(net), validation);
            run.metrics().append(MetricRecord.validation(0, valLoss, probe));
            state = new State(0, 0, Double.NaN, Double.NaN, valLoss, GainExtremes.NONE.with(probe), 0, 0,
                    Double.NaN, 0);
        } else {
            state = State.of(resumeFrom.state());
            run.metrics().truncateAfter(state.step());
            out.printf("resuming %s from %s: step %d of %d%n", run.location(), resumeFrom.location(), state.step(),
                    settings.steps());
        }
        out.printf("training %s on Spark (%s): %,d parameters, %d blocks, d_model %d, n %d; %d workers x %d "
                        + "sequences of %d tokens per step, averaging every %d steps; %,d rounds (%,d per epoch), "
                        + "%,d steps%n",
                settings.model().connection(), settings.master(), net.numParams(), settings.model().blocks(),
                settings.model().dModel(), settings.model().streams(), settings.workers(), settings.batch(), seqLen,
                settings.averagingFrequency(), settings.rounds(), settings.roundsPerEpoch(), settings.steps());

        DivergenceGuard guard = new DivergenceGuard(settings.guard(), state.lossAverage());
        Snapshot lastGood = new Snapshot(net);
        double initialLoss = state.initialLoss();
        double lastLoss = state.lastLoss();
        double valLoss = state.valLoss();
        GainExtremes extremes = state.extremes();
        double trainSeconds = state.trainSeconds();
        long records = state.records();
        long events = state.events();
        boolean diverged = false;
        long round = state.round();
        long sessionStart = System.nanoTime();
        long sessionRounds = 0;
        long lastLine = System.nanoTime();
        JavaPairRDD<Long, DataSet> epochBatches = null;
        long cachedEpoch = -1;
        while (round < settings.rounds() && !diverged) {
            long epoch = round / settings.roundsPerEpoch();
            if (epoch != cachedEpoch) {
                if (epochBatches != null) {
                    epochBatches.unpersist(false);
                }
                epochBatches = batches(spark.read().parquet(trainPath), settings.batchesPerEpoch(), settings.batch(),
                        seqLen, settings.workers(), settings.dataType()).persist(StorageLevel.MEMORY_AND_DISK());
                cachedEpoch = epoch;
            }
            long first = round % settings.roundsPerEpoch() * settings.batchesPerRound();
            long end = first + settings.batchesPerRound();
            long t0 = System.nanoTime();
            sparkNet.fit(epochBatches.filter(b -> b._1() >= first && b._1() < end).values());
            trainSeconds += (System.nanoTime() - t0) / 1e9;
            net = sparkNet.getNetwork();
            round++;
            sessionRounds++;
            long step = round * settings.averagingFrequency();
            List<MetricRecord> rows = new ArrayList<>(sink.value());
            sink.reset();
            rows.sort(Comparator.comparingLong(MetricRecord::step).thenComparingInt(MetricRecord::worker));
            records += rows.size();
            List<MetricRecord> found = guard.check(rows);
            rows.addAll(found);
            if (!found.isEmpty()) {
                events += found.size();
                for (MetricRecord e : found) {
                    out.println("divergence: " + DivergenceGuard.describe(e) + " (--on-divergence "
                            + settings.guard().action().name().toLowerCase(Locale.ROOT) + ")");
                }
                switch (settings.guard().action()) {
                    case STOP -> {
                        lastGood.restore(net, true);
                        step = lastGood.step;
                        round = step / settings.averagingFrequency();
                        diverged = true;
                    }
                    // keeps the step count: the schedule moves on as if the round had been trained
                    case SKIP -> lastGood.restore(net, false);
                    case CONTINUE -> {
                    }
                }
            }
            if (found.isEmpty() || settings.guard().action() == DivergenceGuard.Action.CONTINUE) {
                double loss = meanLoss(rows, step);
                if (!Double.isNaN(loss)) {
                    lastLoss = loss;
                    if (Double.isNaN(initialLoss)) {
                        initialLoss = meanLoss(rows, rows.stream().mapToLong(MetricRecord::step).min().orElse(0));
                    }
                }
                extremes = extremes.withWorkerRows(rows);
                lastGood.take(net);
            }
            boolean last = round >= settings.rounds() || diverged;
            if (crosses(step, settings.evalEvery()) || last) {
                valLoss = Validation.meanLoss(net, validation);
                StabilityProbe.Report probe = Validation.probe(net, MhcNetworks.transformer(net), validation);
                extremes = extremes.with(probe);
                rows.addAll(MetricRecord.validation(step, valLoss, probe));
            }
            run.metrics().append(rows);
            if (crosses(step, settings.checkpointEvery()) || last) {
                run.saveCheckpoint(net, step, new State(round, step, initialLoss, lastLoss, valLoss, extremes,
                        trainSeconds, records, guard.lossAverage(), events));
            }
            if (System.nanoTime() - lastLine >= PROGRESS_NANOS || last) {
                lastLine = System.nanoTime();
                double tokPerSec = sessionRounds * tokensPerRound / ((lastLine - sessionStart) / 1e9);
                double eta = (settings.rounds() - round) * (lastLine - sessionStart) / 1e9 / sessionRounds;
                out.printf("step %6d/%d  loss %.4f  val %.4f  lr %.2e  %,.0f tok/s  gain fwd %.3f bwd %.3f  ETA %s%n",
                        step, settings.steps(), lastLoss, valLoss, net.getLearningRate(0), tokPerSec,
                        extremes.forward(), extremes.backward(), Clock.format(eta));
            }
        }
        if (epochBatches != null) {
            epochBatches.unpersist(false);
        }
        run.saveModel(net);
        double wall = (System.nanoTime() - started) / 1e9;
        long steps = net.getLayerWiseConfigurations().getIterationCount();
        long tokens = round * tokensPerRound;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("connection", settings.model().connection().id());
        summary.put("parameters", net.numParams());
        summary.put("steps", steps);
        summary.put("rounds", round);
        summary.put("epochs", (double) round / settings.roundsPerEpoch());
        summary.put("tokens", tokens);
        summary.put("initial_loss", initialLoss);
        summary.put("final_loss", lastLoss);
        summary.put("final_val_loss", valLoss);
        extremes.putInto(summary);
        summary.put("tokens_per_second", tokens / trainSeconds);
        summary.put("diverged", diverged);
        summary.put("divergence_events", events);
        summary.put("wall_seconds", wall);
        summary.put("workers", settings.workers());
        summary.put("averaging_frequency", settings.averagingFrequency());
        summary.put("worker_metric_records", records);
        run.writeJson(RunDirectory.SUMMARY, summary);
        out.printf("%s: %s on Spark, %d workers, %d steps, loss %.4f -> %.4f, val %.4f, max composite gain %.3f, "
                        + "%,.0f tok/s, %s; run in %s%n", diverged ? "stopped (diverged)" : "done",
                settings.model().connection(), settings.workers(), steps, initialLoss, lastLoss, valLoss,
                Math.max(extremes.forward(), extremes.backward()), summary.get("tokens_per_second"),
                Clock.format(wall), run.location());
        return summary;
    }

    /** True if the round that ended at {@code step} passed a multiple of {@code every}. */
    private boolean crosses(long step, int every) {
        return step / every > (step - settings.averagingFrequency()) / every;
    }

    private static double meanLoss(List<MetricRecord> rows, long step) {
        return rows.stream().filter(r -> r.step() == step && r.metric().equals("loss"))
                .mapToDouble(MetricRecord::value).average().orElse(Double.NaN);
    }

    /** The parameters and updater state after the last round the guard accepted. */
    private static final class Snapshot {
        private final INDArray params;
        private final INDArray updater;
        private long step;

        Snapshot(MultiLayerNetwork net) {
            params = net.params().dup();
            updater = net.getUpdater().getStateViewArray().dup();
            step = net.getLayerWiseConfigurations().getIterationCount();
        }

        void take(MultiLayerNetwork net) {
            params.assign(net.params());
            updater.assign(net.getUpdater().getStateViewArray());
            step = net.getLayerWiseConfigurations().getIterationCount();
        }

        void restore(MultiLayerNetwork net, boolean stepToo) {
            net.params().assign(params);
            net.getUpdater().getStateViewArray().assign(updater);
            if (stepToo) {
                net.getLayerWiseConfigurations().setIterationCount((int) step);
            }
        }
    }

    /**
     * The minibatches of one epoch keyed by their index b, built on the executors: the first
     * {@code batches x batch} sequences of {@code train}, sequence i going to minibatch {@code i mod batches},
     * minibatch b to partition {@code b mod workers}, each partition's minibatches in index order.
     */
    static JavaPairRDD<Long, DataSet> batches(Dataset<Row> train, long batches, int batch, int seqLen, int workers,
                                              String dataType) {
        long sequences = batches * batch;
        // key: (minibatch, sequence) as one long that sorts minibatch-major
        return train.filter(col("seq_index").lt(lit(sequences)))
                .select(col("seq_index"), col("tokens"))
                .toJavaRDD()
                .mapToPair(r -> new Tuple2<>(r.getLong(0) % batches * sequences + r.getLong(0), r))
                .repartitionAndSortWithinPartitions(new BatchPartitioner(workers, sequences))
                .mapPartitionsToPair(new BatchBuilder(batch, seqLen, dataType, sequences));
    }

    /** Key (minibatch b, sequence) → partition b mod n. */
    static final class BatchPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;
        private final long stride;

        BatchPartitioner(int partitions, long stride) {
            this.partitions = partitions;
            this.stride = stride;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (int) Math.floorMod((Long) key / stride, (long) partitions);
        }
    }

    /** Sorted (key, row) pairs of consecutive minibatches → (minibatch index, {@link DataSet}). */
    static final class BatchBuilder implements PairFlatMapFunction<Iterator<Tuple2<Long, Row>>, Long, DataSet> {
        private static final long serialVersionUID = 1L;
        private final int batch;
        private final int seqLen;
        private final String dataType;
        private final long stride;

        BatchBuilder(int batch, int seqLen, String dataType, long stride) {
            this.batch = batch;
            this.seqLen = seqLen;
            this.dataType = dataType;
            this.stride = stride;
        }

        @Override
        public Iterator<Tuple2<Long, DataSet>> call(Iterator<Tuple2<Long, Row>> rows) {
            DataType type = DataType.valueOf(dataType.toUpperCase(Locale.ROOT));
            return new Iterator<>() {
                Tuple2<Long, Row> pending = rows.hasNext() ? rows.next() : null;

                @Override
                public boolean hasNext() {
                    return pending != null;
                }

                @Override
                public Tuple2<Long, DataSet> next() {
                    if (pending == null) {
                        throw new NoSuchElementException();
                    }
                    long id = pending._1() / stride;
                    List<Row> group = new ArrayList<>(batch);
                    while (pending != null && pending._1() / stride == id) {
                        group.add(pending._2());
                        pending = rows.hasNext() ? rows.next() : null;
                    }
                    if (group.size() != batch) {
                        throw new IllegalStateException("minibatch " + id + " has " + group.size() + " sequences, "
                                + "expected " + batch + ": seq_index of train/ is not 0 .. n-1 without gaps");
                    }
                    return new Tuple2<>(id, toDataSet(group, seqLen, type));
                }
            };
        }
    }

    /** Rows (seq_index, tokens) → features tokens[0..T-1] and labels tokens[1..T], both [rows, T]. */
    static DataSet toDataSet(List<Row> rows, int seqLen, DataType type) {
        int n = rows.size();
        double[] features = new double[n * seqLen];
        double[] labels = new double[n * seqLen];
        for (int i = 0; i < n; i++) {
            List<Integer> tokens = rows.get(i).getList(1);
            if (tokens.size() < seqLen + 1) {
                throw new IllegalStateException("sequence " + rows.get(i).getLong(0) + " has " + tokens.size()
                        + " tokens, expected at least " + (seqLen + 1));
            }
            for (int j = 0; j < seqLen; j++) {
                features[i * seqLen + j] = tokens.get(j);
                labels[i * seqLen + j] = tokens.get(j + 1);
            }
        }
        return new DataSet(Nd4j.create(features, new long[] {n, seqLen}, type),
                Nd4j.create(labels, new long[] {n, seqLen}, type));
    }

    private List<DataSet> validationBatches(List<Row> rows) {
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += settings.batch()) {
            batches.add(toDataSet(rows.subList(from, Math.min(rows.size(), from + settings.batch())), seqLen,
                    dataType));
        }
        return batches;
    }
}
