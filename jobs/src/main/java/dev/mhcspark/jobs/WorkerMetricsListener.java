package dev.mhcspark.jobs;

import dev.mhcspark.model.dl4j.MhcNetworks;
import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Runs inside every Spark training task (DL4J serialises the listeners to the workers) and records, every
 * {@code every} iterations, the worker's data loss (mean next-token cross-entropy of the batch, without the
 * weight-decay term) and learning rate into a {@link CollectionAccumulator}; the driver reads it after each
 * {@code fit()} call. The worker id is the Spark partition of the training task.
 */
final class WorkerMetricsListener extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CollectionAccumulator<MetricRecord> sink;
    private final int every;

    WorkerMetricsListener(CollectionAccumulator<MetricRecord> sink, int every) {
        this.sink = sink;
        this.every = every;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        // DL4J calls this with the iteration number before it increments the count: the finished step is iteration + 1
        long step = iteration + 1L;
        if (step % every != 0) {
            return;
        }
        TaskContext task = TaskContext.get();
        int worker = task == null ? MetricRecord.DRIVER : task.partitionId();
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        sink.add(new MetricRecord(step, worker, "loss", null, MhcNetworks.transformer(net).lastDataLoss()));
        sink.add(new MetricRecord(step, worker, "lr", null, net.getLearningRate(0)));
    }
}
