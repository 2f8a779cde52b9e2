package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.tokenize.CorpusSettings.InputFormat;
import java.io.Serializable;

/**
 * One input file as the manifest records it. Document ids are {@code index * 2^40 + ordinal}, where the ordinal
 * counts documents (text), lines (JSON Lines) or rows (Parquet) within the file from 0, so every token can be
 * traced back to its file and position.
 *
 * @param invalidUtf8Offset byte offset (after decompression) of the first malformed UTF-8 sequence, or -1
 */
public record InputFile(int index, String path, long bytes, String sha256, InputFormat format,
                        long invalidUtf8Offset) implements Serializable {

    static final int ORDINAL_BITS = 40;

    public long documentId(long ordinal) {
        return ((long) index << ORDINAL_BITS) | ordinal;
    }

    public boolean validUtf8() {
        return invalidUtf8Offset < 0;
    }
}
