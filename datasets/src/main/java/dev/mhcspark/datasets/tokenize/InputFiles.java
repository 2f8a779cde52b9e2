package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.tokenize.CorpusSettings.InputFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import dev.mhcspark.datasets.io.Checksums;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;

/** Finds the input files behind the user's paths and inspects them (size, checksum, UTF-8 validity) on Spark. */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * Expands files, directories (recursively; hidden {@code .}/{@code _} entries skipped, as Hadoop does) and
     * globs into a sorted, de-duplicated list of fully qualified file paths.
     */
    public static List<String> expand(List<String> inputs, Configuration conf) {
        TreeSet<String> files = new TreeSet<>();
        for (String input : inputs) {
            Path path = new Path(input);
            try {
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw new IllegalArgumentException("--input " + input + ": no such file or directory");
                }
                for (FileStatus match : matches) {
                    if (match.isDirectory()) {
                        RemoteIterator<LocatedFileStatus> it = fs.listFiles(match.getPath(), true);
                        while (it.hasNext()) {
                            Path file = it.next().getPath();
                            if (!hidden(file, match.getPath())) {
                                files.add(file.toString());
                            }
                        }
                    } else {
                        files.add(match.getPath().toString());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("--input " + input + ": " + e.getMessage(), e);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--input " + String.join(" ", inputs) + ": no files found");
        }
        return List.copyOf(files);
    }

    private static boolean hidden(Path file, Path root) {
        for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
            if (p.getName().startsWith(".") || p.getName().startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    /** Sizes, SHA-256 of the stored bytes and, for text formats, the first malformed UTF-8 offset: one task per file. */
    public static List<InputFile> inspect(JavaSparkContext sc, List<String> paths, InputFormat format) {
        SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            indices.add(i);
        }
        return sc.parallelize(indices, Math.max(1, Math.min(paths.size(), sc.defaultParallelism() * 4)))
                .map(i -> inspect(i, paths.get(i), format.resolve(paths.get(i)), conf.value()))
                .collect();
    }

    static InputFile inspect(int index, String file, InputFormat format, Configuration conf) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(conf);
        MessageDigest sha256 = Checksums.newSha256();
        long size;
        long invalidAt = -1;
        try (DigestInputStream raw = new DigestInputStream(fs.open(path), sha256)) {
            size = fs.getFileStatus(path).getLen();
            if (format == InputFormat.PARQUET) {
                raw.transferTo(java.io.OutputStream.nullOutputStream());
            } else {
                CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
                InputStream in = codec == null ? raw : codec.createInputStream(raw);
                invalidAt = firstInvalidUtf8(in);
                raw.transferTo(java.io.OutputStream.nullOutputStream());  // the checksum covers every stored byte
            }
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException(file + ": disappeared while reading the input: " + e.getMessage());
        }
        return new InputFile(index, file, size, HexFormat.of().formatHex(sha256.digest()), format, invalidAt);
    }

    /** Offset of the first byte of the first malformed UTF-8 sequence, or -1 when all of {@code in} is UTF-8. */
    static long firstInvalidUtf8(InputStream in) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        long consumed = 0;
        boolean eof = false;
        while (!eof) {
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            eof = n < 0;
            if (n > 0) {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
            CoderResult result;
            do {
                chars.clear();
                result = decoder.decode(bytes, chars, eof);
                if (result.isError()) {
                    return consumed + bytes.position();
                }
            } while (result.isOverflow());
            consumed += bytes.position();
            bytes.compact();
        }
        chars.clear();
        return decoder.flush(chars).isError() ? consumed : -1;
    }
}
