package dev.mhcspark.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The anchor a user would pick instead of our DL4J model: the same pre-norm decoder-only Transformer,
 * trained in libtorch (PyTorch 2.7.1) through DJL's training API, timed on random token batches.
 *
 * <p>Architecture (shapes for batch {@code B}, sequence {@code T}, width {@code d}, {@code H} heads of
 * width {@code d/H}, vocabulary {@code V}, {@code L} blocks):
 *
 * <pre>
 *   tokens (B,T) int64
 *   x = E_tok[tokens] + E_pos[0..T)                         (B,T,d)   learned absolute positions
 *   L times:
 *     x = x + W_o · CausalMHA(W_qkv · RMSNorm(x))           (B,T,d)   W_qkv d→3d, W_o d→d, no biases
 *     x = x + W_2 · GELU(W_1 · RMSNorm(x) + b_1) + b_2      (B,T,d)   W_1 d→4d, W_2 4d→d
 *   logits = W_u · RMSNorm(x)                                (B,T,V)   untied, no bias
 *   loss = mean softmax cross-entropy of logits[:, t] against tokens[:, t+1]
 * </pre>
 *
 * <p>The learned positional embedding ({@code T·d} parameters, included in {@link Result#parameters()})
 * is not needed for a throughput figure, but it is what makes N match the reference measurement in
 * {@code STACK.md} (3.32 M at d=256, T=128). RMSNorm is written from NDArray ops (DJL has no RMSNorm
 * block): {@code x / sqrt(mean(x²) + 1e-6) · g}, a learned gain and no bias. GELU is the exact (erf) form.
 * Weights and embeddings start from N(0, 0.02), biases from 0, gains from 1.
 *
 * <p>Optimiser: DJL's {@code AdamW} (decoupled weight decay, PyTorch semantics {@code w -= lr·wd·w};
 * ε = 1e-8 is added to {@code sqrt(v)} before the bias correction rather than after), lr 3e-4, betas
 * 0.9/0.95, weight decay 0.1 on every parameter (DJL has one global decay; the usual exclusion of gains
 * and biases does not change throughput). No gradient clipping, no dropout.
 *
 * <p>Runtime: libtorch reads its thread counts once, when the engine loads, from
 * {@code -Dai.djl.pytorch.num_threads} / {@code -Dai.djl.pytorch.num_interop_threads} and
 * {@code OMP_NUM_THREADS}. {@link #main} fills in sensible defaults for the system properties; the
 * environment ({@code OMP_NUM_THREADS} and the glibc {@code MALLOC_*} settings from {@code STACK.md},
 * without which the d=256 figure drops by about a fifth) must be set by whoever starts the JVM. Measure on
 * an idle machine: with as many OpenMP threads as cores, any other busy process collapses the figure
 * (seen: 4–5× slower), since libtorch's threads wait for each other at every op.
 */
public final class LibtorchReference {

    /** The learning rate of every measurement (the tests also train at larger ones). */
    static final float LEARNING_RATE = 3e-4f;

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.95f;
    private static final float WEIGHT_DECAY = 0.1f;
    private static final float INIT_STD = 0.02f;
    private static final float RMS_EPS = 1e-6f;

    private LibtorchReference() {}

    /**
     * One throughput measurement.
     *
     * @param tokensPerSecond training tokens per second over the timed steps ({@code B·T·steps / seconds})
     * @param stepSecondsMean mean wall time of one full training step (forward, backward, AdamW update)
     * @param parameters N, the number of trainable parameters (positional embedding included)
     * @param gflopsPerSecond {@code tokensPerSecond · (6N + 12·L·d·T) / 1e9}
     */
    public record Result(double tokensPerSecond, double stepSecondsMean, long parameters, double gflopsPerSecond) {}

    /**
     * Builds the model, runs {@code warmupSteps} untimed then {@code timedSteps} timed training steps, each
     * on a fresh batch of uniformly random tokens, and reports the throughput.
     *
     * @param vocab      vocabulary size V
     * @param dModel     residual width d (a multiple of {@code heads})
     * @param heads      attention heads H
     * @param blocks     decoder blocks L
     * @param seqLen     sequence length T (the model is trained on T inputs predicting T next tokens)
     * @param batch      sequences per step B
     * @param warmupSteps untimed steps first (libtorch allocator and MKL warm-up)
     * @param timedSteps timed steps, at least 1
     * @param seed       seeds both the parameter initialisation and the token stream
     * @return the measured figures
     */
    public static Result measure(int vocab, int dModel, int heads, int blocks, int seqLen, int batch,
                                 int warmupSteps, int timedSteps, long seed) {
        if (timedSteps < 1) {
            throw new IllegalArgumentException("timedSteps must be at least 1: " + timedSteps);
        }
        Config config = new Config(vocab, dModel, heads, blocks, seqLen, batch);
        SplittableRandom random = new SplittableRandom(seed);
        try (Session session = new Session(config, LEARNING_RATE, seed)) {
            for (int i = 0; i < warmupSteps; i++) {
                session.step(randomTokens(config, random));
            }
            long start = System.nanoTime();
            for (int i = 0; i < timedSteps; i++) {
                session.step(randomTokens(config, random));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double tokensPerSecond = (double) batch * seqLen * timedSteps / seconds;
            long n = session.parameterCount();
            double gflops = tokensPerSecond * flopsPerToken(n, blocks, dModel, seqLen) / 1e9;
            return new Result(tokensPerSecond, seconds / timedSteps, n, gflops);
        }
    }

    /**
     * Training FLOP per token by the usual estimate: 6 per parameter (forward 2, backward 4) plus the
     * attention score and value products, {@code 12·L·d·T} (forward {@code 2·2·d·T} per block, backward
     * twice that). The causal mask is not credited: the products are computed densely.
     */
    static double flopsPerToken(long parameters, int blocks, int dModel, int seqLen) {
        return 6.0 * parameters + 12.0 * blocks * dModel * seqLen;
    }

    /**
     * Trains on one fixed random batch for {@code steps} steps and returns the loss before each update;
     * a correct model and optimiser must drive it down (memorisation). For the tests.
     */
    static float[] lossOnRepeatedBatch(int vocab, int dModel, int heads, int blocks, int seqLen, int batch,
                                       int steps, float learningRate, long seed) {
        Config config = new Config(vocab, dModel, heads, blocks, seqLen, batch);
        long[] tokens = randomTokens(config, new SplittableRandom(seed));
        float[] losses = new float[steps];
        try (Session session = new Session(config, learningRate, seed)) {
            for (int i = 0; i < steps; i++) {
                losses[i] = session.step(tokens);
            }
        }
        return losses;
    }

    /**
     * Runs the untrained model forward (no training) on {@code B} sequences of {@code T} tokens
     * (row-major) and returns the logits, row-major {@code (B,T,V)}. For the tests (e.g. causality).
     */
    static float[] logits(int vocab, int dModel, int heads, int blocks, int seqLen, int batch,
                          long[] inputTokens, long seed) {
        Config config = new Config(vocab, dModel, heads, blocks, seqLen, batch);
        try (Session session = new Session(config, LEARNING_RATE, seed)) {
            return session.logits(inputTokens);
        }
    }

    /** Builds (and initialises) the model and returns N, without training. */
    static long parameterCount(int vocab, int dModel, int heads, int blocks, int seqLen) {
        try (Session session = new Session(new Config(vocab, dModel, heads, blocks, seqLen, 1), LEARNING_RATE, 0)) {
            return session.parameterCount();
        }
    }

    /** {@code B} rows of {@code T+1} tokens, row-major: inputs are columns 0..T-1, targets 1..T. */
    private static long[] randomTokens(Config config, SplittableRandom random) {
        long[] tokens = new long[config.batch * (config.seqLen + 1)];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(config.vocab);
        }
        return tokens;
    }

    /**
     * Prints one line with the figures for the default configuration (V=256, d=256, H=4, L=4, T=128,
     * B=16). Optional {@code key=value} arguments override it: {@code vocab d heads blocks T batch warmup
     * steps seed threads}. {@code threads} (default: all processors) only takes effect if given before
     * libtorch loads, i.e. here, and only if {@code -Dai.djl.pytorch.num_threads} was not set.
     */
    public static void main(String[] args) {
        Set<String> keys = Set.of("vocab", "d", "heads", "blocks", "T", "batch", "warmup", "steps", "seed", "threads");
        Map<String, Integer> opt = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !keys.contains(kv[0])) {
                throw new IllegalArgumentException("expected key=value with key in " + keys + ": " + arg);
            }
            opt.put(kv[0], Integer.parseInt(kv[1]));
        }
        int threads = opt.getOrDefault("threads", Runtime.getRuntime().availableProcessors());
        // Must precede the first DJL call: the engine reads these once, when libtorch loads.
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        warnAboutEnvironment(Integer.getInteger("ai.djl.pytorch.num_threads"));

        int vocab = opt.getOrDefault("vocab", 256);
        int d = opt.getOrDefault("d", 256);
        int heads = opt.getOrDefault("heads", 4);
        int blocks = opt.getOrDefault("blocks", 4);
        int seqLen = opt.getOrDefault("T", 128);
        int batch = opt.getOrDefault("batch", 16);
        Result r = measure(vocab, d, heads, blocks, seqLen, batch,
                opt.getOrDefault("warmup", 3), opt.getOrDefault("steps", 20), opt.getOrDefault("seed", 42));
        System.out.printf(Locale.ROOT,
                "libtorch %s (DJL) V=%d d=%d H=%d L=%d T=%d B=%d N=%d threads=%s: %.0f tokens/s, %.3f s/step, %.1f GFLOP/s%n",
                Engine.getEngine("PyTorch").getVersion(), vocab, d, heads, blocks, seqLen, batch, r.parameters(),
                System.getProperty("ai.djl.pytorch.num_threads"), r.tokensPerSecond(), r.stepSecondsMean(),
                r.gflopsPerSecond());
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The figure is meaningless without these, and nothing else would tell the user. */
    private static void warnAboutEnvironment(Integer threads) {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp == null || (threads != null && !omp.equals(threads.toString()))) {
            System.err.println("warning: OMP_NUM_THREADS=" + omp + " but libtorch is asked for " + threads + " threads");
        }
        List<String> missing = new ArrayList<>();
        for (String v : List.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")) {
            if (System.getenv(v) == null) {
                missing.add(v);
            }
        }
        if (!missing.isEmpty()) {
            System.err.println("warning: " + missing + " unset: glibc returns freed memory to the OS and the"
                    + " page faults cut libtorch throughput (by ~20 % at d=256 here; see STACK.md)");
        }
    }

    private record Config(int vocab, int dModel, int heads, int blocks, int seqLen, int batch) {
        Config {
            if (vocab < 2 || dModel < 1 || heads < 1 || blocks < 1 || seqLen < 1 || batch < 1) {
                throw new IllegalArgumentException("every size must be positive (vocab at least 2): " + this);
            }
            if (dModel % heads != 0) {
                throw new IllegalArgumentException("d=" + dModel + " is not a multiple of heads=" + heads);
            }
        }
    }

    /** A model with its trainer; every step's arrays live in a sub-manager closed after the step. */
    private static final class Session implements AutoCloseable {
        private final Config config;
        private final Model model;
        private final Trainer trainer;

        Session(Config config, float learningRate, long seed) {
            this.config = config;
            Engine engine = Engine.getEngine("PyTorch");
            engine.setRandomSeed((int) seed);
            model = Model.newInstance("libtorch-reference", Device.cpu(), "PyTorch");
            model.setBlock(new Decoder(config));
            Optimizer adamW = Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed(learningRate))
                    .optBeta1(BETA1)
                    .optBeta2(BETA2)
                    .optWeightDecays(WEIGHT_DECAY)
                    .build();
            DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(adamW)
                    .optInitializer(new NormalInitializer(INIT_STD), Parameter.Type.WEIGHT)
                    .optDevices(new Device[] {Device.cpu()});
            trainer = model.newTrainer(trainingConfig);
            trainer.initialize(new Shape(config.batch, config.seqLen));
        }

        /**
         * One full training step on {@code tokens} ({@code B} rows of {@code T+1}, row-major).
         *
         * @return the loss before the update
         */
        float step(long[] tokens) {
            try (NDManager stepManager = model.getNDManager().newSubManager()) {
                NDArray[] io = inputsAndTargets(stepManager, tokens);
                float loss;
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(io[0])).singletonOrThrow();
                    // (B·T, V) against (B·T): the plain classification form of DJL's loss.
                    NDArray lossArray = trainer.getLoss().evaluate(
                            new NDList(io[1].reshape(-1)),
                            new NDList(logits.reshape(-1, config.vocab)));
                    collector.backward(lossArray);
                    loss = lossArray.getFloat();
                }
                trainer.step();
                return loss;
            }
        }

        float[] logits(long[] inputTokens) {
            try (NDManager stepManager = model.getNDManager().newSubManager()) {
                NDArray inputs = stepManager.create(inputTokens, new Shape(config.batch, config.seqLen));
                return trainer.evaluate(new NDList(inputs)).singletonOrThrow().toFloatArray();
            }
        }

        long parameterCount() {
            return model.getBlock().getParameters().values().stream()
                    .mapToLong(p -> p.getArray().getShape().size())
                    .sum();
        }

        /** Splits {@code B} rows of {@code T+1} tokens into inputs (B,T) and next-token targets (B,T). */
        private NDArray[] inputsAndTargets(NDManager manager, long[] tokens) {
            int b = config.batch;
            int t = config.seqLen;
            long[] inputs = new long[b * t];
            long[] targets = new long[b * t];
            for (int row = 0; row < b; row++) {
                System.arraycopy(tokens, row * (t + 1), inputs, row * t, t);
                System.arraycopy(tokens, row * (t + 1) + 1, targets, row * t, t);
            }
            Shape shape = new Shape(b, t);
            return new NDArray[] {manager.create(inputs, shape), manager.create(targets, shape)};
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Blocks. Every op is called on an activation, never on a parameter, so its result attaches to
    // the step's sub-manager (DJL attaches results to the receiver's manager) and is freed with it.
    // ---------------------------------------------------------------------------------------------

    /** tokens (B,T) int64 → logits (B,T,V). */
    private static final class Decoder extends AbstractBlock {
        private final Config config;
        private final Parameter tokenEmbedding;
        private final Parameter positionEmbedding;
        private final List<DecoderBlock> blocks = new ArrayList<>();
        private final RmsNorm finalNorm;
        private final Linear unembedding;

        Decoder(Config config) {
            this.config = config;
            tokenEmbedding = addParameter(Parameter.builder()
                    .setName("tokenEmbedding").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(config.vocab, config.dModel)).build());
            positionEmbedding = addParameter(Parameter.builder()
                    .setName("positionEmbedding").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(config.seqLen, config.dModel)).build());
            for (int i = 0; i < config.blocks; i++) {
                blocks.add(addChildBlock("block" + i, new DecoderBlock(config)));
            }
            finalNorm = addChildBlock("finalNorm", new RmsNorm(config.dModel));
            unembedding = addChildBlock("unembedding",
                    Linear.builder().setUnits(config.vocab).optBias(false).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray tokens = inputs.singletonOrThrow();
            NDManager manager = tokens.getManager();
            Device device = tokens.getDevice();
            int t = Math.toIntExact(tokens.getShape().get(1));
            NDArray positions = manager.arange(0, t, 1, DataType.INT64);
            NDArray x = Embedding.embedding(tokens, ps.getValue(tokenEmbedding, device, training), SparseFormat.DENSE)
                    .singletonOrThrow()
                    .add(Embedding.embedding(positions, ps.getValue(positionEmbedding, device, training),
                            SparseFormat.DENSE).singletonOrThrow());
            NDArray mask = causalMask(manager, t);
            for (DecoderBlock block : blocks) {
                x = block.forward(ps, new NDList(x, mask), training).singletonOrThrow();
            }
            x = finalNorm.forward(ps, new NDList(x), training).singletonOrThrow();
            return unembedding.forward(ps, new NDList(x), training);
        }

        /** (T,T): 0 where key ≤ query, −∞ above the diagonal, so softmax gives the future zero weight. */
        private static NDArray causalMask(NDManager manager, int t) {
            float[] mask = new float[t * t];
            for (int q = 0; q < t; q++) {
                Arrays.fill(mask, q * t + q + 1, (q + 1) * t, Float.NEGATIVE_INFINITY);
            }
            return manager.create(mask, new Shape(t, t));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape tokens = inputShapes[0];
            Shape x = new Shape(tokens.get(0), tokens.get(1), config.dModel);
            Shape mask = new Shape(tokens.get(1), tokens.get(1));
            for (DecoderBlock block : blocks) {
                block.initialize(manager, dataType, x, mask);
            }
            finalNorm.initialize(manager, dataType, x);
            unembedding.initialize(manager, dataType, x);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape tokens = inputShapes[0];
            return new Shape[] {new Shape(tokens.get(0), tokens.get(1), config.vocab)};
        }
    }

    /** (x (B,T,d), mask (T,T)) → x + Attn(RMSNorm(x)) + FFN(RMSNorm(·)), (B,T,d). */
    private static final class DecoderBlock extends AbstractBlock {
        private final RmsNorm attentionNorm;
        private final CausalSelfAttention attention;
        private final RmsNorm feedForwardNorm;
        private final FeedForward feedForward;

        DecoderBlock(Config config) {
            attentionNorm = addChildBlock("attentionNorm", new RmsNorm(config.dModel));
            attention = addChildBlock("attention", new CausalSelfAttention(config));
            feedForwardNorm = addChildBlock("feedForwardNorm", new RmsNorm(config.dModel));
            feedForward = addChildBlock("feedForward", new FeedForward(config.dModel));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray x = inputs.get(0);
            NDArray mask = inputs.get(1);
            NDArray h = attentionNorm.forward(ps, new NDList(x), training).singletonOrThrow();
            x = x.add(attention.forward(ps, new NDList(h, mask), training).singletonOrThrow());
            h = feedForwardNorm.forward(ps, new NDList(x), training).singletonOrThrow();
            x = x.add(feedForward.forward(ps, new NDList(h), training).singletonOrThrow());
            return new NDList(x);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            attentionNorm.initialize(manager, dataType, inputShapes[0]);
            attention.initialize(manager, dataType, inputShapes);
            feedForwardNorm.initialize(manager, dataType, inputShapes[0]);
            feedForward.initialize(manager, dataType, inputShapes[0]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }

    /**
     * (h (B,T,d), mask (T,T)) → (B,T,d): fused QKV projection d→3d, H heads of width d/H with scaled
     * dot-product attention under the causal mask, output projection d→d; no biases.
     */
    private static final class CausalSelfAttention extends AbstractBlock {
        private final int dModel;
        private final int heads;
        private final Linear qkv;
        private final Linear output;

        CausalSelfAttention(Config config) {
            dModel = config.dModel;
            heads = config.heads;
            qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dModel).optBias(false).build());
            output = addChildBlock("output", Linear.builder().setUnits(dModel).optBias(false).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray h = inputs.get(0);
            NDArray mask = inputs.get(1);
            long b = h.getShape().get(0);
            long t = h.getShape().get(1);
            NDList qkvParts = qkv.forward(ps, new NDList(h), training).singletonOrThrow().split(3, 2);  // DJL's split wants a non-negative axis
            // Scaling q (B·T·d values) is cheaper than scaling the scores (B·H·T·T).
            NDArray q = splitHeads(qkvParts.get(0), b, t).mul(1.0 / Math.sqrt((double) dModel / heads));
            NDArray k = splitHeads(qkvParts.get(1), b, t);
            NDArray v = splitHeads(qkvParts.get(2), b, t);
            NDArray weights = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1);  // (B,H,T,T)
            NDArray context = weights.matMul(v)                                            // (B,H,T,d/H)
                    .transpose(0, 2, 1, 3)
                    .reshape(b, t, dModel);
            return output.forward(ps, new NDList(context), training);
        }

        /** (B,T,d) → (B,H,T,d/H). */
        private NDArray splitHeads(NDArray a, long b, long t) {
            return a.reshape(b, t, heads, dModel / heads).transpose(0, 2, 1, 3);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            qkv.initialize(manager, dataType, inputShapes[0]);
            output.initialize(manager, dataType, inputShapes[0]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }

    /** (B,T,d) → (B,T,d): d→4d with bias, GELU, 4d→d with bias. */
    private static final class FeedForward extends AbstractBlock {
        private final int dModel;
        private final Linear up;
        private final Linear down;

        FeedForward(int dModel) {
            this.dModel = dModel;
            up = addChildBlock("up", Linear.builder().setUnits(4L * dModel).build());
            down = addChildBlock("down", Linear.builder().setUnits(dModel).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray hidden = Activation.gelu(up.forward(ps, inputs, training).singletonOrThrow());
            return down.forward(ps, new NDList(hidden), training);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape x = inputShapes[0];
            up.initialize(manager, dataType, x);
            down.initialize(manager, dataType, new Shape(x.get(0), x.get(1), 4L * dModel));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }

    /** (…,d) → (…,d): {@code x / sqrt(mean(x²) + eps) · g} over the last axis, g learned (init 1). */
    private static final class RmsNorm extends AbstractBlock {
        private final Parameter gain;

        RmsNorm(int dModel) {
            gain = addParameter(Parameter.builder()
                    .setName("gain").setType(Parameter.Type.GAMMA)
                    .optShape(new Shape(dModel)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            NDArray rms = x.square().mean(new int[] {-1}, true).add(RMS_EPS).sqrt();
            return new NDList(x.div(rms).mul(ps.getValue(gain, x.getDevice(), training)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }
}
