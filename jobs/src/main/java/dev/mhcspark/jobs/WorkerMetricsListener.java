package dev.mhcspark.jobs;

import dev.mhcspark.model.StabilityProbe;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.TransformerLayerImpl;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Runs inside every Spark training task (DL4J serialises the listeners to the workers) and records, every
 * {@code every} steps, what the worker saw on its training batch into a {@link CollectionAccumulator} that the
 * driver reads between averaging rounds: the data loss (mean next-token cross-entropy, without weight decay),
 * learning rate, global gradient norm (before clipping), update norm (L2 norm of the parameter change the step
 * applied) and the stability probes of the step's forward pass. The worker id is the Spark partition.
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
        records((MultiLayerNetwork) model, step, worker, true).forEach(sink::add);
    }

    /** The records of the step just taken (the probe rows if asked); also used by the single-process trainer. */
    static List<MetricRecord> records(MultiLayerNetwork net, long step, int worker, boolean probe) {
        TransformerLayerImpl layer = MhcNetworks.transformer(net);
        List<MetricRecord> rows = new ArrayList<>();
        rows.add(new MetricRecord(step, worker, "loss", null, layer.lastDataLoss()));
        rows.add(new MetricRecord(step, worker, "lr", null, net.getLearningRate(0)));
        rows.add(new MetricRecord(step, worker, "grad_norm", null, layer.lastGradientNorm()));
        // after the step the updater has turned the gradient view, in place, into the update it subtracted
        rows.add(new MetricRecord(step, worker, "update_norm", null,
                net.getFlattenedGradients().norm2Number().doubleValue()));
        if (probe) {
            rows.addAll(MetricRecord.probe(step, worker, StabilityProbe.measure(layer.model())));
        }
        return rows;
    }
}
