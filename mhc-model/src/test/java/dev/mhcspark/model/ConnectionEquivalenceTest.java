package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reductions the papers promise, with the same sublayer weights in both networks (RMSNorm eps = 0 so
 * that the sublayers' norms are exactly scale-invariant, which is what the reductions rely on):
 * mHC with n = 1 at init is the residual network; HC at its init (n = 4) is the residual network.
 */
class ConnectionEquivalenceTest {
    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Test
    void mhcWithOneStreamIsTheResidualNetwork() {
        ModelConfig mhc = TinyModels.config(ConnectionType.MHC).toBuilder().streams(1).streamInitStd(0)
                .normEps(0).build();
        assertSameOutputs(mhc);
    }

    @Test
    void hcAtInitIsTheResidualNetwork() {
        ModelConfig hc = TinyModels.config(ConnectionType.HC).toBuilder().normEps(0).build();
        assertEquals(0.0, hc.streamInitStd(), "hc's default keeps the paper's replicate-in / sum-out init");
        assertSameOutputs(hc);
    }

    @Test
    void mhcWithFourStreamsIsNotTheResidualNetwork() {
        // guards the two tests above against a comparison that cannot fail
        ModelConfig mhc = TinyModels.config(ConnectionType.MHC).toBuilder().normEps(0).build();
        INDArray[] out = outputs(mhc);
        assertTrue(out[0].sub(out[1]).amaxNumber().doubleValue() > 1e-3);
    }

    private static void assertSameOutputs(ModelConfig other) {
        INDArray[] out = outputs(other);
        double diff = out[0].sub(out[1]).amaxNumber().doubleValue();
        assertTrue(diff < 1e-9, other.connection() + " vs residual: max |logit difference| = " + diff);
    }

    /** Logits of a perturbed residual network and of {@code other} given the same shared weights. */
    private static INDArray[] outputs(ModelConfig other) {
        ModelConfig residual = TinyModels.config(ConnectionType.RESIDUAL).toBuilder().normEps(0).build();
        MultiLayerNetwork base = TinyModels.network(residual, 1);
        TinyModels.perturb(base, 2, 0.3);
        MultiLayerNetwork net = TinyModels.network(other, 9);
        Map<String, INDArray> target = net.getLayer(0).paramTable();
        base.getLayer(0).paramTable().forEach((name, value) -> target.get(name).assign(value));
        INDArray ids = TinyModels.ids(4, TinyModels.BATCH, TinyModels.T);
        return new INDArray[] {base.output(ids), net.output(ids)};
    }
}
