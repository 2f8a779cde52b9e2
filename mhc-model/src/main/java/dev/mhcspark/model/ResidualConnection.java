package dev.mhcspark.model;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Pre-norm residual: {@code x' = x + F(x)} (F applies its own norm). One stream; H_res = [1]. */
final class ResidualConnection implements Connection {
    private INDArray state;
    private INDArray dNext;

    @Override
    public INDArray in(INDArray state) {
        this.state = state;
        return state;
    }

    @Override
    public INDArray out(INDArray y) {
        return state.add(y);
    }

    @Override
    public INDArray backwardOut(INDArray dNext) {
        this.dNext = dNext;
        return dNext;
    }

    @Override
    public INDArray backwardIn(INDArray dh) {
        return dNext.add(dh);
    }

    @Override
    public double[] residualMixing() {
        double[] ones = new double[(int) state.size(0)];
        Arrays.fill(ones, 1.0);
        return ones;
    }
}
