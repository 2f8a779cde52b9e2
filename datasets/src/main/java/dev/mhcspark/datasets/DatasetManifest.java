package dev.mhcspark.datasets;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import dev.mhcspark.datasets.tokenizer.BpeTokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizers;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code manifest.json} of a tokenized dataset: what was read, how it was tokenized and packed, and what each
 * split holds. Training and evaluation read it to find the tokenizer and refuse data that does not match.
 *
 * <p>Dataset layout: {@code manifest.json}, {@code train/part-NNNNN.parquet}, {@code val/part-NNNNN.parquet},
 * and {@code tokenizer.json} for BPE. Parquet schema: {@code seq_index bigint, doc_id bigint,
 * tokens array<int>} with {@code T + 1} tokens per row; {@code doc_id = input index * 2^40 + ordinal of the
 * document in its file} (in a text or JSON Lines file read in slices, counted from the first byte of its slice's
 * region).
 */
public record DatasetManifest(String format, int version, String createdBy, String createdAt,
                              TokenizerInfo tokenizer, int seqLen, int sequenceTokens, Options options,
                              Map<String, SplitInfo> splits, Map<String, Long> droppedDocuments,
                              List<Input> inputs, Map<String, String> schema, Map<String, String> sparkConf) {

    public static final String FILE_NAME = "manifest.json";
    public static final String FORMAT = "mhc-tokenized-dataset";
    public static final int VERSION = 1;
    public static final Map<String, String> SCHEMA = Map.of(
            "seq_index", "bigint: position of the sequence in its split, from 0",
            "doc_id", "bigint: document of the first token (input index * 2^40 + ordinal in the file; in a text "
                    + "or JSON Lines file read in slices, counted from the first byte of the slice's region)",
            "tokens", "array<int>: seq_len + 1 token ids");

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param spec as given to {@code --tokenizer}; for BPE {@code bpe:tokenizer.json}, a path relative to the
     *     dataset directory (the tokenizer file travels with the data)
     * @param sha256 of the tokenizer file (BPE), else null
     */
    public record TokenizerInfo(String spec, int vocabSize, int endOfDocument, String sha256) {
    }

    public record Options(double valFraction, String docSplit, String inputFormat, String textField,
                          String normalization, boolean dedup, String onInvalidUtf8, long partitionBytes) {
    }

    public record SplitInfo(long documents, long bytes, long tokens, long sequences, long droppedTailTokens,
                            List<Shard> shards) {
    }

    public record Shard(String file, long firstSequence, long sequences) {
    }

    /** @param invalidUtf8 null, {@code skipped} or {@code replaced} */
    public record Input(int index, String path, long bytes, String sha256, String format, String invalidUtf8) {
    }

    public SplitInfo split(String name) {
        SplitInfo split = splits.get(name);
        if (split == null) {
            throw new IllegalArgumentException("dataset has no split \"" + name + "\"; it has " + splits.keySet());
        }
        return split;
    }

    /**
     * The tokenizer the data were tokenized with, loaded as the manifest names it (a BPE file relative to the
     * dataset) and checked against what the manifest recorded, so data and tokenizer cannot silently diverge.
     */
    public Tokenizer loadTokenizer(String datasetDir, Configuration conf) {
        Tokenizer loaded = Tokenizers.load(tokenizer.spec(), new Path(datasetDir), conf);
        String sha = loaded instanceof BpeTokenizer bpe ? bpe.sha256() : null;
        if (loaded.vocabSize() != tokenizer.vocabSize() || loaded.endOfDocument() != tokenizer.endOfDocument()
                || !java.util.Objects.equals(sha, tokenizer.sha256())) {
            throw new IllegalArgumentException(datasetDir + ": the tokenizer " + tokenizer.spec() + " (vocab "
                    + loaded.vocabSize() + ", sha256 " + sha + ") does not match the manifest (vocab "
                    + tokenizer.vocabSize() + ", sha256 " + tokenizer.sha256() + "): the data were tokenized with a "
                    + "different tokenizer; re-run 'mhc tokenize'");
        }
        return loaded;
    }

    /**
     * Opens the footer of every Parquet shard of a split and checks its row count against the manifest, so an
     * unreadable, truncated or replaced shard is reported, by name, before a job starts on it.
     */
    public void verifyShards(String datasetDir, String splitName, Configuration conf) {
        for (Shard shard : split(splitName).shards()) {
            Path file = new Path(new Path(datasetDir, splitName), shard.file());
            long rows;
            try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                    org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(file, conf))) {
                rows = reader.getRecordCount();
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(file + ": not a readable Parquet shard (" + e.getMessage()
                        + "); the dataset is damaged: re-run 'mhc tokenize'");
            }
            if (rows != shard.sequences()) {
                throw new IllegalArgumentException(file + ": holds " + rows + " rows, the manifest says "
                        + shard.sequences() + "; the dataset is damaged: re-run 'mhc tokenize'");
            }
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(Path datasetDir, Configuration conf) {
        Path file = new Path(datasetDir, FILE_NAME);
        try (OutputStream out = file.getFileSystem(conf).create(file, false)) {
            out.write(toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks the manifest of the dataset at {@code datasetDir} (local path or Hadoop URI). */
    public static DatasetManifest read(String datasetDir, Configuration conf) {
        Path file = new Path(datasetDir, FILE_NAME);
        DatasetManifest manifest;
        try {
            FileSystem fs = file.getFileSystem(conf);
            try (InputStream in = fs.open(file)) {
                manifest = JSON.readValue(in, DatasetManifest.class);
            }
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException(datasetDir + ": not a tokenized dataset (no " + FILE_NAME
                    + "); create one with 'mhc tokenize'");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable manifest: " + e.getMessage());
        }
        if (!FORMAT.equals(manifest.format()) || manifest.version() != VERSION) {
            throw new IllegalArgumentException(file + ": format " + manifest.format() + " version "
                    + manifest.version() + "; expected " + FORMAT + " version " + VERSION);
        }
        return manifest;
    }

    public static DatasetManifest fromJson(String json) {
        try {
            return JSON.readValue(json, DatasetManifest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a dataset manifest: " + e.getMessage());
        }
    }
}
