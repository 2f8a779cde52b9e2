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
            x = StreamExpansion.expand(x, Arrays2.toDoubles(params.get("streamOffsets")), n);
        }
        for (int k = 0; k < sublayers.size(); k++) {
            Connection conn = connections.get(k);
            x = conn.out(sublayers.get(k).forward(conn.in(x), batch, seqLen));
            if (recordStateRms) {
                stateRms[k] = x.norm2Number().doubleValue() / Math.sqrt(x.length());
            }
        }
        streams = x;
        INDArray z = n > 1 ? StreamExpansion.readout(x, Arrays2.toDoubles(params.get("readout"))) : x;
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
        INDArray dx = dz;
        if (n > 1) {
            double[] dReadout = new double[n];
            dx = StreamExpansion.readoutBackward(streams, dz, Arrays2.toDoubles(params.get("readout")), dReadout);
            grads.get("readout").addi(Arrays2.fromDoubles(dReadout, dz.dataType(), n));
        }
        for (int k = sublayers.size() - 1; k >= 0; k--) {
            Connection conn = connections.get(k);
            dx = conn.backwardIn(sublayers.get(k).backward(conn.backwardOut(dx)));
        }
        if (n > 1) {
            double[] dOffsets = new double[n * c];
            dx = StreamExpansion.expandBackward(dx, n, dOffsets);
            grads.get("streamOffsets").addi(Arrays2.fromDoubles(dOffsets, dx.dataType(), n, c));
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
