package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;

/**
 * Everything a tokenize job needs, validated at construction so a bad flag fails before Spark starts.
 *
 * @param corpus what to read and how
 * @param output the dataset directory to create (must not exist unless {@code overwrite})
 * @param tokenizer {@code byte}, {@code tiktoken:<encoding>}, {@code bpe:<tokenizer file>} or {@code bpe:<vocab size>}
 *     (trains a byte-level BPE on the inputs first)
 * @param seqLen T: sequences hold {@code T + 1} tokens (inputs and next-token labels)
 * @param valFraction share of documents (by content hash) that go to {@code val/}
 * @param shards Parquet files per split
 * @param dedup drop exact duplicate documents (after normalisation), keeping the first in input order
 * @param overwrite replace an existing output directory
 */
public record TokenizeSettings(CorpusSettings corpus, String output, String tokenizer, int seqLen,
                               double valFraction, int shards, boolean dedup, boolean overwrite)
        implements Serializable {

    public TokenizeSettings {
        if (corpus == null) {
            throw new IllegalArgumentException("--input: required");
        }
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
    }
}
