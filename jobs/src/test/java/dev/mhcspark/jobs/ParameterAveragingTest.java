package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.StabilityProbe;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.ModelStore;
import dev.mhcspark.model.dl4j.OptimizerSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One averaging round with 2 workers and K = 1, in double precision, checked against a manual computation: the
 * same initial model fitted on each worker's minibatch in this JVM, parameters averaged by hand. Also checks the
 * worker's update norm against the parameter change, and the driver's metric rows against the saved model's probes.
 */
class ParameterAveragingTest {
    @TempDir
    Path tmp;

    @Test
    void afterOneRoundTheDriverHoldsTheMeanOfTheTwoWorkersParameters() throws Exception {
        Path run = tmp.resolve("avg");
        Cli cli = Cli.run(TinyDataset.trainArgs(run, "--steps", "1", "--averaging-frequency", "1", "--warmup", "0",
                "--lr", "1e-2", "--dtype", "double", "--metrics-every", "1"));
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        JsonNode config = RunDirectory.JSON.readTree(run.resolve("config.json").toFile());
        ModelConfig model = ModelStore.readConfig(run.resolve("model"));
        MultiLayerNetwork initial = MhcNetworks.build(model, new OptimizerSettings(1e-2, 0, 1, 0.9, 0.95, 0.1, 1.0),
                42, DataType.DOUBLE);

        Map<Long, DataSet> batches;
        SparkSession spark = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            batches = SparkTrainer.batches(spark.read().parquet(TinyDataset.get().resolve("train").toString()),
                            config.get("rounds_per_epoch").asLong() * 2, 4, 16, 2, "double")
                    .filter(b -> b._1() < 2).collectAsMap();
        } finally {
            spark.stop();
        }
        assertEquals(2, batches.size());
        MultiLayerNetwork worker0 = initial.clone();
        worker0.fit(batches.get(0L));
        MultiLayerNetwork worker1 = initial.clone();
        worker1.fit(batches.get(1L));
        INDArray mean = worker0.params().add(worker1.params()).divi(2);

        MultiLayerNetwork driver = ModelStore.load(run.resolve("model"));
        assertEquals(1, driver.getLayerWiseConfigurations().getIterationCount());
        double diff = maxAbs(driver.params().sub(mean));
        assertTrue(diff < 1e-10, "driver - mean of the workers: " + diff);
        assertTrue(maxAbs(worker0.params().sub(worker1.params())) > 1e-4, "the workers saw different batches");

        List<MetricRecord> metrics = MetricsTable.read(run.resolve("metrics"));
        Map<Integer, Double> updateNorm = metrics.stream().filter(r -> r.metric().equals("update_norm"))
                .collect(Collectors.toMap(MetricRecord::worker, MetricRecord::value));
        // partition w trains minibatch w (b mod 2)
        assertEquals(worker0.params().sub(initial.params()).norm2Number().doubleValue(), updateNorm.get(0), 1e-12);
        assertEquals(worker1.params().sub(initial.params()).norm2Number().doubleValue(), updateNorm.get(1), 1e-12);

        // the driver's rows after the round are the saved model's validation loss and probes
        List<DataSet> val = List.of(validationBatch(0), validationBatch(4));
        StabilityProbe.Report probe = Validation.probe(driver, MhcNetworks.transformer(driver), val);
        Map<String, Double> rows = metrics.stream().filter(r -> r.worker() == MetricRecord.DRIVER && r.step() == 1)
                .collect(Collectors.toMap(r -> r.metric() + "/" + r.layer(), MetricRecord::value));
        assertEquals(Validation.meanLoss(driver, val), rows.get("val_loss/null"), 1e-9);
        assertEquals(probe.maxCompositeForwardGain(), rows.get("max_composite_gain_forward/null"), 1e-12);
        for (StabilityProbe.Sublayer s : probe.sublayers()) {
            assertEquals(s.compositeBackwardMax(), rows.get("composite_gain_backward/sublayer_" + s.index()), 1e-12);
            assertEquals(s.stateRms(), rows.get("state_rms/sublayer_" + s.index()), 1e-12);
        }
    }

    private static DataSet validationBatch(long from) {
        SparkSession spark = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            return SparkTrainer.toDataSet(spark.read().parquet(TinyDataset.get().resolve("val").toString())
                    .where("seq_index >= " + from + " AND seq_index < " + (from + 4)).orderBy("seq_index")
                    .select("seq_index", "tokens").collectAsList(), 16, DataType.DOUBLE);
        } finally {
            spark.stop();
        }
    }

    private static double maxAbs(INDArray a) {
        return Math.max(Math.abs(a.maxNumber().doubleValue()), Math.abs(a.minNumber().doubleValue()));
    }
}
