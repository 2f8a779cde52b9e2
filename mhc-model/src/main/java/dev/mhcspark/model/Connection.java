package dev.mhcspark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How one sublayer F is wired into the residual state (MHC.md §1). The state is [N, n*C] (token-major,
 * streams contiguous per token); the sublayer sees and returns [N, C]. Forward is
 * {@code h = in(X); y = F(h); X' = out(y)}; backward mirrors it:
 * {@code dy = backwardOut(dX'); dh = F.backward(dy); dX = backwardIn(dh)}. Each call uses what the previous
 * one in that sequence kept.
 */
interface Connection {
    INDArray in(INDArray state);

    INDArray out(INDArray y);

    INDArray backwardOut(INDArray dNext);

    INDArray backwardIn(INDArray dh);

    /**
     * The residual mixing matrix H_res of every token of the last forward pass, row-major, [N * n * n]
     * (all ones for the residual connection, whose H_res is the 1 x 1 identity).
     */
    double[] residualMixing();
}
