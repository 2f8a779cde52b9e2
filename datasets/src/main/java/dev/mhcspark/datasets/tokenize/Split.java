package dev.mhcspark.datasets.tokenize;

import java.util.Locale;

/** The two datasets a tokenize job writes; a document goes to one of them by the hash of its content. */
public enum Split {
    TRAIN, VAL;

    /** Directory name under the dataset and key in the manifest. */
    public String dirName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Deterministic assignment: the top 53 bits of the document's content hash as a uniform number in [0, 1),
     * compared with the validation fraction. Re-running, re-sharding or re-ordering inputs keeps every
     * document in its split.
     */
    static Split of(long contentHash, double valFraction) {
        return (contentHash >>> 11) * 0x1.0p-53 < valFraction ? VAL : TRAIN;
    }
}
