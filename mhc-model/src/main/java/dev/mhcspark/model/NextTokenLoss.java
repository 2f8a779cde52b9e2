package dev.mhcspark.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax cross-entropy of next-token ids, averaged over all N tokens of the batch (nats per token).
 * Labels are ids, never one-hot rows, so memory does not grow with the vocabulary beyond the logits.
 * Shapes: logits [N, V], labels int[N].
 */
public final class NextTokenLoss {
    private INDArray logProbs;  // [N, V]
    private int[] labels;

    /** Per-token losses [N] of {@code logits} against {@code labels}; keeps what {@link #gradient} needs. */
    public double[] perToken(INDArray logits, int[] labels) {
        if (logits.size(0) != labels.length) {
            throw new IllegalArgumentException("labels: " + labels.length + " ids for " + logits.size(0) + " tokens");
        }
        this.labels = labels;
        logProbs = Nd4j.exec(new LogSoftMax(logits, 1))[0];
        double[] loss = new double[labels.length];
        long vocab = logits.size(1);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= vocab) {
                throw new IllegalArgumentException("label id " + labels[i] + " at token " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
            loss[i] = -logProbs.getDouble(i, labels[i]);
        }
        return loss;
    }

    public double mean(INDArray logits, int[] labels) {
        double sum = 0;
        for (double l : perToken(logits, labels)) {
            sum += l;
        }
        return sum / labels.length;
    }

    /** dL/dlogits [N, V] of the mean loss of the last call: (softmax - onehot) / N. */
    public INDArray gradient() {
        INDArray d = Transforms.exp(logProbs, true);
        for (int i = 0; i < labels.length; i++) {
            d.putScalar(i, labels[i], d.getDouble(i, labels[i]) - 1.0);
        }
        return d.divi(labels.length);
    }
}
