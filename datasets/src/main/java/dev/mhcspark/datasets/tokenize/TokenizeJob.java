package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.io.AtomicOutput;
import dev.mhcspark.datasets.io.Checksums;
import dev.mhcspark.datasets.io.JobFailures;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InvalidUtf8Policy;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokenize job: input files → documents → tokens → packed {@code T + 1} sequences → sharded Parquet
 * {@code train/} and {@code val/} plus {@code manifest.json}, committed atomically. Each stage is a reusable
 * class of this package; this one wires them and keeps the books.
 *
 * <p>Spark work: one pass over the inputs to inspect them (size, SHA-256, UTF-8), one to tokenize, which
 * spills each partition's tokens per split to {@code _tokens/} in the temporary dataset directory, and one
 * that cuts the spilled streams into sequences and writes the shards, a task per shard (no shuffle). BPE
 * training and {@code --dedup} each add one pass over the documents.
 */
public final class TokenizeJob {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizeJob.class);
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|token|credential|key).*");

    private final SparkSession spark;
    private final TokenizeSettings settings;
    private final TokenizerResolver tokenizers;
    private final Consumer<String> console;
    int pieceChars = PartitionTokenizer.DEFAULT_PIECE_CHARS;
    long progressMillis = 5_000;

    /** Turns the {@code --tokenizer} spec into a tokenizer, training one on the documents if the spec asks. */
    public interface TokenizerResolver {
        /**
         * @param documents the normalised documents, for specs that train (e.g. {@code bpe:<vocab size>})
         * @param datasetDir the (temporary) dataset directory: a tokenizer file must be written there as
         *     {@code tokenizer.json}, and the returned tokenizer's spec must then be {@code bpe:tokenizer.json}
         */
        Tokenizer resolve(String spec, JavaRDD<String> documents, Path datasetDir);
    }

    public TokenizeJob(SparkSession spark, TokenizeSettings settings, TokenizerResolver tokenizers,
                       Consumer<String> console) {
        this.spark = spark;
        this.settings = settings;
        this.tokenizers = tokenizers;
        this.console = console;
    }

    public DatasetManifest run() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = sc.hadoopConfiguration();
        AtomicOutput output = AtomicOutput.begin(settings.output(), settings.overwrite(), conf);
        try {
            DatasetManifest manifest = write(sc, conf, output.temp());
            output.commit();
            return manifest;
        } catch (Exception e) {  // Spark's own failures are checked SparkExceptions
            output.abort();
            throw JobFailures.userFacing(e);
        }
    }

    private DatasetManifest write(JavaSparkContext sc, Configuration conf, Path dir) {
        long started = System.nanoTime();
        Corpus corpus = Corpus.open(sc, settings.corpus(), console);
        long inputBytes = corpus.readableBytes();
        console.accept(String.format("tokenize: inspected %d file(s) in %.1f s", corpus.inspected().size(),
                (System.nanoTime() - started) / 1e9));
        Tokenizer tokenizer = tokenizers.resolve(settings.tokenizer(), corpus.texts(), dir);
        long[] dropped = settings.dedup() ? Deduplication.laterCopies(corpus, pieceChars) : new long[0];
        if (settings.dedup()) {
            console.accept(String.format("tokenize: %,d exact duplicate document(s) will be dropped", dropped.length));
        }
        SerializableConfiguration hadoopConf = corpus.hadoopConf();
        TokenizeSettings s = settings;
        int pieces = pieceChars;
        Broadcast<long[]> drop = sc.broadcast(dropped);
        Broadcast<Tokenizer> shippedTokenizer = sc.broadcast(tokenizer);
        Progress.Counters counters = Progress.Counters.register(sc, "tokenize");
        Path spill = new Path(dir, "_tokens");
        String spillDir = spill.toString();

        console.accept(String.format("tokenize: %s of text in %d partition(s) with %s (vocab %,d)",
                Progress.bytes(inputBytes), corpus.partitions().getNumPartitions(), tokenizer.spec(),
                tokenizer.vocabSize()));
        long tokenizing = System.nanoTime();
        List<PartitionTokenizer.Result> results;
        try (Progress progress = Progress.start("tokenize", inputBytes, counters, console, progressMillis)) {
            results = new ArrayList<>(corpus.partitions().mapPartitionsWithIndex((index, it) -> {
                Tokenizer tok = shippedTokenizer.value();
                long[] dropIds = drop.value();
                TaskContext task = TaskContext.get();
                Path prefix = new Path(spillDir, String.format("p%05d-a%d", index, task.taskAttemptId()));
                return List.of(PartitionTokenizer.run(index, it.hasNext() ? it.next() : List.of(), s, tok,
                        hadoopConf.value(), id -> Arrays.binarySearch(dropIds, id) >= 0, pieces, prefix,
                        counters)).iterator();
            }, true).collect());
        }
        results.sort(Comparator.comparingInt(PartitionTokenizer.Result::partition));
        console.accept(String.format("tokenize: tokenized in %.1f s", (System.nanoTime() - tokenizing) / 1e9));
        PartitionStats total = new PartitionStats();
        results.forEach(r -> total.add(r.stats()));
        long keptDocuments = total.split(Split.TRAIN).documents() + total.split(Split.VAL).documents();
        if (keptDocuments == 0) {
            throw new IllegalArgumentException("--input " + String.join(" ", settings.corpus().inputs())
                    + ": no documents to tokenize (" + corpus.readable().size() + " readable file(s), "
                    + total.emptyDocuments + " empty document(s), " + total.duplicateDocuments + " duplicate(s), "
                    + total.badRecords + " bad record(s))");
        }

        int sequenceTokens = settings.seqLen() + 1;
        List<ShardWriter.SplitPlan> plans = new ArrayList<>();
        for (Split split : Split.values()) {
            plans.add(ShardWriter.plan(split, results.stream().map(r -> r.stream(split)).toList(), sequenceTokens,
                    settings.shards()));
        }
        long writing = System.nanoTime();
        List<List<DatasetManifest.Shard>> shards = ShardWriter.write(sc, plans, sequenceTokens, dir);
        Map<String, DatasetManifest.SplitInfo> splits = new LinkedHashMap<>();
        for (ShardWriter.SplitPlan plan : plans) {
            SplitStats stats = total.split(plan.split());
            splits.put(plan.split().dirName(), new DatasetManifest.SplitInfo(stats.documents(), stats.bytes(),
                    stats.tokens(), plan.sequences(), stats.tokens() - plan.sequences() * sequenceTokens,
                    shards.get(plan.split().ordinal())));
        }
        console.accept(String.format("tokenize: wrote %,d train / %,d val sequences in %d + %d shard(s) in %.1f s",
                plans.get(0).sequences(), plans.get(1).sequences(), shards.get(0).size(), shards.get(1).size(),
                (System.nanoTime() - writing) / 1e9));
        try {
            spill.getFileSystem(conf).delete(spill, true);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + spill + ": " + e.getMessage(), e);
        }

        DatasetManifest manifest = manifest(tokenizer, dir, conf, corpus, total, splits);
        manifest.write(dir, conf);
        double seconds = (System.nanoTime() - started) / 1e9;
        long tokens = total.split(Split.TRAIN).tokens() + total.split(Split.VAL).tokens();
        console.accept(String.format("tokenize: done in %.1f s: %,d documents, %s, %,d tokens (%.2f MB/s, %,.0f "
                        + "tokens/s); train %,d / val %,d sequences of %d tokens; dropped %,d empty, %,d duplicate, "
                        + "%,d bad-record, %,d invalid-UTF-8 document(s) -> %s",
                seconds, keptDocuments, Progress.bytes(inputBytes), tokens, inputBytes / 1e6 / seconds,
                tokens / seconds, splits.get("train").sequences(), splits.get("val").sequences(),
                settings.seqLen() + 1, total.emptyDocuments, total.duplicateDocuments, total.badRecords,
                manifest.droppedDocuments().get("invalid_utf8"), settings.output()));
        return manifest;
    }

    private DatasetManifest manifest(Tokenizer tokenizer, Path dir, Configuration conf, Corpus corpus,
                                     PartitionStats total, Map<String, DatasetManifest.SplitInfo> splits) {
        CorpusSettings read = settings.corpus();
        String tokenizerSha = null;
        Path tokenizerFile = new Path(dir, "tokenizer.json");
        try {
            FileSystem fs = tokenizerFile.getFileSystem(conf);
            if (fs.exists(tokenizerFile)) {
                tokenizerSha = Checksums.sha256(fs, tokenizerFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String invalidAction = read.onInvalidUtf8() == InvalidUtf8Policy.SKIP ? "skipped" : "replaced";
        List<DatasetManifest.Input> inputs = new ArrayList<>();
        for (InputFile f : corpus.inspected()) {
            inputs.add(new DatasetManifest.Input(f.index(), f.path(), f.bytes(), f.sha256(), f.format().name()
                    .toLowerCase(Locale.ROOT), f.validUtf8() ? null : invalidAction));
        }
        Map<String, Long> dropped = new TreeMap<>();
        dropped.put("empty", total.emptyDocuments);
        dropped.put("duplicate", total.duplicateDocuments);
        dropped.put("bad_record", total.badRecords);
        dropped.put("invalid_utf8", total.invalidUtf8Values + corpus.skippedFiles());
        Map<String, String> sparkConf = new TreeMap<>();
        for (scala.Tuple2<String, String> kv : spark.sparkContext().getConf().getAll()) {
            if (!SECRET.matcher(kv._1()).matches()) {
                sparkConf.put(kv._1(), kv._2());
            }
        }
        String version = TokenizeJob.class.getPackage().getImplementationVersion();
        return new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.VERSION,
                "mhc-spark " + (version == null ? "development build" : version), Instant.now().toString(),
                new DatasetManifest.TokenizerInfo(tokenizer.spec(), tokenizer.vocabSize(), tokenizer.endOfDocument(),
                        tokenizerSha),
                settings.seqLen(), settings.seqLen() + 1,
                new DatasetManifest.Options(settings.valFraction(), read.docSplit().flag(),
                        read.format().name().toLowerCase(Locale.ROOT), read.textField(),
                        read.normalization().name().toLowerCase(Locale.ROOT), settings.dedup(),
                        read.onInvalidUtf8().name().toLowerCase(Locale.ROOT), read.partitionBytes()),
                splits, dropped, inputs, DatasetManifest.SCHEMA, sparkConf);
    }
}
