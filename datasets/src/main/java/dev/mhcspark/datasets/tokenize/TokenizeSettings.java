package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * Everything a tokenize job needs, validated at construction so a bad flag fails before Spark starts.
 *
 * @param inputs files, directories, globs; local paths or any Hadoop URI ({@code hdfs://...})
 * @param output the dataset directory to create (must not exist unless {@code overwrite})
 * @param tokenizer {@code byte}, {@code tiktoken:<encoding>}, {@code bpe:<tokenizer file>} or {@code bpe:<vocab size>}
 *     (trains a byte-level BPE on the inputs first)
 * @param seqLen T: sequences hold {@code T + 1} tokens (inputs and next-token labels)
 * @param valFraction share of documents (by content hash) that go to {@code val/}
 * @param shards Parquet files per split
 * @param docSplit how plain-text files are cut into documents
 * @param format how inputs are read; {@code AUTO} decides by file extension
 * @param textField the JSON Lines field or Parquet column that holds the text
 * @param normalization Unicode normalisation applied to every document
 * @param dedup drop exact duplicate documents (after normalisation), keeping the first in input order
 * @param onInvalidUtf8 what to do with input that is not valid UTF-8
 * @param skipBadRecords count and skip JSON Lines records that are not JSON or lack the text field, instead of failing
 * @param overwrite replace an existing output directory
 * @param partitionBytes input bytes per Spark task (files are grouped, never split, into partitions of about this size)
 */
public record TokenizeSettings(List<String> inputs, String output, String tokenizer, int seqLen, double valFraction,
                               int shards, DocSplit docSplit, InputFormat format, String textField,
                               TextNormalization normalization, boolean dedup, InvalidUtf8Policy onInvalidUtf8,
                               boolean skipBadRecords, boolean overwrite, long partitionBytes) implements Serializable {

    public static final long DEFAULT_PARTITION_BYTES = 16L << 20;

    public TokenizeSettings {
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("--input: give at least one file, directory or glob");
        }
        inputs = List.copyOf(inputs);
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("--output: a dataset directory is required");
        }
        if (tokenizer == null || tokenizer.isBlank()) {
            throw new IllegalArgumentException("--tokenizer: required (byte, tiktoken:<encoding>, bpe:<file> or "
                    + "bpe:<vocab size>)");
        }
        if (seqLen < 1 || seqLen > 1 << 20) {
            throw new IllegalArgumentException("--seq-len: must be in [1, 1048576], got " + seqLen);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new IllegalArgumentException("--val-fraction: must be in [0, 1), got " + valFraction);
        }
        if (shards < 1 || shards > 100_000) {
            throw new IllegalArgumentException("--shards: must be in [1, 100000], got " + shards);
        }
        if (textField == null || textField.isBlank()) {
            throw new IllegalArgumentException("--text-field: must name a JSON field / Parquet column");
        }
        if (partitionBytes < 1 << 16) {
            throw new IllegalArgumentException("--partition-mb: must be at least 64 KiB, got " + partitionBytes
                    + " bytes");
        }
        if (docSplit == null || format == null || normalization == null || onInvalidUtf8 == null) {
            throw new IllegalArgumentException("doc-split, format, normalization and on-invalid-utf8 are required");
        }
    }

    /** How a plain-text file becomes documents. */
    public enum DocSplit {
        /** the whole file is one document */
        FILE,
        /** every non-empty line is a document */
        LINE,
        /** paragraphs separated by one or more blank lines are documents */
        BLANK_LINE;

        public String flag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public enum InputFormat {
        AUTO, TEXT, JSONL, PARQUET;

        /** The format of one file: its own for explicit formats, else by extension (compression suffix ignored). */
        public InputFormat resolve(String fileName) {
            if (this != AUTO) {
                return this;
            }
            String name = fileName.toLowerCase(Locale.ROOT).replaceFirst("\\.(gz|bz2)$", "");
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
                return JSONL;
            }
            return name.endsWith(".parquet") ? PARQUET : TEXT;
        }
    }

    public enum TextNormalization {
        NFC(Normalizer.Form.NFC), NFKC(Normalizer.Form.NFKC), NONE(null);

        private final Normalizer.Form form;

        TextNormalization(Normalizer.Form form) {
            this.form = form;
        }

        public String apply(String text) {
            return form == null || Normalizer.isNormalized(text, form) ? text : Normalizer.normalize(text, form);
        }
    }

    public enum InvalidUtf8Policy {
        /** drop the whole file (or Parquet value) and count it */
        SKIP,
        /** replace each malformed sequence with U+FFFD and count the file */
        REPLACE,
        /** stop with an error naming the file and byte offset */
        FAIL
    }
}
