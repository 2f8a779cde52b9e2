package dev.mhcspark.jobs;

import dev.mhcspark.model.StabilityProbe;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.TransformerLayerImpl;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/** What both trainers measure on their fixed validation batches. */
final class Validation {
    private Validation() {
    }

    /** Mean held-out loss over the batches. */
    static double meanLoss(MultiLayerNetwork net, List<DataSet> batches) {
        double sum = 0;
        for (DataSet ds : batches) {
            sum += MhcNetworks.meanLoss(net, ds.getFeatures(), ds.getLabels());
        }
        return sum / batches.size();
    }

    /** The stability probes of a forward pass over the first batch. */
    static StabilityProbe.Report probe(MultiLayerNetwork net, TransformerLayerImpl layer, List<DataSet> batches) {
        layer.recordStateRms(true);
        try {
            net.output(batches.get(0).getFeatures());
            return StabilityProbe.measure(layer.model());
        } finally {
            layer.recordStateRms(false);
        }
    }
}
