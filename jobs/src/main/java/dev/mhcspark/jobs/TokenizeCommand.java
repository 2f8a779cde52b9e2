package dev.mhcspark.jobs;

import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.tokenize.CorpusSettings;
import dev.mhcspark.datasets.tokenize.DatasetTokenizer;
import dev.mhcspark.datasets.tokenize.TokenizeJob;
import dev.mhcspark.datasets.tokenize.TokenizeSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mhc tokenize}: corpus → packed, sharded Parquet dataset with a manifest (a Spark job). */
@Command(name = "tokenize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Tokenize a corpus into a dataset of packed training sequences (a Spark job).",
                "Writes <output>/manifest.json, train/part-NNNNN.parquet and val/part-NNNNN.parquet (columns "
                        + "seq_index bigint, doc_id bigint, tokens array<int> of seq-len + 1 ids), and "
                        + "tokenizer.json for BPE. The output appears only when the job succeeds."})
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    CorpusOptions corpus;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Dataset directory to create (local or hdfs://).")
    String output;

    @Option(names = "--tokenizer", defaultValue = "byte", paramLabel = "SPEC",
            description = "byte | tiktoken:<encoding> (cl100k_base, o200k_base, p50k_base, r50k_base, ...) | "
                    + "bpe:<tokenizer file> | bpe:<vocab size> (trains a byte-level BPE on the input first). "
                    + "Default: ${DEFAULT-VALUE}.")
    String tokenizer;

    @Option(names = "--seq-len", defaultValue = "256", paramLabel = "T",
            description = "Tokens per training sequence; rows hold T + 1. Default: ${DEFAULT-VALUE}.")
    int seqLen;

    @Option(names = "--val-fraction", defaultValue = "0.05", paramLabel = "F",
            description = "Share of documents, chosen by content hash, that go to val/. Default: ${DEFAULT-VALUE}.")
    double valFraction;

    @Option(names = "--shards", defaultValue = "4", paramLabel = "K",
            description = "Parquet files per split (fewer if there are fewer sequences). Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--dedup", description = "Drop exact duplicate documents (after normalisation), keeping the "
            + "first in input order.")
    boolean dedup;

    @Option(names = "--overwrite", description = "Replace an existing output directory (only once the new one is "
            + "complete).")
    boolean overwrite;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() {
        TokenizeSettings settings = new TokenizeSettings(corpus.settings(), output, tokenizer, seqLen, valFraction,
                shards, dedup, overwrite);
        try (SparkSession session = spark.session("mhc tokenize")) {
            DatasetTokenizer tokenizers = new DatasetTokenizer(session.sparkContext().hadoopConfiguration(),
                    System.out::println);
            DatasetManifest manifest = new TokenizeJob(session, settings, tokenizers, System.out::println).run();
            System.out.println("tokenize: manifest " + output + "/" + DatasetManifest.FILE_NAME + " ("
                    + manifest.tokenizer().spec() + ", vocab " + manifest.tokenizer().vocabSize() + ")");
        }
        return 0;
    }

    /** How to read the corpus: shared by {@code tokenize} and {@code tokenizer train}. */
    static final class CorpusOptions {
        @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
                description = "Files, directories (recursive) or globs; local or hdfs://. .txt (also .gz, .bz2), "
                        + ".jsonl/.ndjson and .parquet by extension.")
        List<String> inputs;

        @Option(names = "--doc-split", defaultValue = "file", paramLabel = "MODE",
                description = "How text files become documents: file (one per file) | line | blank-line "
                        + "(paragraphs). Default: ${DEFAULT-VALUE}.")
        String docSplit;

        @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
                description = "auto (by extension) | text | jsonl | parquet. Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(names = "--text-field", defaultValue = "text", paramLabel = "NAME",
                description = "JSON Lines field / Parquet string column holding the text. Default: ${DEFAULT-VALUE}.")
        String textField;

        @Option(names = "--normalization", defaultValue = "nfc", paramLabel = "FORM",
                description = "Unicode normalisation: nfc | nfkc | none. Default: ${DEFAULT-VALUE}.")
        String normalization;

        @Option(names = "--on-invalid-utf8", defaultValue = "fail", paramLabel = "POLICY",
                description = "fail | skip (the file; a Parquet value) | replace (bad bytes with U+FFFD); "
                        + "counted in the manifest. Default: ${DEFAULT-VALUE}.")
        String onInvalidUtf8;

        @Option(names = "--skip-bad-records", description = "Skip and count JSON Lines records that are not JSON "
                + "or lack the text field, instead of failing.")
        boolean skipBadRecords;

        @Option(names = "--partition-mb", defaultValue = "16", paramLabel = "MB",
                description = "Input per Spark task: smaller files are grouped; larger Parquet and JSON Lines files "
                        + "and uncompressed text split into lines or paragraphs are read in slices of this size, "
                        + "other files by one task. Default: ${DEFAULT-VALUE}.")
        double partitionMb;

        CorpusSettings settings() {
            return new CorpusSettings(inputs, Flags.parse("--doc-split", docSplit, CorpusSettings.DocSplit.class),
                    Flags.parse("--format", format, CorpusSettings.InputFormat.class), textField,
                    Flags.parse("--normalization", normalization, CorpusSettings.TextNormalization.class),
                    Flags.parse("--on-invalid-utf8", onInvalidUtf8, CorpusSettings.InvalidUtf8Policy.class),
                    skipBadRecords, (long) (partitionMb * (1 << 20)));
        }
    }

    /** {@code --master} and {@code --conf}, for every Spark command. */
    static final class SparkOptions {
        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master: local[*], local[N], spark://..., yarn, k8s://... Default: the one "
                        + "spark-submit set, else local[*].")
        String master;

        @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting (repeatable).")
        Map<String, String> conf = new LinkedHashMap<>();

        SparkSession session(String appName) {
            return SparkSessions.create(appName, master, conf);
        }
    }
}
