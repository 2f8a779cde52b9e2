package dev.mhcspark.jobs;

import dev.mhcspark.datasets.io.LocalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * The file system of a path given with a command-line flag (local, {@code file:}, {@code hdfs://}, any Hadoop file
 * system), with an error naming the flag when it cannot be reached. Without a Hadoop configuration
 * {@code hdfs:///runs/x} fails deep inside the HDFS client ("Incomplete HDFS URI, no host") and an HA nameservice
 * as an unknown host; both mean the same thing to the user: HADOOP_CONF_DIR is not set.
 */
public final class HadoopPaths {
    private HadoopPaths() {
    }

    /**
     * @param flag     the option the path came from, for the error message
     * @param location the path as the user gave it
     * @return the path's file system; the raw one for local paths, so no {@code .crc} file appears beside every file
     */
    public static FileSystem fileSystem(String flag, String location, Configuration conf) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem(conf);
            return LocalFiles.raw(fs);
        } catch (IOException | IllegalArgumentException e) {
            String scheme = path.toUri().getScheme() != null ? path.toUri().getScheme()
                    : FileSystem.getDefaultUri(conf).getScheme();
            if ("hdfs".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException(flag + " " + location + ": no Hadoop configuration is reachable "
                        + "for this hdfs:// path (fs.defaultFS is " + FileSystem.getDefaultUri(conf) + "; "
                        + e.getMessage() + "): set HADOOP_CONF_DIR to the directory with core-site.xml and "
                        + "hdfs-site.xml, name the namenode in the path (hdfs://<namenode>:<port>/...), or on Spark "
                        + "pass --conf spark.hadoop.fs.defaultFS=hdfs://<namenode>:<port>", e);
            }
            throw new UncheckedIOException(flag + " " + location + ": no file system for it: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** True for the local disk, where a path can be handed to code that only reads java.nio paths. */
    static boolean isLocal(FileSystem fs) {
        return fs instanceof RawLocalFileSystem || fs instanceof LocalFileSystem;
    }

    /**
     * How a path is shown in outputs: local paths as plain absolute paths (as before there was anything else),
     * others as full URIs ({@code hdfs://nn:8020/runs/x}) so they can be pasted into the next command.
     */
    static String display(FileSystem fs, Path path) {
        Path qualified = fs.makeQualified(path);
        if (isLocal(fs)) {
            return new java.io.File(qualified.toUri()).toPath().normalize().toString();
        }
        return qualified.toString();
    }

    /**
     * A Parquet output file written through {@code fs} itself: {@code HadoopOutputFile} would look the path up again
     * and, on a local disk, get the checksummed file system, which leaves a {@code .crc} file behind every rename.
     */
    static OutputFile parquetFile(FileSystem fs, Path path) {
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) throws IOException {
                return HadoopStreams.wrap(fs.create(path, false));
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return HadoopStreams.wrap(fs.create(path, true));
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }
        };
    }
}
