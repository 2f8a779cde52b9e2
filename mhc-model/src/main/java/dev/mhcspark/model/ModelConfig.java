package dev.mhcspark.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Everything that defines a decoder-only Transformer and its connection; immutable and validated at
 * construction, so an invalid model cannot exist. Serialised as the readable {@code config.json} of a saved
 * model.
 *
 * @param vocabSize        tokens in the vocabulary, &ge; 2
 * @param dModel           width C of the residual stream (per stream), &ge; 1
 * @param heads            attention heads; must divide {@code dModel}
 * @param blocks           Transformer blocks; each has an attention and an FFN sublayer (2 connections)
 * @param contextLength    longest sequence T the learned positional embedding covers
 * @param ffnMultiplier    FFN hidden width = {@code ffnMultiplier * dModel}
 * @param connection       residual | hc | mhc
 * @param streams          expansion rate n (1 for residual; MHC.md default 4)
 * @param sinkhornIterations t_max of Sinkhorn-Knopp (paper: 20); mhc only
 * @param resBiasDiagonal  init of the static {@code H_res} bias: {@code b_res = d * I} for mhc (default 4: at
 *                         step 0 {@code H_res} has diagonal 0.948 and off-diagonal 0.017 for n = 4).
 *                         HC's static {@code H_res} is always I (the HC paper's init).
 * @param gateInit         init of the gates alpha of the dynamic parts (paper: 0.01)
 * @param streamInitStd    stream symmetry breaking: std of the random init of the learned per-stream input
 *                         offsets and of the per-stream readout weights around 1. 0 gives the papers'
 *                         replicate-in / sum-out exactly at init. Default 0.02 for mhc (whose sigmoid
 *                         {@code H_pre} is stream-symmetric, so identical streams would never diverge and
 *                         {@code H_res} would get no gradient) and 0 for hc (its one-hot {@code H_pre} already
 *                         breaks the symmetry, and its init then reproduces the residual network).
 * @param tiedEmbeddings   unembedding = token embedding transposed
 * @param initStd          std of the normal init of weight matrices and embeddings (output projections are
 *                         further scaled by 1/sqrt(2 * blocks), GPT-2 style)
 * @param normEps          epsilon of every RMSNorm, &ge; 0
 */
