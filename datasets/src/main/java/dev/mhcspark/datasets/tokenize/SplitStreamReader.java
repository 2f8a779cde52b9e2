package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.io.LocalFiles;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * Reads a split's token stream (its partitions' {@link SpilledStream}s, in partition order, as one stream)
 * forward from a given offset, with the document of any token read.
 */
final class SplitStreamReader implements Closeable {
    private final List<SpilledStream> streams;
    private final long[] starts;   // stream offset of each partition's first token
    private final Configuration conf;
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 18).order(ByteOrder.LITTLE_ENDIAN);
    private long position;
    private int current = -1;      // index in streams of the open files
    private FSDataInputStream ids;
    private DataInputStream docs;
    private long docOffset = -1;   // current document: its first token (offset in the partition's stream) and id
    private long docId;
    private long nextDocOffset;
    private long nextDocId;

    SplitStreamReader(List<SpilledStream> streams, Configuration conf, long position) {
        this.streams = streams;
        this.conf = conf;
        this.starts = new long[streams.size() + 1];
        for (int i = 0; i < streams.size(); i++) {
            starts[i + 1] = starts[i] + streams.get(i).tokens();
        }
        if (position < 0 || position > starts[streams.size()]) {
            throw new IllegalArgumentException("offset " + position + " outside the stream of "
                    + starts[streams.size()] + " tokens");
        }
        this.position = position;
    }

    /** The document that the token at the current position belongs to. */
    long documentAtPosition() {
        try {
            open();
            long local = position - starts[current];
            while (nextDocOffset <= local) {
                docOffset = nextDocOffset;
                docId = nextDocId;
                readNextDoc();
            }
            if (docOffset < 0) {
                throw new IllegalStateException(streams.get(current).docs() + ": no document starts at offset 0");
            }
            return docId;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Reads the next {@code dest.length} tokens of the stream. */
    void read(int[] dest) {
        try {
            int filled = 0;
            while (filled < dest.length) {
                open();
                int idBytes = streams.get(current).idBytes();
                long left = starts[current + 1] - position;
                int n = (int) Math.min(dest.length - filled, Math.min(left, bytes.capacity() / idBytes));
                ids.readFully(bytes.array(), 0, idBytes * n);
                bytes.clear();
                if (idBytes == 4) {
                    bytes.asIntBuffer().get(dest, filled, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        dest[filled + i] = bytes.getShort(2 * i) & 0xFFFF;
                    }
                }
                filled += n;
                position += n;
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Makes the files of the partition holding {@code position} the open ones. */
    private void open() throws IOException {
        if (current >= 0 && position < starts[current + 1]) {
            return;
        }
        close();
        int next = current + 1;
        while (next < streams.size() && starts[next + 1] <= position) {
            next++;
        }
        if (next == streams.size()) {
            throw new EOFException("offset " + position + " is past the end of the stream");
        }
        current = next;
        SpilledStream stream = streams.get(current);
        Path idPath = new Path(stream.ids());
        ids = LocalFiles.raw(idPath.getFileSystem(conf)).open(idPath);
        ids.seek(stream.idBytes() * (position - starts[current]));
        Path docPath = new Path(stream.docs());
        docs = new DataInputStream(new BufferedInputStream(LocalFiles.raw(docPath.getFileSystem(conf)).open(docPath),
                1 << 16));
        docOffset = -1;
        readNextDoc();
    }

    private void readNextDoc() throws IOException {
        try {
            nextDocOffset = Long.reverseBytes(docs.readLong());
            nextDocId = Long.reverseBytes(docs.readLong());
        } catch (EOFException e) {
            nextDocOffset = Long.MAX_VALUE;
        }
    }

    private UncheckedIOException failure(IOException e) {
        String file = current >= 0 && current < streams.size() ? streams.get(current).ids() : "spilled tokens";
        return new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try (FSDataInputStream i = ids; DataInputStream d = docs) {
            ids = null;
            docs = null;
        } catch (IOException e) {
            throw failure(e);
        }
    }
}
