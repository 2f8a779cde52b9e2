package dev.mhcspark.jobs;

import dev.mhcspark.datasets.SyntheticCorpus;
import dev.mhcspark.datasets.TokenWindows;
import dev.mhcspark.datasets.tokenizer.ByteTokenizer;
import dev.mhcspark.model.ConnectionType;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.OptimizerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mhc train}: trains a residual, HC or mHC Transformer and writes a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a residual, HC or mHC decoder-only Transformer on a text corpus (byte-level tokens) "
                + "or synthetic data, in this process.",
                "Writes to the run directory: train.json (settings), metrics.jsonl (loss, validation loss, "
                        + "stability probes), model/ (model.zip + config.json) and summary.json."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "FILE",
            description = "UTF-8 text file to train on, one byte per token (default: the bundled "
                    + "data/corpora/tinyshakespeare.txt).")
    Path data;

    @Option(names = "--synthetic", description = "Train on a synthetic Markov-chain token stream instead "
            + "(vocabulary 64, entropy ${sys:mhc.synthetic.entropy} nats/token).")
    boolean synthetic;

    @Option(names = "--run", paramLabel = "DIR", description = "Run directory to create (default: "
            + "runs/<connection>-<yyyyMMdd-HHmmss>). Must not hold files yet.")
    Path run;

    @Option(names = "--master", defaultValue = "none", description = "Where to train. Only 'none' (this JVM) "
            + "for now. Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--connection", defaultValue = "mhc", converter = ConnectionConverter.class,
            description = "residual | hc | mhc. Default: ${DEFAULT-VALUE}.")
    ConnectionType connection;

    @Option(names = "--streams", description = "Expansion rate n for hc/mhc (default 4; residual is 1).")
    Integer streams;

    @Option(names = "--d-model", defaultValue = "128", description = "Residual width C. Default: ${DEFAULT-VALUE}.")
    int dModel;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads; must divide --d-model. "
            + "Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--blocks", defaultValue = "4", description = "Transformer blocks (2 sublayers each). "
            + "Default: ${DEFAULT-VALUE}.")
    int blocks;

    @Option(names = "--seq-len", defaultValue = "128", description = "Tokens per training sequence T. "
            + "Default: ${DEFAULT-VALUE}.")
    int seqLen;

    @Option(names = "--ffn-multiplier", defaultValue = "4", description = "FFN width / d_model. "
            + "Default: ${DEFAULT-VALUE}.")
    int ffnMultiplier;

    @Option(names = "--sinkhorn-iterations", defaultValue = "20", description = "Sinkhorn-Knopp iterations "
            + "t_max (mhc). Default: ${DEFAULT-VALUE}.")
    int sinkhornIterations;

    @Option(names = "--res-bias", defaultValue = "4.0", description = "mhc H_res bias init d (b_res = d*I; 4 gives "
            + "a 0.948 diagonal at n=4). Default: ${DEFAULT-VALUE}.")
    double resBias;

    @Option(names = "--gate-init", defaultValue = "0.01", description = "Init of the gates alpha of the dynamic "
            + "coefficients (hc, mhc). Default: ${DEFAULT-VALUE}.")
    double gateInit;

    @Option(names = "--stream-init-std", description = "Std of the stream symmetry breaking at init (learned "
            + "per-stream input offsets and readout weights; default 0.02 for mhc, 0 for hc).")
    Double streamInitStd;

    @Option(names = "--untied", description = "Untied unembedding (default: tied to the token embedding).")
    boolean untied;

    @Option(names = "--batch", defaultValue = "16", description = "Sequences per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--steps", defaultValue = "300", description = "Training steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (AdamW 0.9/0.95, warmup then "
            + "cosine decay to lr/10). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--warmup", defaultValue = "30", description = "Warmup steps. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1", description = "Decoupled weight decay on matrices and "
            + "embeddings. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--grad-clip", defaultValue = "1.0", description = "Global L2 gradient clip, 0 = off. "
            + "Default: ${DEFAULT-VALUE}.")
    double gradClip;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of init and data order. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dtype", defaultValue = "float", description = "float | double. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Tail of the corpus held out for "
            + "validation. Default: ${DEFAULT-VALUE}.")
    double valFraction;

    @Option(names = "--eval-every", defaultValue = "100", description = "Steps between validation passes. "
            + "Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--eval-batches", defaultValue = "8", description = "Batches per validation pass. "
            + "Default: ${DEFAULT-VALUE}.")
    int evalBatches;

    @Option(names = "--probe-every", defaultValue = "50", description = "Steps between stability probes (Amax "
            + "gains, column sums, Sinkhorn residual, state RMS). Default: ${DEFAULT-VALUE}.")
    int probeEvery;

    @Option(names = "--log-every", defaultValue = "10", description = "Steps between console lines. "
            + "Default: ${DEFAULT-VALUE}.")
    int logEvery;

    private static final int SYNTHETIC_VOCAB = 64;
    private static final int SYNTHETIC_TOKENS = 1_000_000;

    static {
        System.setProperty("mhc.synthetic.entropy", String.format("%.2f", SyntheticCorpus.ENTROPY_NATS));
    }

    @Override
    public Integer call() {
        if (!"none".equals(master)) {
            throw new IllegalArgumentException("--master " + master + ": only 'none' (train in this process) is "
                    + "available in this version; distributed Spark training is not built yet");
        }
        if (synthetic && data != null) {
            throw new IllegalArgumentException("--data and --synthetic: give one or the other");
        }
        if (!"float".equals(dtype) && !"double".equals(dtype)) {
            throw new IllegalArgumentException("--dtype: expected float or double, got " + dtype);
        }
        // settings are validated before any data is read
        int vocab = synthetic ? SYNTHETIC_VOCAB : ByteTokenizer.VOCAB_SIZE;
        Path file = synthetic ? null : data != null ? data : Launcher.home().resolve("data/corpora/tinyshakespeare.txt");
        ModelConfig.Builder builder = ModelConfig.builder(connection).vocabSize(vocab).dModel(dModel).heads(heads)
                .blocks(blocks).contextLength(seqLen).ffnMultiplier(ffnMultiplier)
                .sinkhornIterations(sinkhornIterations).resBiasDiagonal(resBias).gateInit(gateInit)
                .tiedEmbeddings(!untied);
        if (streams != null) {
            builder.streams(streams);
        }
        if (streamInitStd != null) {
            builder.streamInitStd(streamInitStd);
        }
        ModelConfig model = builder.build();
        OptimizerSettings optimizer = new OptimizerSettings(lr, warmup, steps, 0.9, 0.95, weightDecay, gradClip);
        TrainSettings settings = new TrainSettings(model, optimizer,
                synthetic ? "synthetic" : file.toAbsolutePath().toString(), batch, seed, dtype, logEvery, evalEvery,
                evalBatches, probeEvery, valFraction);
        int[] tokens = synthetic ? SyntheticCorpus.markov(SYNTHETIC_TOKENS, SYNTHETIC_VOCAB, seed)
                : ByteTokenizer.INSTANCE.encode(read(file));
        TokenWindows windows = new TokenWindows(tokens, seqLen, valFraction);
        Path dir = run != null ? run : Path.of("runs", connection.id() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        new SingleProcessTrainer(settings, windows, RunDirectory.create(dir), System.out).train();
        return 0;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--data " + file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("--data " + file + ": " + e.getMessage(), e);
        }
    }

    static final class ConnectionConverter implements picocli.CommandLine.ITypeConverter<ConnectionType> {
        @Override
        public ConnectionType convert(String value) {
            return ConnectionType.parse(value);
        }
    }
}
