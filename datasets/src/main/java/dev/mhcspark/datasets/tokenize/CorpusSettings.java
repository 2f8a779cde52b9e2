package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * How to read a corpus into documents: shared by the tokenize job and tokenizer training.
 *
 * @param inputs files, directories, globs; local paths or any Hadoop URI ({@code hdfs://...})
 * @param docSplit how plain-text files are cut into documents
 * @param format how inputs are read; {@code AUTO} decides by file extension
 * @param textField the JSON Lines field or Parquet column that holds the text
 * @param normalization Unicode normalisation applied to every document
 * @param onInvalidUtf8 what to do with input that is not valid UTF-8
 * @param skipBadRecords count and skip JSON Lines records that are not JSON or lack the text field, instead of failing
 * @param partitionBytes input bytes per Spark task: files are grouped, and larger ones cut into {@link FileSlice}s
 *     where their format allows, into partitions of about this size
 */
public record CorpusSettings(List<String> inputs, DocSplit docSplit, InputFormat format, String textField,
                             TextNormalization normalization, InvalidUtf8Policy onInvalidUtf8, boolean skipBadRecords,
                             long partitionBytes) implements Serializable {

    public static final long DEFAULT_PARTITION_BYTES = 16L << 20;

    public CorpusSettings {
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("--input: give at least one file, directory or glob");
        }
        inputs = List.copyOf(inputs);
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

    /** Plain text files, one document per file, NFC, failing on bad input: the defaults of the command line. */
    public static CorpusSettings of(List<String> inputs) {
        return new CorpusSettings(inputs, DocSplit.FILE, InputFormat.AUTO, "text", TextNormalization.NFC,
                InvalidUtf8Policy.FAIL, false, DEFAULT_PARTITION_BYTES);
    }

    public CorpusSettings withDocSplit(DocSplit split) {
        return new CorpusSettings(inputs, split, format, textField, normalization, onInvalidUtf8, skipBadRecords,
                partitionBytes);
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
        /** Text below U+0300 (Latin-1, Latin Extended, IPA, spacing modifiers) has no combining marks: already NFC. */
        NFC(Normalizer.Form.NFC, '\u0300'),
        /** Below U+00A0 (no-break space, the first compatibility character) text is already NFKC. */
        NFKC(Normalizer.Form.NFKC, '\u00A0'),
        NONE(null, Character.MAX_VALUE);

        private final Normalizer.Form form;
        private final char unchangedBelow;

        TextNormalization(Normalizer.Form form, char unchangedBelow) {
            this.form = form;
            this.unchangedBelow = unchangedBelow;
        }

        public String apply(String text) {
            return form == null || allBelow(text, unchangedBelow) || Normalizer.isNormalized(text, form) ? text
                    : Normalizer.normalize(text, form);
        }

        /**
         * The common case, checked without the JDK normaliser, which allocates a buffer the size of the text on
         * every call, even for text it then finds normalised: that allocation was a tenth of a byte-tokenizer job.
         */
        private static boolean allBelow(String text, char limit) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) >= limit) {
                    return false;
                }
            }
            return true;
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
