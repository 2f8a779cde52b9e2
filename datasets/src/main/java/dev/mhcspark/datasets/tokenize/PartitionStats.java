package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;

/** What one Spark partition read, kept and dropped; the driver adds them up for the manifest. */
public final class PartitionStats implements Serializable, DocumentReader.Counts {
    final SplitStats[] splits = {new SplitStats(), new SplitStats()};
    long emptyDocuments;
    long duplicateDocuments;
    long badRecords;
    long invalidUtf8Values;

    @Override
    public void emptyDocument() {
        emptyDocuments++;
    }

    @Override
    public void badRecord() {
        badRecords++;
    }

    @Override
    public void invalidUtf8() {
        invalidUtf8Values++;
    }

    void add(PartitionStats other) {
        splits[0].add(other.splits[0]);
        splits[1].add(other.splits[1]);
        emptyDocuments += other.emptyDocuments;
        duplicateDocuments += other.duplicateDocuments;
        badRecords += other.badRecords;
        invalidUtf8Values += other.invalidUtf8Values;
    }

    public SplitStats split(Split split) {
        return splits[split.ordinal()];
    }
}
