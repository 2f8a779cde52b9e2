package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.OptimizerSettings;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The constraint mHC exists for, at init and after training, and gradient reaching every parameter. */
class ResidualMixingTest {
    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static MultiLayerNetwork trainable(ConnectionType type) {
        return MhcNetworks.build(TinyModels.config(type), OptimizerSettings.adamW(3e-2, 0, 100), 5, DataType.DOUBLE);
    }

    private static void train(MultiLayerNetwork net, int steps) {
        for (int s = 0; s < steps; s++) {
            net.fit(new DataSet(TinyModels.ids(100 + s, 4, TinyModels.T), TinyModels.labels(100 + s, 4, TinyModels.T)));
        }
    }

    @Test
    void mhcResidualMixingIsDoublyStochasticAtInitAndAfterTraining() {
        MultiLayerNetwork net = trainable(ConnectionType.MHC);
        checkDoublyStochastic(net, "init");
        train(net, 30);
        checkDoublyStochastic(net, "after 30 steps");
    }

    @Test
    void defaultMhcInitIsIdentityLeaning() {
        MultiLayerNetwork net = trainable(ConnectionType.MHC);
        net.output(TinyModels.ids(1, 2, TinyModels.T));
        double[] h = MhcNetworks.transformer(net).model().residualMixing().get(0);
        // b_res = 4 I: exp gives e^4 on the diagonal and 1 elsewhere, already doubly stochastic
        assertEquals(Math.exp(4) / (Math.exp(4) + 3), h[0], 1e-3);
        assertEquals(1 / (Math.exp(4) + 3), h[1], 1e-3);
    }

    @Test
    void stateRmsIsReportedOnlyWhenRecorded() {
        MultiLayerNetwork net = trainable(ConnectionType.MHC);
        var layer = MhcNetworks.transformer(net);
        net.output(TinyModels.ids(1, 2, TinyModels.T));
        assertTrue(Double.isNaN(StabilityProbe.measure(layer.model()).sublayers().get(0).stateRms()));
        layer.recordStateRms(true);
        net.output(TinyModels.ids(1, 2, TinyModels.T));
        for (StabilityProbe.Sublayer s : StabilityProbe.measure(layer.model()).sublayers()) {
            assertTrue(s.stateRms() > 0 && Double.isFinite(s.stateRms()), "state RMS " + s.stateRms());
        }
    }

    private static void checkDoublyStochastic(MultiLayerNetwork net, String when) {
        net.output(TinyModels.ids(77, 3, TinyModels.T));
        Transformer model = MhcNetworks.transformer(net).model();
        StabilityProbe.Report report = StabilityProbe.measure(model);
        List<double[]> mixing = model.residualMixing();
        int n = model.config().streams();
        for (int l = 0; l < mixing.size(); l++) {
            double[] h = mixing.get(l);
            double reported = report.sublayers().get(l).sinkhornResidual();
            for (int t = 0; t < h.length / (n * n); t++) {
                for (int i = 0; i < n; i++) {
                    double row = 0;
                    double col = 0;
                    for (int j = 0; j < n; j++) {
                        double v = h[t * n * n + i * n + j];
                        assertTrue(v >= 0, when + ": negative H_res entry " + v);
                        row += v;
                        col += h[t * n * n + j * n + i];
                    }
                    assertEquals(1, row, 1e-6, when + ": row sum, sublayer " + l);
                    assertTrue(Math.abs(col - 1) <= reported + 1e-15, when + ": column sum " + col
                            + " outside the reported Sinkhorn residual " + reported);
                }
            }
        }
        assertTrue(report.maxCompositeForwardGain() <= 1 + 1e-6, when + ": composite forward gain");
    }

    @ParameterizedTest
    @EnumSource(ConnectionType.class)
    void everyParameterReceivesGradient(ConnectionType type) {
        MultiLayerNetwork net = trainable(type);
        // a few steps move phi/theta off zero, which is what gives their gates alpha a gradient
        train(net, 3);
        net.setInput(TinyModels.ids(9, 4, TinyModels.T));
        net.setLabels(TinyModels.labels(9, 4, TinyModels.T));
        net.computeGradientAndScore();
        Map<String, INDArray> grads = net.gradient().gradientForVariable();
        int checked = 0;
        for (String name : net.getLayer(0).paramTable().keySet()) {
            double norm = grads.get("0_" + name).norm2Number().doubleValue();
            assertTrue(norm > 1e-10, type + ": parameter " + name + " has gradient norm " + norm);
            checked++;
        }
        assertTrue(checked > 10);
        if (type == ConnectionType.MHC) {
            // the last sublayer's H_res bias entries specifically (a plain sum-out would starve them)
            int last = TinyModels.config(type).sublayers() - 1;
            int n = TinyModels.config(type).streams();
            INDArray bias = grads.get("0_s" + last + ".conn.bias");
            double resPart = bias.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2 * n, 2 * n + n * n))
                    .norm2Number().doubleValue();
            assertTrue(resPart > 1e-8, "last sublayer's H_res bias gradient norm " + resPart);
        }
    }

    @Test
    void trainingLowersTheLossOnARepeatedBatch() {
        for (ConnectionType type : ConnectionType.values()) {
            MultiLayerNetwork net = trainable(type);
            DataSet batch = new DataSet(TinyModels.ids(1, 4, TinyModels.T), TinyModels.labels(1, 4, TinyModels.T));
            double before = MhcNetworks.meanLoss(net, batch.getFeatures(), batch.getLabels());
            for (int s = 0; s < 40; s++) {
                net.fit(batch);
            }
            double after = MhcNetworks.meanLoss(net, batch.getFeatures(), batch.getLabels());
            assertTrue(after < 0.5 * before, type + ": loss " + before + " -> " + after);
        }
    }
}
