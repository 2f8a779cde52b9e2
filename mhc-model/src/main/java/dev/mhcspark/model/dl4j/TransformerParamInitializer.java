package dev.mhcspark.model.dl4j;

import dev.mhcspark.model.ParamLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Cuts DL4J's flat parameter (and gradient) vector into the named views of {@link ParamLayout}. "Weight"
 * parameters are those that take weight decay (matrices and embeddings); all others (norm gains, biases,
 * static connection parts, gates, stream offsets, readout) are "bias" parameters and take none.
 */
public final class TransformerParamInitializer implements ParamInitializer {
    public static final TransformerParamInitializer INSTANCE = new TransformerParamInitializer();

    private TransformerParamInitializer() {
    }

    private static ParamLayout layout(Layer layer) {
        return ((TransformerLayer) layer).paramLayout();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return layout(layer).totalLength();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.copyOf(layout(layer).params().keySet());
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return layout(layer).params().values().stream().filter(ParamLayout.Param::decayed)
                .map(ParamLayout.Param::name).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return layout(layer).params().values().stream().filter(p -> !p.decayed())
                .map(ParamLayout.Param::name).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return layout(layer).get(key).decayed();
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return !layout(layer).get(key).decayed();
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> views = views(conf.getLayer(), paramsView);
        if (initializeParams) {
            ParamLayout layout = layout(conf.getLayer());
            for (ParamLayout.Param p : layout.params().values()) {
                // a stream per parameter: its init does not depend on which other parameters exist
                SplittableRandom random = new SplittableRandom(conf.getSeed() * 31 + p.name().hashCode());
                double[] values = new double[(int) p.length()];
                p.init().fill(values, random);
                views.get(p.name()).assign(Nd4j.create(values, p.shape(), paramsView.dataType()));
            }
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(Layer layer, INDArray flat) {
        ParamLayout layout = layout(layer);
        if (flat.length() != layout.totalLength()) {
            throw new IllegalStateException("parameter vector has " + flat.length() + " values, the model needs "
                    + layout.totalLength());
        }
        INDArray row = flat.reshape(flat.length());
        Map<String, INDArray> views = new LinkedHashMap<>();
        for (ParamLayout.Param p : layout.params().values()) {
            views.put(p.name(), row.get(NDArrayIndex.interval(p.offset(), p.offset() + p.length()))
                    .reshape('c', p.shape()));
        }
        return views;
    }
}
