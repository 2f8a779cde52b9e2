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
 * little-endian int32, and {@code docs}, one little-endian int64 pair (offset in this stream, document id)
 * per document, in order. A partition never splits a document, so its stream starts with a document.
 *
 * @param ids  path of the token file, or null when the partition has no tokens of this split
 * @param docs path of the document file, or null likewise
 */
record SpilledStream(int partition, long tokens, String ids, String docs) implements Serializable {

    static SpilledStream empty(int partition) {
        return new SpilledStream(partition, 0, null, null);
    }

    /** Writes a spilled stream; files are created when the first document starts. */
    static final class Writer implements Closeable {
        private final FileSystem fs;
        private final Path ids;
        private final Path docs;
        private final int partition;
        private final ByteBuffer idBuffer = ByteBuffer.allocate(1 << 18).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer docBuffer = ByteBuffer.allocate(1 << 14).order(ByteOrder.LITTLE_ENDIAN);
        private FSDataOutputStream idOut;
        private FSDataOutputStream docOut;
        private long tokens;
        private boolean closed;

        /** @param base path prefix unique to this task attempt: files {@code base.ids} and {@code base.docs} */
        Writer(FileSystem fs, Path base, int partition) {
            this.fs = fs;
            this.ids = base.suffix(".ids");
            this.docs = base.suffix(".docs");
            this.partition = partition;
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
                    if (idBuffer.remaining() < 4) {
                        drain(idBuffer, idOut);
                    }
                    int n = Math.min(tokenIds.length - from, idBuffer.remaining() / 4);
                    idBuffer.asIntBuffer().put(tokenIds, from, n);
                    idBuffer.position(idBuffer.position() + 4 * n);
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
                    docs.toString());
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
