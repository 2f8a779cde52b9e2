package dev.mhcspark.datasets.tokenize;

import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One partition's token stream of one split, spilled between the tokenize pass and the shard writers (the
 * stream offsets of the sequences are known only once every partition is tokenized). Two files through
 * Hadoop's FileSystem, so executors of a cluster share them through HDFS: {@code ids}, the tokens as
 * little-endian unsigned integers of {@code idBytes} bytes, and {@code docs}, one little-endian int64 pair
 * (offset in this stream, document id) per document, in order. A partition never splits a document, so its
 * stream starts with a document.
 *
 * @param ids  path of the token file, or null when the partition has no tokens of this split
 * @param docs path of the document file, or null likewise
 * @param idBytes 2 when every id is below 2^16 (byte and most BPE vocabularies: half the bytes to write and read
 *     back), else 4
 */
record SpilledStream(int partition, long tokens, String ids, String docs, int idBytes) implements Serializable {

    static SpilledStream empty(int partition) {
        return new SpilledStream(partition, 0, null, null, 4);
    }

    /** The id width for a vocabulary of {@code vocabSize} ids. */
    static int idBytes(int vocabSize) {
        return vocabSize <= 1 << 16 ? 2 : 4;
    }

    /** Writes a spilled stream; files are created when the first document starts. */
    static final class Writer implements Closeable {
        private final FileSystem fs;
        private final Path ids;
        private final Path docs;
        private final int partition;
        private final int idBytes;
        private final ByteBuffer idBuffer = ByteBuffer.allocate(1 << 18).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer docBuffer = ByteBuffer.allocate(1 << 14).order(ByteOrder.LITTLE_ENDIAN);
        private FSDataOutputStream idOut;
        private FSDataOutputStream docOut;
        private long tokens;
        private boolean closed;

        /**
         * @param base path prefix unique to this task attempt: files {@code base.ids} and {@code base.docs}
         * @param idBytes 2 or 4, see {@link #idBytes(int)}
         */
        Writer(FileSystem fs, Path base, int partition, int idBytes) {
            if (idBytes != 2 && idBytes != 4) {
                throw new IllegalArgumentException("ids are spilled in 2 or 4 bytes, not " + idBytes);
            }
            this.fs = fs;
            this.ids = base.suffix(".ids");
            this.docs = base.suffix(".docs");
            this.partition = partition;
            this.idBytes = idBytes;
        }

        void startDocument(long docId) {
            try {
                if (idOut == null) {
                    idOut = fs.create(ids, true);
                    docOut = fs.create(docs, true);
                }
                if (docBuffer.remaining() < 16) {
                    drain(docBuffer, docOut);
                }
                docBuffer.putLong(tokens).putLong(docId);
            } catch (IOException e) {
                throw new UncheckedIOException("spilling tokens to " + ids + ": " + e.getMessage(), e);
            }
        }

        void append(int[] tokenIds) {
            if (idOut == null) {
                throw new IllegalStateException("tokens before the first document");
            }
            try {
                int from = 0;
                while (from < tokenIds.length) {
                    if (idBuffer.remaining() < idBytes) {
                        drain(idBuffer, idOut);
                    }
                    int n = Math.min(tokenIds.length - from, idBuffer.remaining() / idBytes);
                    if (idBytes == 4) {
                        idBuffer.asIntBuffer().put(tokenIds, from, n);
                        idBuffer.position(idBuffer.position() + 4 * n);
                    } else {
                        for (int i = from; i < from + n; i++) {
                            if (tokenIds[i] >>> 16 != 0) {
                                throw new IllegalArgumentException("token id " + tokenIds[i]
                                        + " does not fit the 2-byte spill of a vocabulary of at most 65536 ids");
                            }
                            idBuffer.putShort((short) tokenIds[i]);
                        }
                    }
                    from += n;
                }
                tokens += tokenIds.length;
            } catch (IOException e) {
                throw new UncheckedIOException("spilling tokens to " + ids + ": " + e.getMessage(), e);
            }
        }

        /** Flushes and closes the files; the description of what was written. */
        SpilledStream finish() {
            close();
            return idOut == null ? empty(partition) : new SpilledStream(partition, tokens, ids.toString(),
                    docs.toString(), idBytes);
        }

        @Override
        public void close() {
            if (idOut == null || closed) {
                return;
            }
            closed = true;
            try (FSDataOutputStream i = idOut; FSDataOutputStream d = docOut) {
                drain(idBuffer, i);
                drain(docBuffer, d);
            } catch (IOException e) {
                throw new UncheckedIOException("spilling tokens to " + ids + ": " + e.getMessage(), e);
            }
        }

        private static void drain(ByteBuffer buffer, FSDataOutputStream out) throws IOException {
            out.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
    }
}
