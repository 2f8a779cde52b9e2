package dev.mhcspark.model.dl4j;

import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.NextTokenLoss;
import dev.mhcspark.model.TokenIds;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Builds the DL4J network for a model: a single {@link TransformerLayer} that is also the output layer.
 * Features are token ids [B, T]; labels are the next ids [B, T]; the score is the mean next-token
 * cross-entropy (nats per token) plus regularisation.
 */
public final class MhcNetworks {
    private MhcNetworks() {
    }

    /** A network to train with AdamW as {@code opt} says. */
    public static MultiLayerNetwork build(ModelConfig model, OptimizerSettings opt, long seed, DataType dataType) {
        var schedule = new WarmupCosineSchedule(opt.learningRate(), opt.warmupSteps(), opt.totalSteps(), 0.1);
        Adam adam = new Adam(schedule);
        adam.setBeta1(opt.beta1());
        adam.setBeta2(opt.beta2());
        NeuralNetConfiguration.Builder b = base(seed, dataType)
                .updater(adam)
                .weightDecay(opt.weightDecay(), true);
        if (opt.gradClip() > 0) {
            // the whole Transformer is one layer, so per-layer clipping is global clipping
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(opt.gradClip());
        }
        return assemble(b, model);
    }

    /** A network with no optimizer (plain gradients, no weight decay): inference, probes, gradient checks. */
    public static MultiLayerNetwork buildFixed(ModelConfig model, long seed, DataType dataType) {
        return assemble(base(seed, dataType).updater(new NoOp()), model);
    }

    private static NeuralNetConfiguration.Builder base(long seed, DataType dataType) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                // workspaces recycle the off-heap memory of every temporary array: without them, fresh
                // allocations (page faults) cost more than the arithmetic
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }

    private static MultiLayerNetwork assemble(NeuralNetConfiguration.Builder b, ModelConfig model) {
        MultiLayerConfiguration conf = b.list()
                .layer(new TransformerLayer(model))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The model config of a network built here. */
    public static ModelConfig modelConfig(MultiLayerNetwork net) {
        if (!(net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof TransformerLayer t)) {
            throw new IllegalArgumentException("not an mhc-spark network: its first layer is "
                    + net.getLayerWiseConfigurations().getConf(0).getLayer().getClass().getSimpleName());
        }
        return t.modelConfig();
    }

    /**
     * Mean next-token cross-entropy (nats per token) of a batch, without any regularisation term: the number to
     * report as training or validation loss. DL4J's {@code score()} adds the weight-decay term.
     */
    public static double meanLoss(MultiLayerNetwork net, INDArray features, INDArray labels) {
        INDArray logits = net.output(features);
        INDArray flat = logits.reshape(logits.size(0) * logits.size(1), logits.size(2));
        int[] ids = TokenIds.read(labels, modelConfig(net).vocabSize(), "labels");
        return new NextTokenLoss().mean(flat, ids);
    }

    public static TransformerLayerImpl transformer(MultiLayerNetwork net) {
        return (TransformerLayerImpl) net.getLayer(0);
    }
}
