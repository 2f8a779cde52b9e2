package dev.mhcspark.jobs;

import static org.apache.spark.sql.functions.col;

import dev.mhcspark.datasets.DatasetManifest;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mhc train}: trains a residual, HC or mHC Transformer and writes a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a residual, HC or mHC decoder-only Transformer on a text corpus (byte-level tokens) "
                + "or synthetic data in this process (--master none), or on a tokenized dataset (mhc tokenize) "
                + "with DL4J parameter averaging on Spark (--master local[N] | spark://... | yarn).",
                "Writes to the run directory (local or hdfs://): config.json (every setting), metrics/ (Parquet: "
                        + "run_id, step, worker, metric, layer, value), model/ (model.zip + config.json) and "
                        + "summary.json; Spark runs add checkpoints/ (--checkpoint-every; --resume continues a run)."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "PATH",
            description = "--master none: UTF-8 text file to train on, one byte per token (default: the bundled "
                    + "data/corpora/tinyshakespeare.txt). Spark master: a tokenized dataset directory "
                    + "(manifest.json, train/, val/; local or hdfs://).")
    String data;

    @Option(names = "--synthetic", description = "Train on a synthetic Markov-chain token stream instead "
            + "(vocabulary 64, entropy ${sys:mhc.synthetic.entropy} nats/token).")
    boolean synthetic;

    @Option(names = "--run", paramLabel = "DIR", description = "Run directory to create, local or hdfs:// "
            + "(default: runs/<connection>-<yyyyMMdd-HHmmss>). Must not hold files yet, unless --resume.")
    String run;

    @Option(names = "--master", description = "Where to train: none (this JVM, text file or --synthetic) or a "
            + "Spark master (local[N], spark://..., yarn, k8s://...; needs a tokenized --data). Default: none, or the "
            + "master spark-submit set (mhc submit).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting (repeatable; Spark "
            + "masters only).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--epochs", description = "Spark: passes over train/ (default 1). Not with --steps.")
    Integer epochs;

    @Option(names = "--workers", description = "Spark: workers (partitions training at once). Default: Spark's "
            + "default parallelism.")
    Integer workers;

    @Option(names = "--averaging-frequency", defaultValue = "4", description = "Spark: minibatches each worker "
            + "fits between parameter averagings. Default: ${DEFAULT-VALUE}.")
    int averagingFrequency;

    @Option(names = "--metrics-every", defaultValue = "1", description = "Spark: worker steps between metric "
            + "records (loss, lr) sent to the driver. Default: ${DEFAULT-VALUE}.")
    int metricsEvery;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Spark: steps between checkpoints "
            + "(model, updater state and trainer state in checkpoints/step-N/; the newest two are kept). "
            + "Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--resume", description = "Spark: continue the interrupted run in --run from its newest "
            + "checkpoint; every setting that changes the computation must be the same as when it started.")
    boolean resume;

    @Option(names = "--on-divergence", defaultValue = "stop", description = "Spark: on a non-finite loss, a loss "
            + "spike or a composite gain above --max-gain: stop (restore the last good parameters, checkpoint, "
            + "summarise and end), skip (restore them and go on with the next round's data) or continue. "
            + "Default: ${DEFAULT-VALUE}.")
    String onDivergence;

    @Option(names = "--spike-factor", defaultValue = "4.0", description = "Spark: a step whose loss exceeds this "
            + "multiple of the moving average of the loss is a divergence event. Default: ${DEFAULT-VALUE}.")
    double spikeFactor;

    @Option(names = "--max-gain", defaultValue = "1e4", description = "Spark: a forward or backward composite "
            + "Amax gain above this is a divergence event. Default: ${DEFAULT-VALUE}.")
    double maxGain;

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

    @Option(names = "--seq-len", description = "Tokens per training sequence T. Default: 128; with a "
            + "tokenized dataset its seq_len (a smaller T uses the first T + 1 tokens of each sequence).")
    Integer seqLen;

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

    @Option(names = "--steps", description = "Training steps. Default: 300 (Spark: 1 epoch). Spark: a step is "
            + "one minibatch on every worker; rounded up to whole averaging rounds of --averaging-frequency steps.")
    Integer steps;

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

    @Option(names = "--eval-every", defaultValue = "100", description = "Steps between validation passes (and "
            + "driver-side probes). Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--eval-batches", defaultValue = "8", description = "Batches per validation pass (Spark: "
            + "the first sequences of val/). Default: ${DEFAULT-VALUE}.")
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
    public Integer call() throws IOException {
        if (master == null) {
            master = SparkSessions.submittedMaster().orElse("none");
        }
        if (!"none".equals(master)) {
            return trainOnSpark();
        }
        if (epochs != null || workers != null || !conf.isEmpty() || resume) {
            throw new IllegalArgumentException("--epochs, --workers, --conf and --resume need a Spark --master (and "
                    + "a tokenized --data); --master none trains for --steps in this process");
        }
        if (synthetic && data != null) {
            throw new IllegalArgumentException("--data and --synthetic: give one or the other");
        }
        if (!"float".equals(dtype) && !"double".equals(dtype)) {
            throw new IllegalArgumentException("--dtype: expected float or double, got " + dtype);
        }
        // settings are validated before any data is read
        int vocab = synthetic ? SYNTHETIC_VOCAB : ByteTokenizer.VOCAB_SIZE;
        Path file = synthetic ? null : data != null ? Path.of(data)
                : Launcher.home().resolve("data/corpora/tinyshakespeare.txt");
        int seqLen = this.seqLen != null ? this.seqLen : 128;
        int steps = this.steps != null ? this.steps : 300;
        if (data != null && Files.isRegularFile(file.resolve(DatasetManifest.FILE_NAME))) {
            throw new IllegalArgumentException("--data " + data + " is a tokenized dataset: train on it with a Spark "
                    + "--master (e.g. --master local[*]); --master none trains on a text file");
        }
        ModelConfig model = model(vocab, seqLen);
        OptimizerSettings optimizer = new OptimizerSettings(lr, warmup, steps, 0.9, 0.95, weightDecay, gradClip);
        TrainSettings settings = new TrainSettings(model, optimizer,
                synthetic ? "synthetic" : file.toAbsolutePath().toString(), batch, seed, dtype, logEvery, evalEvery,
                evalBatches, probeEvery, valFraction);
        int[] tokens = synthetic ? SyntheticCorpus.markov(SYNTHETIC_TOKENS, SYNTHETIC_VOCAB, seed)
                : ByteTokenizer.INSTANCE.encode(read(file));
        TokenWindows windows = new TokenWindows(tokens, seqLen, valFraction);
        new SingleProcessTrainer(settings, windows, RunDirectory.create(runDir(), new Configuration()), System.out)
                .train();
        return 0;
    }

    private String runDir() {
        return run != null ? run : "runs/" + connection.id() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    private ModelConfig model(int vocab, int seqLen) {
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
        return builder.build();
    }

    /**
     * DL4J parameter averaging on Spark over a tokenized dataset. Everything that can be checked (manifest,
     * tokenizer, sequence length, batch and step counts, settings) is checked before any training starts.
     */
    private int trainOnSpark() throws IOException {
        if (synthetic) {
            throw new IllegalArgumentException("--synthetic trains in this process only (--master none)");
        }
        if (data == null) {
            throw new IllegalArgumentException("--master " + master + ": only 'none' trains on a text file or "
                    + "--synthetic; Spark training needs --data <tokenized dataset directory> (see 'mhc tokenize')");
        }
        if (!"float".equals(dtype) && !"double".equals(dtype)) {
            throw new IllegalArgumentException("--dtype: expected float or double, got " + dtype);
        }
        if (epochs != null && steps != null) {
            throw new IllegalArgumentException("--epochs and --steps: give one or the other");
        }
        try (SparkSession session = SparkSessions.create("mhc train", master, conf)) {
            Configuration hadoop = session.sparkContext().hadoopConfiguration();
            HadoopPaths.fileSystem("--data", data, hadoop);
            if (run != null) {
                HadoopPaths.fileSystem("--run", run, hadoop);
            }
            DatasetManifest manifest = DatasetManifest.read(data, hadoop);
            manifest.loadTokenizer(data, hadoop);
            int t = seqLen != null ? seqLen : manifest.seqLen();
            if (t > manifest.seqLen()) {
                throw new IllegalArgumentException("--seq-len " + t + " is larger than the dataset's sequences: "
                        + data + " was tokenized with seq_len " + manifest.seqLen() + " (manifest.json); use "
                        + "--seq-len <= " + manifest.seqLen() + " or re-run 'mhc tokenize' with a larger --seq-len");
            }
            if (t < 1) {
                throw new IllegalArgumentException("--seq-len: must be >= 1, got " + t);
            }
            long trainSequences = manifest.split("train").sequences();
            if (trainSequences == 0) {
                throw new IllegalArgumentException(data + ": train/ holds no sequences (manifest.json); nothing to "
                        + "train on");
            }
            if (batch < 1) {
                throw new IllegalArgumentException("batch: must be >= 1, got " + batch);
            }
            long batches = trainSequences / batch;
            if (batches == 0) {
                throw new IllegalArgumentException("--batch " + batch + ": train/ of " + data + " holds only "
                        + trainSequences + " sequences, less than one batch");
            }
            if (manifest.split("val").sequences() == 0) {
                throw new IllegalArgumentException(data + ": val/ holds no sequences; re-run 'mhc tokenize' with a "
                        + "larger --val-fraction");
            }
            manifest.verifyShards(data, "train", hadoop);
            manifest.verifyShards(data, "val", hadoop);
            int w = workers != null ? workers : session.sparkContext().defaultParallelism();
            if (w < 1 || averagingFrequency < 1 || metricsEvery < 1) {
                throw new IllegalArgumentException("--workers, --averaging-frequency and --metrics-every: must be "
                        + ">= 1, got " + w + ", " + averagingFrequency + ", " + metricsEvery);
            }
            long rounds = SparkTrainSettings.roundsPerEpoch(batches, w, averagingFrequency);
            if (rounds == 0) {
                throw new IllegalArgumentException("train/ of " + data + " holds " + batches + " batches of " + batch
                        + ", fewer than one averaging round (--workers " + w + " x --averaging-frequency "
                        + averagingFrequency + "); lower --batch, --workers or --averaging-frequency");
            }
            long totalRounds = steps != null ? Math.max(1, (steps + averagingFrequency - 1) / averagingFrequency)
                    : (epochs != null ? epochs : 1) * rounds;
            if (epochs != null && epochs < 1) {
                throw new IllegalArgumentException("--epochs: must be >= 1, got " + epochs);
            }
            int totalSteps = Math.toIntExact(totalRounds * averagingFrequency);
            if (warmup >= totalSteps) {
                throw new IllegalArgumentException("--warmup " + warmup + ": must be below the run's " + totalSteps
                        + " steps (" + totalRounds + " averaging rounds x " + averagingFrequency + "); lower --warmup "
                        + "or train longer");
            }
            ModelConfig model = model(manifest.tokenizer().vocabSize(), t);
            OptimizerSettings optimizer = new OptimizerSettings(lr, warmup, totalSteps, 0.9, 0.95, weightDecay,
                    gradClip);
            SparkTrainSettings settings = new SparkTrainSettings(model, optimizer, data, sha256(manifest.toJson()),
                    Launcher.codeVersion(), session.sparkContext().master(), Map.copyOf(conf), batch, seed, dtype, w,
                    averagingFrequency, metricsEvery, evalEvery, evalBatches, checkpointEvery, rounds, totalRounds,
                    new DivergenceGuard.Settings(DivergenceGuard.Action.parse(onDivergence), spikeFactor, maxGain));
            RunDirectory dir;
            RunDirectory.Checkpoint checkpoint = null;
            if (resume) {
                if (run == null) {
                    throw new IllegalArgumentException("--resume needs --run <the run directory to continue>");
                }
                dir = RunDirectory.resume(run, hadoop);
                // through JSON text, so both sides have the same number node types
                requireSameConfig(dir.readJson(RunDirectory.CONFIG),
                        RunDirectory.JSON.readTree(RunDirectory.JSON.writeValueAsString(settings)));
                checkpoint = dir.latestCheckpoint().orElse(null);
                if (checkpoint == null) {
                    System.out.println("resume: " + run + " has no checkpoint yet; starting it from step 0");
                    dir.metrics().truncateAfter(-1);
                }
            } else {
                dir = RunDirectory.create(runDir(), hadoop);
            }
            List<Row> validation = session.read().parquet(data + "/val")
                    .where(col("seq_index").lt((long) evalBatches * batch))
                    .select("seq_index", "tokens").orderBy("seq_index").collectAsList();
            long used = rounds * w * averagingFrequency;
            if (used < batches) {
                System.out.printf("train: %,d of %,d full batches per epoch (whole averaging rounds of %d workers x "
                        + "%d)%n", used, batches, w, averagingFrequency);
            }
            new SparkTrainer(session, settings, data + "/train", validation, dir, System.out).train(checkpoint);
        }
        return 0;
    }

    /** A resumed run must compute what the interrupted one would have: same settings but where it runs. */
    private static void requireSameConfig(com.fasterxml.jackson.databind.JsonNode saved,
                                          com.fasterxml.jackson.databind.JsonNode now) {
        List<String> differ = new java.util.ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>();
        saved.fieldNames().forEachRemaining(names::add);
        now.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!SparkTrainSettings.RESUMABLE_CHANGES.contains(name) && !java.util.Objects.equals(saved.get(name),
                    now.get(name))) {
                differ.add(name + " (run: " + saved.get(name) + ", now: " + now.get(name) + ")");
            }
        }
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException("--resume: the settings differ from the run's config.json: "
                    + String.join("; ", differ) + ". Resume with the original flags, or start a new --run");
        }
    }

    private static String sha256(String text) {
        return dev.mhcspark.datasets.io.Checksums.sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
