package dev.mhcspark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The function F that a connection wraps: attention or FFN, each with its own pre-norm.
 * Shapes: {@code h [N = B*T, C] -> y [N, C]}; {@link #backward} maps dL/dy to dL/dh and accumulates the
 * parameter gradients, using what the last {@link #forward} kept.
 */
interface Sublayer {
    INDArray forward(INDArray h, int batch, int seqLen);

    INDArray backward(INDArray dy);
}
