package dev.mhcspark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The whole decoder-only Transformer, forward and hand-written backward, on parameter and gradient views that
 * DL4J owns. Shapes: token ids [B, T] -> logits [N = B*T, V]; residual state [N, n*C].
 * <pre>
 *   e  = tokEmb[ids] + posEmb[t]                      [N, C]
 *   X  = replicate e over n streams + streamOffsets    [N, n*C]   (residual: X = e)
 *   for each sublayer k (attention, FFN, attention, ...):   X = connection_k(X, F_k)
 *   z  = sum_i readout_i X_i                            [N, C]     (residual: z = X)
 *   logits = RMSNorm(z) tokEmb^T  (or unembed)         [N, V]
 * </pre>
 */
public final class Transformer {
    private final ModelConfig config;
    private final Map<String, INDArray> params;
    private final Map<String, INDArray> grads;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Sublayer> sublayers = new ArrayList<>();
    private final RmsNorm finalNorm;

    private boolean recordStateRms;
    private boolean stateRmsRecorded;
    private final double[] stateRms;
    private int batch;
    private int seqLen;
    private int[] ids;
    private INDArray streams;   // [N, n*C] after the last sublayer
    private INDArray zNormed;   // [N, C]

    /**
     * @param params parameter views by {@link ParamLayout} name
     * @param grads  gradient views by name; read only when {@link #backward} runs, so it may be filled later
     */
    public Transformer(ModelConfig config, Map<String, INDArray> params, Map<String, INDArray> grads) {
        this.config = config;
        this.params = params;
        this.grads = grads;
        double eps = config.normEps();
        for (int k = 0; k < config.sublayers(); k++) {
            String s = "s" + k + ".";
            sublayers.add(k % 2 == 0
                    ? new CausalSelfAttention(s, config.heads(), eps, params, grads)
                    : new FeedForward(s, eps, params, grads));
            connections.add(switch (config.connection()) {
                case RESIDUAL -> new ResidualConnection();
                case HC -> new HyperConnection(s + "conn.", config.streams(), config.dModel(), eps, params, grads);
                case MHC -> new ManifoldHyperConnection(s + "conn.", config.streams(), config.dModel(),
                        config.sinkhornIterations(), eps, params, grads);
            });
        }
        this.finalNorm = new RmsNorm(eps, params, grads, "finalNorm");
        this.stateRms = new double[config.sublayers()];
    }

    /** When on, the next forward passes record the RMS of the residual state after every sublayer. */
    public void recordStateRms(boolean on) {
        this.recordStateRms = on;
    }

