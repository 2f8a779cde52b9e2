package dev.mhcspark.model.dl4j;

import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.ParamLayout;
import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J configuration of the whole Transformer as one layer: token ids [B, T] in, logits [B, T, V] out
 * (NWC, for an {@code RnnLossLayer}). The model config travels inside DL4J's own JSON as
 * {@code model_config}, so a saved network is self-describing.
 */
public class TransformerLayer extends BaseLayer {
    private String modelConfig;
    private transient ModelConfig parsed;
    private transient ParamLayout layout;

    /** For DL4J's JSON deserialisation. */
    public TransformerLayer() {
    }

    public TransformerLayer(ModelConfig config) {
        super(new Builder());
        this.modelConfig = config.toJson();
        this.parsed = config;
    }

    public ModelConfig modelConfig() {
        if (parsed == null) {
            parsed = ModelConfig.fromJson(modelConfig);
        }
        return parsed;
    }

    /** The parameter layout of the model, computed once: DL4J asks for parameter keys on every step. */
    public ParamLayout paramLayout() {
        if (layout == null) {
            layout = ParamLayout.of(modelConfig());
        }
        return layout;
    }

    // bean accessors for DL4J's (shaded) Jackson
    public String getModelConfig() {
        return modelConfig;
    }

    public void setModelConfig(String json) {
        this.modelConfig = json;
        this.parsed = null;
        this.layout = null;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        TransformerLayerImpl layer = new TransformerLayerImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        Map<String, INDArray> table = initializer().init(conf, paramsView, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return TransformerParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long t = inputType instanceof InputType.InputTypeRecurrent r ? r.getTimeSeriesLength() : -1;
        return InputType.recurrent(modelConfig().vocabSize(), t, RNNFormat.NWC);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // sizes come from the model config
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, TransformerLayer.class, inputType,
                getOutputType(0, inputType))
                .standardMemory(initializer().numParams(this), 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransformerLayer other && super.equals(o)
                && java.util.Objects.equals(modelConfig, other.modelConfig);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + java.util.Objects.hashCode(modelConfig);
    }

    private static final class Builder extends BaseLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public TransformerLayer build() {
            throw new UnsupportedOperationException("construct TransformerLayer from a ModelConfig");
        }
    }
}
