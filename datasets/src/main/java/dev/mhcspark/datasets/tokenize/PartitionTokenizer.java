package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import dev.mhcspark.datasets.io.Checksums;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongPredicate;
import org.apache.hadoop.conf.Configuration;

/**
 * Tokenizes the files of one partition, in order, into {@link TokenBlock}s per split: each document's tokens
 * followed by the end-of-document token. Lazy: it reads only as far as the caller consumes, so a partition
 * never holds more than one block per split plus one document piece.
 */
final class PartitionTokenizer implements Iterator<TokenBlock> {
    /**
     * Small on purpose: Spark's default Java serializer keeps every object of a stream reachable until it resets
     * the stream, every 100 records ({@code spark.serializer.objectStreamReset}), so caching 100 blocks holds
     * 100 blocks in the heap (a 100 MB line in 4M-token blocks ran a 768 MB executor out of memory).
     */
    static final int DEFAULT_BLOCK_TOKENS = 1 << 16;
    static final int DEFAULT_PIECE_CHARS = 1 << 20;

    private final int partition;
    private final Iterator<DocumentPiece> pieces;
    private final double valFraction;
    private final Tokenizer tokenizer;
    private final LongPredicate dropDocument;
    private final int blockTokens;
    private final long inputBytes;
    private final Progress.Counters progress;
    private final PartitionStats stats = new PartitionStats();
    private final BlockBuilder[] builders = {new BlockBuilder(Split.TRAIN), new BlockBuilder(Split.VAL)};
    private final ArrayDeque<TokenBlock> ready = new ArrayDeque<>();
    private final MessageDigest sha256;
    private boolean done;
    /** the split of the document being read, or null while skipping a dropped document */
    private BlockBuilder current;

    PartitionTokenizer(int partition, List<InputFile> files, TokenizeSettings settings, Tokenizer tokenizer,
                       Configuration conf, LongPredicate dropDocument, int blockTokens, int pieceChars,
                       Progress.Counters progress) {
        this.partition = partition;
        this.pieces = DocumentReader.readAll(files.iterator(), settings.corpus(), conf, stats, pieceChars);
        this.inputBytes = files.stream().mapToLong(InputFile::bytes).sum();
        this.progress = progress;
        this.valFraction = settings.valFraction();
        this.tokenizer = tokenizer;
        this.dropDocument = dropDocument;
        this.blockTokens = blockTokens;
        this.sha256 = Checksums.newSha256();
    }

    /** The document-hash the split is decided by: the first 8 bytes of SHA-256 of (the first piece of) its text. */
    static long contentHash(MessageDigest sha256, String text) {
        byte[] digest = sha256.digest(text.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (digest[i] & 0xFF);
        }
        return h;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !done) {
            step();
        }
        return !ready.isEmpty();
    }

    @Override
    public TokenBlock next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    private void step() {
        if (pieces.hasNext()) {
            accept(pieces.next());
            return;
        }
        for (BlockBuilder builder : builders) {
            builder.flush();
        }
        ready.add(TokenBlock.summary(partition, stats));
        done = true;
        progress.inputBytes().add(inputBytes);
        for (SplitStats split : stats.splits) {
            progress.documents().add(split.documents);
            progress.tokens().add(split.tokens);
        }
    }

    private void accept(DocumentPiece piece) {
        if (piece.first()) {
            if (dropDocument.test(piece.docId())) {
                stats.duplicateDocuments++;
                current = null;
            } else {
                current = builders[Split.of(contentHash(sha256, piece.text()), valFraction).ordinal()];
                current.startDocument(piece.docId());
            }
        }
        if (current == null) {
            return;
        }
        current.append(tokenizer.encode(piece.text()), utf8Length(piece.text()));
        if (piece.last()) {
            current.append(new int[] {tokenizer.endOfDocument()}, 0);
        }
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Accumulates one split's tokens of this partition and cuts them into blocks of {@code blockTokens}. */
    private final class BlockBuilder {
        private final Split split;
        private final SplitStats splitStats;
        private int[] tokens = new int[1024];
        private int size;
        private int[] docStarts = new int[16];
        private long[] docIds = new long[16];
        private int docs;
        private long openDocId = -1;
        private long continuedDocId = -1;
        private int blockIndex;

        BlockBuilder(Split split) {
            this.split = split;
            this.splitStats = stats.split(split);
        }

        void startDocument(long docId) {
            if (docs == docStarts.length) {
                docStarts = Arrays.copyOf(docStarts, docs * 2);
                docIds = Arrays.copyOf(docIds, docs * 2);
            }
            docStarts[docs] = size;
            docIds[docs++] = docId;
            openDocId = docId;
            splitStats.documents++;
        }

        void append(int[] ids, long bytes) {
            splitStats.bytes += bytes;
            splitStats.tokens += ids.length;
            int from = 0;
            while (from < ids.length) {
                if (size == blockTokens) {
                    flush();
                }
                int n = Math.min(ids.length - from, blockTokens - size);
                if (size + n > tokens.length) {
                    tokens = Arrays.copyOf(tokens, Math.min(blockTokens, Math.max(size + n, tokens.length * 2)));
                }
                System.arraycopy(ids, from, tokens, size, n);
                size += n;
                from += n;
            }
        }

        void flush() {
            if (size == 0) {
                return;
            }
            ready.add(new TokenBlock(partition, split.ordinal(), blockIndex++, Arrays.copyOf(tokens, size),
                    Arrays.copyOf(docStarts, docs), Arrays.copyOf(docIds, docs), continuedDocId, null));
            continuedDocId = openDocId;
            size = 0;
            docs = 0;
        }
    }
}
