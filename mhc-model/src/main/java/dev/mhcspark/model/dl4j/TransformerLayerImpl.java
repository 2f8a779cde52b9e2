package dev.mhcspark.model.dl4j;

import dev.mhcspark.model.NextTokenLoss;
import dev.mhcspark.model.TokenIds;
import dev.mhcspark.model.Transformer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DL4J layer that runs {@link Transformer} and scores it: features are token ids [B, T], labels the next
 * ids [B, T] (or [B, T, 1]); {@link #activate} returns logits [B, T, V]; the score is the mean next-token
 * cross-entropy in nats per token plus regularisation. It is the network's only layer, so it is also the
 * output layer.
 *
 * <p>Every temporary array lives in the DL4J workspace open while a method runs: the forward caches are only
 * used within the same {@link #backpropGradient} call, and what outlives a call (H_res, state RMS, losses) is
 * held in Java arrays.
 */
public class TransformerLayerImpl extends BaseLayer<TransformerLayer> implements IOutputLayer {
    private final Map<String, INDArray> grads = new HashMap<>();  // filled from gradientViews at backward
    private final NextTokenLoss loss = new NextTokenLoss();
    private Transformer model;
    private boolean recordStateRms;
    private INDArray labels;
    /** The loss of a forward pass made by backprop, consumed by the computeScore that DL4J calls next. */
    private Double pendingLoss;
    private double lastDataLoss = Double.NaN;
    private double lastGradientNorm = Double.NaN;

    public TransformerLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The model of the last forward pass: its caches hold that pass's H_res matrices and state RMS. */
    public Transformer model() {
        if (model == null) {
            model = newModel();
        }
        return model;
    }

    /** The mean next-token loss of the last scored batch, without the regularisation term of the score. */
    public double lastDataLoss() {
        return lastDataLoss;
    }

    /**
     * Global L2 norm of the gradient of the mean loss (without weight decay) of the last backward pass, before
     * clipping; NaN before the first one.
     */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    public void recordStateRms(boolean on) {
        this.recordStateRms = on;
    }

    private Transformer newModel() {
        Transformer t = new Transformer(layerConf().modelConfig(), params, grads);
        t.recordStateRms(recordStateRms);
        return t;
    }

    private INDArray forward() {
        assertInputSet(false);
        // parameter views may have been replaced since the last pass: wire a fresh model (cheap: the large work
        // arrays of a pass live in the workspace DL4J has open)
        model = newModel();
        return model.forward(input);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray logits = forward();
        long batch = TokenIds.asBatchByTime(input, "features").size(0);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS,
                logits.reshape(batch, logits.size(0) / batch, logits.size(1)));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray logits = forward();
        pendingLoss = loss.mean(logits, labelIds());
        grads.clear();
        grads.putAll(gradientViews);
        gradientsFlattened.assign(0);
        // DL4J layers return gradients summed over the minibatch (its updater divides by the batch size),
        // while the score is the mean: scale the gradient of the mean loss by the batch size
        long batch = TokenIds.asBatchByTime(input, "features").size(0);
        model.backward(loss.gradient().muli(batch));
        lastGradientNorm = gradientsFlattened.norm2Number().doubleValue() / batch;
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : layerConf().initializer().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        return new Pair<>(gradient, null);  // token ids have no gradient
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        double mean = pendingLoss != null ? pendingLoss : loss.mean(forward(), labelIds());
        pendingLoss = null;
        lastDataLoss = mean;
        score = mean + fullNetRegTerm;
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        double[] perToken = loss.perToken(forward(), labelIds());
        long batch = TokenIds.asBatchByTime(input, "features").size(0);
        int t = (int) (perToken.length / batch);
        double[] perExample = new double[(int) batch];
        for (int i = 0; i < perToken.length; i++) {
            perExample[i / t] += perToken[i] / t;
        }
        for (int b = 0; b < batch; b++) {
            perExample[b] += fullNetRegTerm;
        }
        return Nd4j.create(perExample, new long[] {batch, 1}, dataType);
    }

    private int[] labelIds() {
        if (labels == null) {
            throw new IllegalStateException("labels: not set; a training batch needs next-token ids [batch, T]");
        }
        return TokenIds.read(labels, layerConf().modelConfig().vocabSize(), "labels");
    }

    @Override
    public boolean needsLabels() {
        return true;
    }

    @Override
    public void setLabels(INDArray labels) {
        this.labels = labels;
        this.pendingLoss = null;
    }

    @Override
    public INDArray getLabels() {
        return labels;
    }

    @Override
    public int numLabels() {
        return layerConf().modelConfig().vocabSize();
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    // Classifier methods that make no sense for a language model: train and score through MultiLayerNetwork.

    @Override
    public double f1Score(DataSet data) {
        throw notAClassifier();
    }

    @Override
    public double f1Score(INDArray examples, INDArray labels) {
        throw notAClassifier();
    }

    @Override
    public void fit(DataSetIterator iter) {
        throw notAClassifier();
    }

    @Override
    public int[] predict(INDArray examples) {
        throw notAClassifier();
    }

    @Override
    public List<String> predict(DataSet dataSet) {
        throw notAClassifier();
    }

    @Override
    public void fit(INDArray examples, INDArray labels) {
        throw notAClassifier();
    }

    @Override
    public void fit(DataSet data) {
        throw notAClassifier();
    }

    @Override
    public void fit(INDArray examples, int[] labels) {
        throw notAClassifier();
    }

    private static UnsupportedOperationException notAClassifier() {
        return new UnsupportedOperationException(
                "a language-model layer: train and score it through MultiLayerNetwork.fit / score");
    }
}
