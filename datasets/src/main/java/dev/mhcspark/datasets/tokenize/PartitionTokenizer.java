package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.io.Checksums;
import dev.mhcspark.datasets.io.LocalFiles;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongPredicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Tokenizes the files (or file slices) of one partition, in order, into one {@link SpilledStream} per split:
 * each document's tokens followed by the end-of-document token. Streaming: it holds one document piece at a
 * time, whatever the size of the partition.
 */
final class PartitionTokenizer {
    static final int DEFAULT_PIECE_CHARS = 1 << 20;

    /** What one partition wrote and counted. */
    record Result(int partition, PartitionStats stats, SpilledStream[] streams) implements Serializable {
        SpilledStream stream(Split split) {
            return streams[split.ordinal()];
        }
    }

    private PartitionTokenizer() {
    }

    /**
     * @param spillPrefix path prefix unique to this task attempt; the split's name and a file extension are
     *     appended to it
     */
    static Result run(int partition, List<FileSlice> slices, TokenizeSettings settings, Tokenizer tokenizer,
                      Configuration conf, LongPredicate dropDocument, int pieceChars, Path spillPrefix,
                      Progress.Counters progress) {
        PartitionStats stats = new PartitionStats();
        Iterator<DocumentPiece> pieces = DocumentReader.readAll(slices.iterator(), settings.corpus(), conf, stats,
                pieceChars);
        MessageDigest sha256 = Checksums.newSha256();
        int[] endOfDocument = {tokenizer.endOfDocument()};
        SpilledStream.Writer[] writers = new SpilledStream.Writer[Split.values().length];
        try {
            FileSystem fs = LocalFiles.raw(spillPrefix.getFileSystem(conf));  // a scratch file needs no checksum
            for (Split split : Split.values()) {
                writers[split.ordinal()] = new SpilledStream.Writer(fs, spillPrefix.suffix("-" + split.dirName()),
                        partition, SpilledStream.idBytes(tokenizer.vocabSize()));
            }
            SpilledStream.Writer current = null;  // the split of the document being read; null: dropped
            SplitStats currentStats = null;
            while (pieces.hasNext()) {
                DocumentPiece piece = pieces.next();
                long utf8Bytes = -1;
                if (piece.first()) {
                    if (dropDocument.test(piece.docId())) {
                        stats.duplicateDocuments++;
                        current = null;
                    } else {
                        byte[] utf8 = piece.text().getBytes(StandardCharsets.UTF_8);
                        utf8Bytes = utf8.length;
                        Split split = Split.of(contentHash(sha256, utf8), settings.valFraction());
                        current = writers[split.ordinal()];
                        currentStats = stats.split(split);
                        current.startDocument(piece.docId());
                        currentStats.documents++;
                    }
                }
                if (current == null) {
                    continue;
                }
                int[] ids = tokenizer.encode(piece.text());
                current.append(ids);
                currentStats.tokens += ids.length;
                currentStats.bytes += utf8Bytes >= 0 ? utf8Bytes : utf8Length(piece.text());
                if (piece.last()) {
                    current.append(endOfDocument);
                    currentStats.tokens++;
                }
            }
            SpilledStream[] streams = new SpilledStream[writers.length];
            for (int i = 0; i < writers.length; i++) {
                streams[i] = writers[i].finish();
            }
            progress.inputBytes().add(slices.stream().mapToLong(FileSlice::bytes).sum());
            for (SplitStats split : stats.splits) {
                progress.documents().add(split.documents);
                progress.tokens().add(split.tokens);
            }
            return new Result(partition, stats, streams);
        } catch (IOException e) {
            throw new UncheckedIOException("spilling tokens to " + spillPrefix + ": " + e.getMessage(), e);
        } finally {
            for (SpilledStream.Writer writer : writers) {
                if (writer != null) {
                    writer.close();
                }
            }
        }
    }

    /** The document hash that decides the split: the first 8 bytes of SHA-256 of (its first piece's) UTF-8 text. */
    static long contentHash(MessageDigest sha256, byte[] utf8) {
        byte[] digest = sha256.digest(utf8);
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (digest[i] & 0xFF);
        }
        return h;
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
}
