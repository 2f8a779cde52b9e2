package dev.mhcspark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How the n streams enter and leave the network (HC §2.1, MHC.md): the embedding is replicated into every stream
 * plus a learned per-stream offset, and after the last sublayer a learned weighted sum of the streams goes to
 * the final norm. Shapes: e and z [N, C], X [N, n*C] (streams contiguous per token), offsets [n*C], weights [n].
 * Token by token in parallel, like the connections: ND4J's strided reductions over the stream axis cost
 * several times more.
 */
final class StreamExpansion {
    private StreamExpansion() {
    }

    /** {@code X_i = e + offsets_i}. */
    static INDArray expand(INDArray e, double[] offsets, int n) {
        int tokens = (int) e.size(0);
        int c = (int) e.size(1);
        Rows eRows = Rows.read(e);
        Rows x = Rows.create(e.dataType(), tokens, n * c);
        Rows.parallel(tokens, (from, to) -> {
            double[] et = new double[c];
            double[][] xt = new double[n][c];
            for (int t = from; t < to; t++) {
                eRows.get(t, et);
                for (int i = 0; i < n; i++) {
                    double[] xi = xt[i];
                    int o = i * c;
                    for (int k = 0; k < c; k++) {
                        xi[k] = et[k] + offsets[o + k];
                    }
                }
                x.put(t, xt);
            }
        });
        return x.array();
    }

    /** Given dL/dX, returns dL/de [N, C] and adds dL/d offsets into {@code dOffsets [n*C]}. */
    static INDArray expandBackward(INDArray dX, int n, double[] dOffsets) {
        int tokens = (int) dX.size(0);
        int c = (int) dX.size(1) / n;
        Rows dxRows = Rows.read(dX);
        Rows de = Rows.create(dX.dataType(), tokens, c);
        double[] sum = Rows.parallelSum(tokens, n * c, (from, to, partial) -> {
            double[][] dxt = new double[n][c];
            double[] det = new double[c];
            for (int t = from; t < to; t++) {
                dxRows.get(t, dxt);
                System.arraycopy(dxt[0], 0, det, 0, c);
                for (int i = 1; i < n; i++) {
                    RowMath.axpy(1, dxt[i], det);
                }
                de.put(t, det);
                for (int i = 0; i < n; i++) {
                    double[] dxi = dxt[i];
                    int o = i * c;
                    for (int k = 0; k < c; k++) {
                        partial[o + k] += dxi[k];
                    }
                }
            }
        });
        RowMath.axpy(1, sum, dOffsets);
        return de.array();
    }

    /** {@code z = sum_i weights_i X_i}. */
    static INDArray readout(INDArray x, double[] weights) {
        int n = weights.length;
        int tokens = (int) x.size(0);
        int c = (int) x.size(1) / n;
        Rows xRows = Rows.read(x);
        Rows z = Rows.create(x.dataType(), tokens, c);
        Rows.parallel(tokens, (from, to) -> {
            double[][] xt = new double[n][c];
            double[] zt = new double[c];
            for (int t = from; t < to; t++) {
                xRows.get(t, xt);
                RowMath.combine(weights, 0, 1, xt, zt);
                z.put(t, zt);
            }
        });
        return z.array();
    }

    /** Given dL/dz, returns dL/dX and adds dL/d weights into {@code dWeights [n]}. */
    static INDArray readoutBackward(INDArray x, INDArray dz, double[] weights, double[] dWeights) {
        int n = weights.length;
        int tokens = (int) x.size(0);
        int c = (int) x.size(1) / n;
        Rows xRows = Rows.read(x);
        Rows dzRows = Rows.read(dz);
        Rows dx = Rows.create(dz.dataType(), tokens, n * c);
        double[] sum = Rows.parallelSum(tokens, n, (from, to, partial) -> {
            double[][] xt = new double[n][c];
            double[] dzt = new double[c];
            double[][] dxt = new double[n][c];
            double[] dw = new double[n];
            for (int t = from; t < to; t++) {
                xRows.get(t, xt);
                dzRows.get(t, dzt);
                RowMath.dots(dzt, xt, dw, 0);
                for (int i = 0; i < n; i++) {
                    partial[i] += dw[i];
                }
                for (int i = 0; i < n; i++) {
                    RowMath.scale(weights[i], dzt, dxt[i]);
                }
                dx.put(t, dxt);
            }
        });
        RowMath.axpy(1, sum, dWeights);
        return dx.array();
    }
}
