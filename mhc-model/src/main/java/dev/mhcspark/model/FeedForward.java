package dev.mhcspark.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Pre-norm GELU feed-forward, {@code y = gelu(RMSNorm(h) W1 + b1) W2 + b2}; GELU in its tanh form.
 * Shapes: h [N, C], W1 [C, F], b1 [F], W2 [F, C], b2 [C] with F = ffn_multiplier * C.
 */
final class FeedForward implements Sublayer {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double CUBIC = 0.044715;

    private final Map<String, INDArray> grads;  // gradient views, looked up when backward runs
    private final String prefix;
    private final RmsNorm norm;
    private final INDArray w1;
    private final INDArray b1;
    private final INDArray w2;
    private final INDArray b2;

    private INDArray normed;  // [N, C]
    private INDArray pre;     // [N, F] before GELU
    private INDArray tanh;    // [N, F] tanh(sqrt(2/pi) (u + 0.044715 u^3))
    private INDArray act;     // [N, F] after GELU

    FeedForward(String prefix, double eps, Map<String, INDArray> p, Map<String, INDArray> g) {
        this.grads = g;
        this.prefix = prefix;
        this.norm = new RmsNorm(eps, p, g, prefix + "norm");
        this.w1 = p.get(prefix + "ffn.w1");
        this.b1 = p.get(prefix + "ffn.b1");
        this.w2 = p.get(prefix + "ffn.w2");
        this.b2 = p.get(prefix + "ffn.b2");
    }

    @Override
    public INDArray forward(INDArray h, int batch, int seqLen) {
        normed = norm.forward(h);
        pre = normed.mmul(w1).addiRowVector(b1);
        INDArray inner = pre.mul(pre).muli(pre).muli(CUBIC).addi(pre).muli(SQRT_2_OVER_PI);
        tanh = Transforms.tanh(inner, false);
        act = tanh.add(1.0).muli(pre).muli(0.5);
        return act.mmul(w2).addiRowVector(b2);
    }

    @Override
    public INDArray backward(INDArray dy) {
        grads.get(prefix + "ffn.b2").addi(dy.sum(0));
        grads.get(prefix + "ffn.w2").addi(Arrays2.matmul(act, dy, true, false));
        INDArray dAct = Arrays2.matmul(dy, w2, false, true);
        // gelu'(u) = 0.5 (1 + t) + 0.5 u (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 u^2)
        INDArray sech2 = tanh.mul(tanh).rsubi(1.0);
        INDArray inner = pre.mul(pre).muli(3 * CUBIC).addi(1.0).muli(SQRT_2_OVER_PI);
        INDArray dGelu = sech2.muli(inner).muli(pre).addi(tanh).addi(1.0).muli(0.5);
        INDArray dPre = dAct.muli(dGelu);
        grads.get(prefix + "ffn.b1").addi(dPre.sum(0));
        grads.get(prefix + "ffn.w1").addi(Arrays2.matmul(normed, dPre, true, false));
        return norm.backward(Arrays2.matmul(dPre, w1, false, true));
    }
}
