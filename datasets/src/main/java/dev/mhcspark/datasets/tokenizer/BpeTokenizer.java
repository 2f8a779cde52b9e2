package dev.mhcspark.datasets.tokenizer;

import dev.mhcspark.datasets.io.Checksums;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;

/**
 * Byte-level BPE tokenizer read from a tokenizer file (spec {@code bpe:<file>}); see {@link BpeVocabulary} for the
 * ids and the file format. Text is split into pieces by the vocabulary's regex, and each piece's UTF-8 bytes are
 * merged lowest rank first. Pieces repeat (words), so each instance keeps a bounded cache of the ids of short
 * pieces. Immutable apart from that cache, thread-safe and serialisable (the cache is not shipped).
 */
public final class BpeTokenizer implements Tokenizer {
    public static final String SPEC_PREFIX = "bpe:";

    /** Pieces cached, at most; the cache is emptied when full (cheaper than LRU and as good on natural text). */
    private static final int CACHE_ENTRIES = 1 << 16;
    /** Longer pieces are rare repeats and would crowd the cache. */
    private static final int CACHE_MAX_PIECE_CHARS = 32;

    private final BpeVocabulary vocabulary;
    private final String location;
    private final String sha256;
    private final transient PreTokenizer preTokenizer;
    private final transient BytePairMerger merger;
    private final transient byte[][] tokenBytes;
    private final transient ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BpeTokenizer(BpeVocabulary vocabulary, String location, String sha256) {
        this.vocabulary = vocabulary;
        this.location = location;
        this.sha256 = sha256;
        this.preTokenizer = vocabulary.preTokenizer();
        this.merger = new BytePairMerger(vocabulary.pairRanks());
        this.tokenBytes = vocabulary.tokenBytes();
    }

    /** @throws IOException if the file cannot be read or is not a valid tokenizer file (the message says why) */
    public static BpeTokenizer load(java.nio.file.Path file) throws IOException {
        java.nio.file.Path absolute = file.toAbsolutePath().normalize();
        byte[] bytes = TokenizerFiles.read(absolute);
        return new BpeTokenizer(BpeVocabulary.fromJson(bytes, absolute.toString()), absolute.toString(),
                Checksums.sha256(bytes));
    }

    /** Reads through Hadoop's file systems: {@code hdfs://}, {@code s3a://}, {@code file:}, ... */
    public static BpeTokenizer load(org.apache.hadoop.fs.Path file, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path qualified = TokenizerFiles.qualified(file, conf);
        byte[] bytes = TokenizerFiles.read(qualified, conf);
        return new BpeTokenizer(BpeVocabulary.fromJson(bytes, qualified.toString()), qualified.toString(),
                Checksums.sha256(bytes));
    }

    /** Writes {@code vocabulary} atomically to {@code file} (replacing it) and returns the tokenizer of that file. */
    public static BpeTokenizer save(BpeVocabulary vocabulary, java.nio.file.Path file) throws IOException {
        java.nio.file.Path absolute = file.toAbsolutePath().normalize();
        byte[] bytes = vocabulary.toJson();
        TokenizerFiles.write(absolute, bytes);
        return new BpeTokenizer(vocabulary, absolute.toString(), Checksums.sha256(bytes));
    }

    /** As {@link #save(BpeVocabulary, java.nio.file.Path)}, through Hadoop's file systems. */
    public static BpeTokenizer save(BpeVocabulary vocabulary, org.apache.hadoop.fs.Path file, Configuration conf)
            throws IOException {
        org.apache.hadoop.fs.Path qualified = TokenizerFiles.qualified(file, conf);
        byte[] bytes = vocabulary.toJson();
        TokenizerFiles.write(qualified, conf, bytes);
        return new BpeTokenizer(vocabulary, qualified.toString(), Checksums.sha256(bytes));
    }

    public BpeVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The tokenizer file as the spec names it: an absolute local path or a qualified Hadoop URI, unless
     * {@link #withLocation} renamed it.
     */
    public String location() {
        return location;
    }

    /**
     * The same tokenizer, its spec naming the file as {@code location}: for a file that travels with its directory
     * (a dataset's {@code tokenizer.json}), named relative to that directory.
     */
    public BpeTokenizer withLocation(String location) {
        return new BpeTokenizer(vocabulary, location, sha256);
    }

    /** SHA-256 (lower-case hex) of the tokenizer file's bytes, for manifests. */
    public String sha256() {
        return sha256;
    }

    @Override
    public String spec() {
        return SPEC_PREFIX + location;
    }

    @Override
    public int vocabSize() {
        return vocabulary.vocabSize();
    }

    @Override
    public int endOfDocument() {
        return vocabulary.endOfDocument();
    }

    @Override
    public int[] encode(String text) {
        IntArrayBuilder ids = new IntArrayBuilder(text.length() / 3);
        for (Iterator<String> pieces = preTokenizer.pieces(text); pieces.hasNext(); ) {
            ids.addAll(encodePiece(pieces.next()));
        }
        return ids.toArray();
    }

    private int[] encodePiece(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        int[] ids = merger.merge(piece.getBytes(StandardCharsets.UTF_8));
        if (piece.length() <= CACHE_MAX_PIECE_CHARS) {
            if (cache.size() >= CACHE_ENTRIES) {
                cache.clear();
            }
            cache.put(piece, ids);  // never written to again: safe to share between threads
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        int length = 0;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= tokenBytes.length) {
                throw new IllegalArgumentException("token id " + id + " at " + i + " is not in the vocabulary of "
                        + spec() + " (ids 0.." + (tokenBytes.length - 1) + ")");
            }
            length += tokenBytes[id].length;
        }
        byte[] bytes = new byte[length];
        int at = 0;
        for (int id : ids) {
            byte[] token = tokenBytes[id];
            System.arraycopy(token, 0, bytes, at, token.length);
            at += token.length;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return spec() + " (" + vocabulary.mergeCount() + " merges)";
    }

    // Java serialisation ships the vocabulary and rebuilds the lookup tables on arrival.

    @Serial
    private Object writeReplace() {
        return new SerializedForm(vocabulary, location, sha256);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("BpeTokenizer is serialised through its SerializedForm");
    }

    private record SerializedForm(BpeVocabulary vocabulary, String location, String sha256) implements Serializable {
        @Serial
        private Object readResolve() {
            return new BpeTokenizer(vocabulary, location, sha256);
        }
    }
}
