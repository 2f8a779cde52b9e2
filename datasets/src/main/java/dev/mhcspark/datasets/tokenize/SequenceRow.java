package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;

/**
 * One row of a tokenized dataset (a Java bean so that Spark encodes {@code tokens} as a primitive array).
 * Parquet schema, as documented in the manifest: {@code seq_index bigint} (position of the sequence in its
 * split), {@code doc_id bigint} (document of the first token), {@code tokens array<int>} ({@code T + 1} ids).
 */
public final class SequenceRow implements Serializable {
    private long seqIndex;
    private long docId;
    private int[] tokens;

    public SequenceRow() {
    }

    public SequenceRow(long seqIndex, long docId, int[] tokens) {
        this.seqIndex = seqIndex;
        this.docId = docId;
        this.tokens = tokens;
    }

    public long getSeqIndex() {
        return seqIndex;
    }

    public void setSeqIndex(long seqIndex) {
        this.seqIndex = seqIndex;
    }

    public long getDocId() {
        return docId;
    }

    public void setDocId(long docId) {
        this.docId = docId;
    }

    public int[] getTokens() {
        return tokens;
    }

    public void setTokens(int[] tokens) {
        this.tokens = tokens;
    }
}
