package dev.mhcspark.datasets.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Builds the tokenizer a spec names, as written on command lines and in manifests. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * {@code byte}, {@code tiktoken:<encoding>} or {@code bpe:<tokenizer file>}: a local path (relative ones against
     * the working directory), a {@code file:} URI or a Hadoop URI such as {@code hdfs://namenode/tokenizers/bpe.json}.
     *
     * @throws IllegalArgumentException for any other spec, including {@code bpe:<integer>} (training a vocabulary of
     *         that size is the tokenize job's business, not a tokenizer to load)
     * @throws UncheckedIOException     if a BPE file cannot be read or is invalid (the message names it and why)
     */
    public static Tokenizer load(String spec) {
        return load(spec, null, null);
    }

    /**
     * As {@link #load(String)}, but a relative BPE path is resolved against {@code directory} (a dataset's, whose
     * manifest says {@code bpe:tokenizer.json}), and the tokenizer's spec keeps it relative, as written.
     *
     * @param directory where relative BPE paths start; null: the working directory
     * @param conf      Hadoop configuration for Hadoop URIs and {@code directory}; null: a default one
     */
    public static Tokenizer load(String spec, Path directory, Configuration conf) {
        if (ByteTokenizer.SPEC.equals(spec)) {
            return ByteTokenizer.INSTANCE;
        }
        if (spec.startsWith(TiktokenTokenizer.SPEC_PREFIX)) {
            return TiktokenTokenizer.of(spec.substring(TiktokenTokenizer.SPEC_PREFIX.length()));
        }
        if (spec.startsWith(BpeTokenizer.SPEC_PREFIX)) {
            String location = spec.substring(BpeTokenizer.SPEC_PREFIX.length());
            if (location.matches("[0-9]+")) {
                throw new IllegalArgumentException("tokenizer " + spec + ": a vocabulary size asks the tokenize job to "
                        + "train a BPE tokenizer; to load one, give its file: bpe:<path or hdfs:// URI>");
            }
            if (location.isEmpty()) {
                throw new IllegalArgumentException("tokenizer " + spec + ": expected bpe:<tokenizer file>");
            }
            try {
                return loadBpe(location, directory, conf);
            } catch (IOException e) {
                throw new UncheckedIOException("tokenizer " + spec + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("tokenizer " + spec + ": expected byte, tiktoken:<encoding> (one of "
                + TiktokenTokenizer.knownEncodings() + ") or bpe:<tokenizer file> (local path or Hadoop URI)");
    }

    private static BpeTokenizer loadBpe(String location, Path directory, Configuration conf) throws IOException {
        String scheme = scheme(location);
        if (scheme == null && directory != null && !location.startsWith("/")) {
            return BpeTokenizer.load(new Path(directory, location), conf != null ? conf : new Configuration())
                    .withLocation(location);
        }
        if (scheme == null) {
            return BpeTokenizer.load(java.nio.file.Path.of(location));
        }
        if (scheme.equals("file")) {
            return BpeTokenizer.load(java.nio.file.Path.of(URI.create(location)));
        }
        return BpeTokenizer.load(new Path(location), conf != null ? conf : new Configuration());
    }

    /** The URI scheme of {@code location}, or null for a plain path (which may contain characters URIs reject). */
    private static String scheme(String location) {
        if (!location.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return null;  // two letters at least: "C:\\..." is a path
        }
        try {
            return new URI(location).getScheme();
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
