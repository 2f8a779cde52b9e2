package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;

/** Counts of one split (or of the dropped documents) that partitions add up; mutable only while a task counts. */
public final class SplitStats implements Serializable {
    long documents;
    long bytes;
    long tokens;

    void add(SplitStats other) {
        documents += other.documents;
        bytes += other.bytes;
        tokens += other.tokens;
    }

    public long documents() {
        return documents;
    }

    /** UTF-8 bytes of the normalised documents. */
    public long bytes() {
        return bytes;
    }

    /** Tokens, end-of-document tokens included. */
    public long tokens() {
        return tokens;
    }
}
