package dev.mhcspark.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Pre-norm causal multi-head self-attention, {@code y = softmax(mask(q k^T / sqrt(d_h))) v W_o} with
 * {@code [q k v] = RMSNorm(h) W_qkv}. No biases. Shapes: h [N = B*T, C], W_qkv [C, 3C], W_o [C, C],
 * heads H, d_h = C / H; attention probabilities [B*H, T, T] are kept for the backward pass.
 */
final class CausalSelfAttention implements Sublayer {
    private static final double MASKED = -1e9;

    private final int heads;
    private final Map<String, INDArray> grads;  // gradient views, looked up when backward runs
    private final String prefix;
    private final RmsNorm norm;
    private final INDArray wqkv;
    private final INDArray wo;

    private int batch;
    private int seqLen;
    private INDArray normed;  // [N, C]
    private INDArray q;       // [B*H, T, dh]
    private INDArray k;
    private INDArray v;
    private INDArray probs;   // [B*H, T, T]
    private INDArray merged;  // [N, C] heads concatenated, before W_o

    CausalSelfAttention(String prefix, int heads, double eps, Map<String, INDArray> p, Map<String, INDArray> g) {
        this.grads = g;
        this.prefix = prefix;
        this.heads = heads;
        this.norm = new RmsNorm(eps, p, g, prefix + "norm");
        this.wqkv = p.get(prefix + "attn.wqkv");
        this.wo = p.get(prefix + "attn.wo");
    }

    @Override
    public INDArray forward(INDArray h, int batch, int seqLen) {
        this.batch = batch;
        this.seqLen = seqLen;
        int c = (int) h.size(1);
        normed = norm.forward(h);
        INDArray qkv = normed.mmul(wqkv);  // [N, 3C]
        q = splitHeads(qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(0, c)));
        k = splitHeads(qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(c, 2 * c)));
        v = splitHeads(qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * c, 3 * c)));
        double scale = 1.0 / Math.sqrt(c / (double) heads);
        INDArray scores = Arrays2.matmul(q, k, false, true).muli(scale);  // [B*H, T, T]
        scores.reshape(scores.size(0), (long) seqLen * seqLen).addiRowVector(causalMask(seqLen, scores));
        probs = Nd4j.exec(new SoftMax(scores, scores, 2))[0];
        merged = mergeHeads(Arrays2.matmul(probs, v, false, false));
        return merged.mmul(wo);
    }

    @Override
    public INDArray backward(INDArray dy) {
        int c = (int) dy.size(1);
        grads.get(prefix + "attn.wo").addi(Arrays2.matmul(merged, dy, true, false));
        INDArray dOut = splitHeads(Arrays2.matmul(dy, wo, false, true));  // [B*H, T, dh]
        INDArray dProbs = Arrays2.matmul(dOut, v, false, true);             // [B*H, T, T]
        INDArray dv = Arrays2.matmul(probs, dOut, true, false);
        // softmax backward: dS = P * (dP - sum_j dP_j P_j)
        INDArray pdp = dProbs.muli(probs);
        INDArray rowSums = pdp.sum(true, 2);                                  // [B*H, T, 1]
        INDArray dScores = pdp.subi(probs.mul(rowSums.broadcast(probs.shape())));
        dScores.muli(1.0 / Math.sqrt(c / (double) heads));
        INDArray dq = Arrays2.matmul(dScores, k, false, false);
        INDArray dk = Arrays2.matmul(dScores, q, true, false);
        INDArray dqkv = Nd4j.hstack(mergeHeads(dq), mergeHeads(dk), mergeHeads(dv));  // [N, 3C]
        grads.get(prefix + "attn.wqkv").addi(Arrays2.matmul(normed, dqkv, true, false));
        return norm.backward(Arrays2.matmul(dqkv, wqkv, false, true));
    }

    /** [N, C] -> [B*H, T, dh] */
    private INDArray splitHeads(INDArray x) {
        long c = x.size(1);
        long dh = c / heads;
        return x.dup('c').reshape(batch, seqLen, heads, dh).permute(0, 2, 1, 3).dup('c')
                .reshape((long) batch * heads, seqLen, dh);
    }

    /** [B*H, T, dh] -> [N, C] */
    private INDArray mergeHeads(INDArray x) {
        long dh = x.size(2);
        return x.reshape(batch, heads, seqLen, dh).permute(0, 2, 1, 3).dup('c')
                .reshape((long) batch * seqLen, heads * dh);
    }

    /** Row vector [T*T] with 0 on and below the diagonal and a large negative number above it. */
    private static INDArray causalMask(int t, INDArray like) {
        double[] m = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = MASKED;
            }
        }
        return Nd4j.create(m, new long[] {t * (long) t}, like.dataType());
    }
}
