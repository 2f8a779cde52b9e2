package dev.mhcspark.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RMSNorm over the last dimension of a [N, C] array, {@code y = x / sqrt(mean(x^2) + eps) * g}, with an
 * optional learned gain g [C]. Keeps what its backward pass needs from the last forward call.
 */
final class RmsNorm {
    private final double eps;
    private final INDArray gain;      // [C] or null
    private final Map<String, INDArray> grads;
    private final String gainName;
    private INDArray xHat;            // [N, C]
    private INDArray rms;             // [N]

    /** Without a gain. */
    RmsNorm(double eps) {
        this(eps, null, null, null);
    }

    /** With the gain {@code params[gainName]}, whose gradient goes to {@code grads[gainName]}. */
    RmsNorm(double eps, Map<String, INDArray> params, Map<String, INDArray> grads, String gainName) {
        this.eps = eps;
        this.gain = params == null ? null : params.get(gainName);
        this.grads = grads;
        this.gainName = gainName;
    }

    INDArray forward(INDArray x) {
        rms = Arrays2.rowRms(x, eps);
        xHat = x.divColumnVector(rms);
        return gain == null ? xHat : xHat.mulRowVector(gain);
    }

    /** dL/dy -> dL/dx; adds dL/dg to the gain gradient. */
    INDArray backward(INDArray dy) {
        INDArray dxHat = dy;
        if (gain != null) {
            grads.get(gainName).addi(dy.mul(xHat).sum(0));
            dxHat = dy.mulRowVector(gain);
        }
        // dx = (dxHat - xHat * mean(dxHat * xHat)) / rms
        INDArray proj = dxHat.mul(xHat).mean(1);
        return dxHat.sub(xHat.mulColumnVector(proj)).diviColumnVector(rms);
    }

    INDArray normalised() {
        return xHat;
    }
}
