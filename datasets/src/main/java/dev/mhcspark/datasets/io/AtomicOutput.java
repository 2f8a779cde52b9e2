package dev.mhcspark.datasets.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output directory that appears whole or not at all: everything is written to a hidden sibling
 * ({@code .<name>.tmp-<uuid>}, which Hadoop and Spark readers skip) and renamed into place by {@link #commit()}.
 * A job killed half-way leaves only the hidden directory behind; {@link #abort()} removes it on failure.
 * Works on any Hadoop file system whose rename is atomic (local, HDFS).
 */
public final class AtomicOutput {
    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private final boolean overwrite;

    private AtomicOutput(FileSystem fs, Path target, Path temp, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
        this.overwrite = overwrite;
    }

    /** Refuses an existing {@code output} unless {@code overwrite}; creates the temporary directory. */
    public static AtomicOutput begin(String output, boolean overwrite, Configuration conf) {
        return begin("--output", output, overwrite, conf);
    }

    /** As {@link #begin(String, boolean, Configuration)}, with errors naming the option {@code flag}. */
    public static AtomicOutput begin(String flag, String output, boolean overwrite, Configuration conf) {
        try {
            Path target = new Path(output);
            FileSystem fs = target.getFileSystem(conf);
            target = fs.makeQualified(target);
            if (!overwrite && fs.exists(target)) {
                throw new IllegalArgumentException(flag + " " + output + ": already exists; choose another "
                        + "directory or pass --overwrite to replace it");
            }
            Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
            if (!fs.mkdirs(temp)) {
                throw new IOException("cannot create " + temp);
            }
            return new AtomicOutput(fs, target, temp, overwrite);
        } catch (IOException e) {
            throw new UncheckedIOException(flag + " " + output + ": " + e.getMessage(), e);
        }
    }

    /** Where to write; fully qualified. */
    public Path temp() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** Moves the finished output into place (replacing the old one only now, if overwriting). */
    public void commit() {
        try {
            Path old = null;
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw new IllegalStateException(target + " appeared while the job ran; the finished output "
                            + "stays at " + temp);
                }
                old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
                rename(target, old);
            }
            rename(temp, target);
            if (old != null) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("committing " + target + ": " + e.getMessage(), e);
        }
    }

    /** Removes the temporary directory; the target is untouched. */
    public void abort() {
        try {
            fs.delete(temp, true);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + temp + ": " + e.getMessage(), e);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }
}
