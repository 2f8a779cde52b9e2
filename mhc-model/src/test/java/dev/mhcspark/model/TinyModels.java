package dev.mhcspark.model;

import dev.mhcspark.model.dl4j.MhcNetworks;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tiny models and batches for the tests, in double precision. */
final class TinyModels {
    static final int VOCAB = 11;
    static final int BATCH = 2;
    static final int T = 5;

    private TinyModels() {
    }

    static ModelConfig config(ConnectionType type) {
        return ModelConfig.of(type, VOCAB, 8, 2, 2, 6);
    }

    static MultiLayerNetwork network(ModelConfig config, long seed) {
        return MhcNetworks.buildFixed(config, seed, DataType.DOUBLE);
    }

    /** Moves every parameter away from its init so that no path (gates, phi, theta) is trivially zero. */
    static void perturb(MultiLayerNetwork net, long seed, double std) {
        INDArray p = net.params();
        Random r = new Random(seed);
        double[] noise = new double[(int) p.length()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = r.nextGaussian() * std;
        }
        p.addi(Nd4j.create(noise, p.shape(), DataType.DOUBLE));
    }

    static INDArray ids(long seed, int batch, int t) {
        Random r = new Random(seed);
        double[] v = new double[batch * t];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(VOCAB);
        }
        return Nd4j.create(v, new long[] {batch, t}, DataType.DOUBLE);
    }

    /** Next-token labels [B, T]. */
    static INDArray labels(long seed, int batch, int t) {
        return ids(seed + 1, batch, t);
    }
}
