package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of an input file one task reads. A file larger than a partition is cut into slices of nominal byte
 * ranges {@code [start, end)} when its documents are lines or paragraphs of uncompressed text, JSON Lines or
 * Parquet rows; each slice then reads the documents that begin in its range (see {@link SliceBoundary}; for
 * Parquet, the row groups whose midpoint it holds), so the slices of a file give exactly the documents of the
 * whole file, in order. Other files are read whole, as one slice.
 */
public record FileSlice(InputFile file, long start, long end) implements Serializable {
    public FileSlice {
        if (start < 0 || end < start || end > file.bytes()) {
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") of " + file.path() + " ("
                    + file.bytes() + " bytes)");
        }
    }

    public static FileSlice whole(InputFile file) {
        return new FileSlice(file, 0, file.bytes());
    }

    public boolean isWhole() {
        return start == 0 && end == file.bytes();
    }

    public long bytes() {
        return end - start;
    }

    /** {@code file} in {@code ceil(bytes / targetBytes)} slices of equal size, or whole if not {@code splittable}. */
    static List<FileSlice> cut(InputFile file, long targetBytes, boolean splittable) {
        long n = splittable ? Math.max(1, (file.bytes() + targetBytes - 1) / targetBytes) : 1;
        List<FileSlice> slices = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            slices.add(new FileSlice(file, offset(file.bytes(), i, n), offset(file.bytes(), i + 1, n)));
        }
        return slices;
    }

    /** Where slice {@code slice} of {@code slices} starts: the first {@code bytes % slices} are one byte longer. */
    private static long offset(long bytes, long slice, long slices) {
        return slice * (bytes / slices) + Math.min(slice, bytes % slices);
    }
}
