package dev.mhcspark.jobs.pipeline;

import dev.mhcspark.datasets.io.Checksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The code version of pipeline keys: a hash of the compiled classes and resources of the project's own modules
 * (jar entries by name and CRC, or class directories by name and content). Unlike a git commit it ignores edits to
 * pipeline files and documentation, and unlike a jar's hash it ignores build timestamps.
 */
public final class CodeFingerprint {
    private CodeFingerprint() {
    }

    /** The fingerprint of the jars or class directories that hold {@code classes}. */
    public static String of(List<Class<?>> classes) {
        MessageDigest sha = Checksums.newSha256();
        classes.stream().map(CodeFingerprint::location).distinct().sorted().forEach(location -> {
            try {
                if (Files.isDirectory(location)) {
                    sha.update(Hashing.ofTree(location).getBytes(StandardCharsets.UTF_8));
                } else {
                    try (ZipFile zip = new ZipFile(location.toFile())) {
                        zip.stream().filter(e -> !e.isDirectory() && !e.getName().startsWith("META-INF/"))
                                .sorted(Comparator.comparing(ZipEntry::getName)).forEach(e -> {
                                    sha.update(e.getName().getBytes(StandardCharsets.UTF_8));
                                    sha.update(Long.toString(e.getCrc()).getBytes(StandardCharsets.UTF_8));
                                });
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("code fingerprint of " + location, e);
            }
        });
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("location of " + c, e);
        }
    }
}
