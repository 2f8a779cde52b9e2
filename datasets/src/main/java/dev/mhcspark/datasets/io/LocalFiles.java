package dev.mhcspark.datasets.io;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;

/** The local disk as Hadoop's raw file system. */
public final class LocalFiles {
    private LocalFiles() {
    }

    /**
     * {@code fs}, or for the checksummed local file system its raw one: no {@code .crc} file is written beside
     * every file, and no checksum is computed on every write and read.
     */
    public static FileSystem raw(FileSystem fs) {
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }
}
