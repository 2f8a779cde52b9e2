package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's own finite-difference check of every parameter's gradient, in double precision, on a 2-block model
 * moved away from its init so the gates, phi and theta are all live.
 */
class GradientCheckTest {
    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @ParameterizedTest
    @EnumSource(ConnectionType.class)
    void everyParameterMatchesFiniteDifferences(ConnectionType type) {
        MultiLayerNetwork net = TinyModels.network(TinyModels.config(type), 7);
        TinyModels.perturb(net, 11, 0.3);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(TinyModels.ids(3, TinyModels.BATCH, TinyModels.T))
                .labels(TinyModels.labels(3, TinyModels.BATCH, TinyModels.T))
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .exitOnFirstError(false));
        assertTrue(ok, type + ": analytic and numeric gradients differ (see the log above)");
    }
}
