package dev.mhcspark.jobs.pipeline;

import dev.mhcspark.datasets.io.Checksums;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/** SHA-256 of strings and of local files or directory trees (names and contents). */
final class Hashing {
    private Hashing() {
    }

    static String of(String text) {
        return Checksums.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The hash of a file's bytes, or of a directory's relative file names and contents. */
    static String ofTree(Path root) {
        MessageDigest sha = Checksums.newSha256();
        byte[] buffer = new byte[1 << 16];
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
                sha.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(f)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("hashing " + root, e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