    /** Token ids [B, T] (any numeric type holding integers) -> logits [B*T, V]. */
    public INDArray forward(INDArray tokenIds) {
        readIds(tokenIds);
        stateRmsRecorded = recordStateRms;
        int n = config.streams();
        int c = config.dModel();
        INDArray tokEmb = params.get("tokEmb");
        INDArray x = Nd4j.pullRows(tokEmb, 1, ids);  // [N, C]
        INDArray pos = params.get("posEmb").get(NDArrayIndex.interval(0, seqLen), NDArrayIndex.all());
        x = x.reshape(batch, (long) seqLen * c).addiRowVector(pos.reshape((long) seqLen * c))
                .reshape(ids.length, c);
        if (n > 1) {
            INDArray expanded = Nd4j.createUninitialized(x.dataType(), ids.length, n, c);
            for (int i = 0; i < n; i++) {
                expanded.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all()).assign(x);
            }
            x = expanded.reshape(ids.length, (long) n * c)
                    .addiRowVector(params.get("streamOffsets").reshape((long) n * c));
        }
        for (int k = 0; k < sublayers.size(); k++) {
            Connection conn = connections.get(k);
            x = conn.out(sublayers.get(k).forward(conn.in(x), batch, seqLen));
            if (recordStateRms) {
                stateRms[k] = x.norm2Number().doubleValue() / Math.sqrt(x.length());
            }
        }
        streams = x;
        INDArray z = n > 1 ? readout(x) : x;
        zNormed = finalNorm.forward(z);
        return config.tiedEmbeddings() ? Arrays2.matmul(zNormed, tokEmb, false, true) : zNormed.mmul(params.get("unembed"));
    }

    /** dL/dlogits [B*T, V] -> parameter gradients, accumulated into the (zeroed) gradient views. */
    public void backward(INDArray dLogits) {
        int n = config.streams();
        int c = config.dModel();
        INDArray tokEmb = params.get("tokEmb");
        INDArray dz;
        if (config.tiedEmbeddings()) {
            grads.get("tokEmb").addi(Arrays2.matmul(dLogits, zNormed, true, false));
            dz = dLogits.mmul(tokEmb);
        } else {
            grads.get("unembed").addi(Arrays2.matmul(zNormed, dLogits, true, false));
            dz = Arrays2.matmul(dLogits, params.get("unembed"), false, true);
        }
        dz = finalNorm.backward(dz);
        INDArray dx = n > 1 ? readoutBackward(dz) : dz;
        for (int k = sublayers.size() - 1; k >= 0; k--) {
            Connection conn = connections.get(k);
            dx = conn.backwardIn(sublayers.get(k).backward(conn.backwardOut(dx)));
        }
        if (n > 1) {
            grads.get("streamOffsets").addi(dx.sum(0).reshape(n, c));
            dx = dx.reshape(ids.length, n, c).sum(1);
        }
        grads.get("posEmb").get(NDArrayIndex.interval(0, seqLen), NDArrayIndex.all())
                .addi(dx.reshape(batch, seqLen, c).sum(0));
        INDArray idx = Nd4j.createFromArray(ids);
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ADD, grads.get("tokEmb"), idx, dx, 1);
    }

    /** H_res of every sublayer for every token of the last forward pass, each [N * n * n] row-major. */
    public List<double[]> residualMixing() {
        return connections.stream().map(Connection::residualMixing).toList();
    }

    /** RMS of the residual state after each sublayer in the last forward pass, or null if it was not recorded. */
    public double[] stateRms() {
        return stateRmsRecorded ? stateRms.clone() : null;
    }

    public ModelConfig config() {
        return config;
    }

    private INDArray readout(INDArray x) {
        int n = config.streams();
        INDArray x3 = x.reshape(ids.length, n, config.dModel());
        double[] w = Arrays2.toDoubles(params.get("readout"));
        INDArray z = x3.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).mul(w[0]);
        for (int i = 1; i < n; i++) {
            z.addi(x3.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all()).mul(w[i]));
        }
        return z;
    }

    private INDArray readoutBackward(INDArray dz) {
        int n = config.streams();
        int c = config.dModel();
        INDArray x3 = streams.reshape(ids.length, n, c);
        double[] w = Arrays2.toDoubles(params.get("readout"));
        double[] dw = new double[n];
        INDArray dx = Nd4j.createUninitialized(dz.dataType(), ids.length, n, c);
        for (int i = 0; i < n; i++) {
            INDArray xi = x3.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all());
            dw[i] = xi.mul(dz).sumNumber().doubleValue();
            dx.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all()).assign(dz.mul(w[i]));
        }
        grads.get("readout").addi(Arrays2.fromDoubles(dw, dz.dataType(), n));
        return dx.reshape(ids.length, (long) n * c);
    }

    private void readIds(INDArray tokenIds) {
        INDArray t = TokenIds.asBatchByTime(tokenIds, "features");
        batch = (int) t.size(0);
        seqLen = (int) t.size(1);
        if (seqLen > config.contextLength()) {
            throw new IllegalArgumentException("features: sequence length " + seqLen
                    + " exceeds the model's context_length " + config.contextLength());
        }
        ids = TokenIds.read(t, config.vocabSize(), "features");
    }
}