public record ModelConfig(
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("d_model") int dModel,
        @JsonProperty("heads") int heads,
        @JsonProperty("blocks") int blocks,
        @JsonProperty("context_length") int contextLength,
        @JsonProperty("ffn_multiplier") int ffnMultiplier,
        @JsonProperty("connection") ConnectionType connection,
        @JsonProperty("streams") int streams,
        @JsonProperty("sinkhorn_iterations") int sinkhornIterations,
        @JsonProperty("res_bias_diagonal") double resBiasDiagonal,
        @JsonProperty("gate_init") double gateInit,
        @JsonProperty("stream_init_std") double streamInitStd,
        @JsonProperty("tied_embeddings") boolean tiedEmbeddings,
        @JsonProperty("init_std") double initStd,
        @JsonProperty("norm_eps") double normEps) {

    public static final int DEFAULT_STREAMS = 4;
    public static final int DEFAULT_SINKHORN_ITERATIONS = 20;
    public static final double DEFAULT_RES_BIAS_DIAGONAL = 4.0;
    public static final double DEFAULT_GATE_INIT = 0.01;
    public static final double DEFAULT_MHC_STREAM_INIT_STD = 0.02;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ModelConfig {
        if (connection == null) {
            throw new IllegalArgumentException("connection: must be one of residual, hc, mhc");
        }
        atLeast("vocab_size", vocabSize, 2);
        atLeast("d_model", dModel, 1);
        atLeast("heads", heads, 1);
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("heads: " + heads + " does not divide d_model " + dModel
                    + "; allowed: a divisor of d_model");
        }
        atLeast("blocks", blocks, 1);
        atLeast("context_length", contextLength, 1);
        atLeast("ffn_multiplier", ffnMultiplier, 1);
        atLeast("streams", streams, 1);
        if (connection == ConnectionType.RESIDUAL && streams != 1) {
            throw new IllegalArgumentException("streams: the residual connection has exactly 1 stream, got "
                    + streams);
        }
        atLeast("sinkhorn_iterations", sinkhornIterations, 1);
        finite("res_bias_diagonal", resBiasDiagonal);
        finite("gate_init", gateInit);
        if (!(streamInitStd >= 0) || Double.isInfinite(streamInitStd)) {
            throw new IllegalArgumentException("stream_init_std: must be a finite number >= 0, got " + streamInitStd);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("init_std: must be a finite number > 0, got " + initStd);
        }
        if (!(normEps >= 0) || Double.isInfinite(normEps)) {
            throw new IllegalArgumentException("norm_eps: must be a finite number >= 0, got " + normEps);
        }
    }

    /** The documented defaults for a connection type, at the given size. */
    public static ModelConfig of(ConnectionType connection, int vocabSize, int dModel, int heads, int blocks,
                                 int contextLength) {
        return builder(connection).vocabSize(vocabSize).dModel(dModel).heads(heads).blocks(blocks)
                .contextLength(contextLength).build();
    }

    /** A builder holding the documented defaults for {@code connection}; {@link Builder#build} validates. */
    public static Builder builder(ConnectionType connection) {
        return new Builder(connection);
    }

    public Builder toBuilder() {
        Builder b = new Builder(connection);
        b.vocabSize = vocabSize;
        b.dModel = dModel;
        b.heads = heads;
        b.blocks = blocks;
        b.contextLength = contextLength;
        b.ffnMultiplier = ffnMultiplier;
        b.streams = streams;
        b.sinkhornIterations = sinkhornIterations;
        b.resBiasDiagonal = resBiasDiagonal;
        b.gateInit = gateInit;
        b.streamInitStd = streamInitStd;
        b.tiedEmbeddings = tiedEmbeddings;
        b.initStd = initStd;
        b.normEps = normEps;
        return b;
    }

    /** Mutable companion of the record; the connection fixes the defaults of streams and stream_init_std. */
    public static final class Builder {
        private final ConnectionType connection;
        private int vocabSize = 256;
        private int dModel = 128;
        private int heads = 4;
        private int blocks = 4;
        private int contextLength = 128;
        private int ffnMultiplier = 4;
        private int streams;
        private int sinkhornIterations = DEFAULT_SINKHORN_ITERATIONS;
        private double resBiasDiagonal = DEFAULT_RES_BIAS_DIAGONAL;
        private double gateInit = DEFAULT_GATE_INIT;
        private double streamInitStd;
        private boolean tiedEmbeddings = true;
        private double initStd = 0.02;
        private double normEps = 1e-6;

        private Builder(ConnectionType connection) {
            if (connection == null) {
                throw new IllegalArgumentException("connection: must be one of residual, hc, mhc");
            }
            this.connection = connection;
            this.streams = connection == ConnectionType.RESIDUAL ? 1 : DEFAULT_STREAMS;
            this.streamInitStd = connection == ConnectionType.MHC ? DEFAULT_MHC_STREAM_INIT_STD : 0.0;
        }

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder dModel(int v) {
            dModel = v;
            return this;
        }

        public Builder heads(int v) {
            heads = v;
            return this;
        }

        public Builder blocks(int v) {
            blocks = v;
            return this;
        }

        public Builder contextLength(int v) {
            contextLength = v;
            return this;
        }

        public Builder ffnMultiplier(int v) {
            ffnMultiplier = v;
            return this;
        }

        public Builder streams(int v) {
            streams = v;
            return this;
        }

        public Builder sinkhornIterations(int v) {
            sinkhornIterations = v;
            return this;
        }

        public Builder resBiasDiagonal(double v) {
            resBiasDiagonal = v;
            return this;
        }

        public Builder gateInit(double v) {
            gateInit = v;
            return this;
        }

        public Builder streamInitStd(double v) {
            streamInitStd = v;
            return this;
        }

        public Builder tiedEmbeddings(boolean v) {
            tiedEmbeddings = v;
            return this;
        }

        public Builder normEps(double v) {
            normEps = v;
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(vocabSize, dModel, heads, blocks, contextLength, ffnMultiplier, connection, streams,
                    sinkhornIterations, resBiasDiagonal, gateInit, streamInitStd, tiedEmbeddings, initStd, normEps);
        }
    }

    /** Sublayers L = 2 * blocks; each carries one connection. */
    public int sublayers() {
        return 2 * blocks;
    }

    public int headDim() {
        return dModel / heads;
    }

    public int ffnWidth() {
        return ffnMultiplier * dModel;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise model config", e);
        }
    }

    public static ModelConfig fromJson(String json) {
        try {
            return JSON.readValue(json, ModelConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("invalid model config: " + cause.getMessage(), e);
        }
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": must be >= " + min + ", got " + value);
        }
    }

    private static void finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": must be a finite number, got " + value);
        }
    }
}
