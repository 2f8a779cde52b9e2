package dev.mhcspark.datasets.tokenize;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes one shard of a tokenized dataset: rows of {@code seq_index bigint} (position of the sequence in its
 * split), {@code doc_id bigint} (document of the first token) and {@code tokens array<int>} ({@code T + 1}
 * ids), in the layout Spark itself writes for that schema: three-level list, Snappy, format v1 data pages, the
 * tokens dictionary-encoded, page statistics and column indexes.
 *
 * <p>It encodes whole pages itself and hands them to parquet-mr's page store, which compresses them, keeps
 * the statistics and indexes and lays out the file. parquet-mr's value-at-a-time column writers cost ~45 ns
 * per token (a dictionary hash lookup, a fallback check and two level encoders per value), most of the job for
 * small-vocabulary tokenizers; here a token costs an array lookup and its share of a bit-packing call. What
 * makes that possible is that every row has the same shape: a list of exactly {@code T + 1} present values, so
 * the levels of a page are one short pattern, written as run-length runs.
 */
final class SequenceParquetWriter implements Closeable {
    static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).named("seq_index")
            .required(PrimitiveTypeName.INT64).named("doc_id")
            .optionalList().requiredElement(PrimitiveTypeName.INT32).named("tokens")
            .named("spark_schema");
    /** Uncompressed bytes of a row group: bounds the memory of a writer, which buffers one row group. */
    static final long ROW_GROUP_BYTES = 64L << 20;
    /** Uncompressed token bytes of a data page (parquet-mr's default page size). */
    static final int PAGE_BYTES = 1 << 20;
    /** Values of one bit-packed run: parquet-mr's own encoder never writes longer runs (63 groups of 8). */
    private static final int RUN_VALUES = 63 * 8;
    /** Bounds the dense id-to-dictionary-index table (64 MB); vocabularies are far smaller. */
    static final int MAX_TOKEN_ID = (1 << 24) - 1;
    private static final int LIST_PRESENT = 2;  // definition level of a value of a present list

    private static final ColumnDescriptor SEQ_INDEX = SCHEMA.getColumnDescription(new String[] {"seq_index"});
    private static final ColumnDescriptor DOC_ID = SCHEMA.getColumnDescription(new String[] {"doc_id"});
    private static final ColumnDescriptor TOKENS =
            SCHEMA.getColumnDescription(new String[] {"tokens", "list", "element"});

    private final Path path;
    private final int sequenceTokens;
    private final ParquetProperties properties = ParquetProperties.builder().build();
    private final CodecFactory codecs;
    private final CodecFactory.BytesCompressor compressor;
    private final ParquetFileWriter file;
    private final int rowsPerGroup;
    private final int rowsPerPage;
    private final long[] seqIndex;
    private final long[] docId;
    private final int[] pageTokens;
    private final int[] pageIndices;
    private final byte[] fullPageLevels;
    private byte[] encoded = new byte[0];
    private ColumnChunkPageWriteStore pages;
    private int groupRows;
    private int pageRows;
    /** The row group's dictionary: {@code dictionaryIndex[id]} is {@code id}'s index in {@code dictionary}, or -1. */
    private int[] dictionaryIndex = new int[0];
    private int[] dictionary = new int[1024];
    private int dictionarySize;

    SequenceParquetWriter(Path path, Configuration conf, int sequenceTokens) {
        this(path, conf, sequenceTokens, ROW_GROUP_BYTES, PAGE_BYTES);
    }

    /** With other sizes than the defaults, so that tests can cross page and row group boundaries cheaply. */
    SequenceParquetWriter(Path path, Configuration conf, int sequenceTokens, long rowGroupBytes, int pageBytes) {
        if (sequenceTokens < 2) {
            throw new IllegalArgumentException("a sequence holds at least 2 tokens, not " + sequenceTokens);
        }
        this.path = path;
        this.sequenceTokens = sequenceTokens;
        rowsPerGroup = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, rowGroupBytes / (16 + 4L * sequenceTokens)));
        rowsPerPage = Math.max(1, Math.min(rowsPerGroup, pageBytes / (4 * sequenceTokens)));
        seqIndex = new long[rowsPerGroup];
        docId = new long[rowsPerGroup];
        pageTokens = new int[rowsPerPage * sequenceTokens];
        pageIndices = new int[roundUp(pageTokens.length, RUN_VALUES)];
        fullPageLevels = levels(rowsPerPage, sequenceTokens);
        try {
            codecs = new CodecFactory(conf, properties.getPageSizeThreshold());
            compressor = codecs.getCompressor(CompressionCodecName.SNAPPY);
            file = new ParquetFileWriter(HadoopOutputFile.fromPath(path, conf), SCHEMA, ParquetFileWriter.Mode.CREATE,
                    ROW_GROUP_BYTES, 0);
            file.start();
        } catch (IOException e) {
            throw failure(e);
        }
        startRowGroup();
    }

    void write(long index, long document, int[] ids) {
        if (ids.length != sequenceTokens) {
            throw new IllegalArgumentException("sequence " + index + " has " + ids.length + " tokens, not "
                    + sequenceTokens);
        }
        seqIndex[groupRows] = index;
        docId[groupRows] = document;
        System.arraycopy(ids, 0, pageTokens, pageRows * sequenceTokens, sequenceTokens);
        groupRows++;
        if (++pageRows == rowsPerPage) {
            writeTokenPage();
        }
        if (groupRows == rowsPerGroup) {
            endRowGroup();
            startRowGroup();
        }
    }

    @Override
    public void close() {
        try {
            if (groupRows > 0) {
                endRowGroup();
            }
            file.end(Map.of());
        } catch (IOException e) {
            throw failure(e);
        } finally {
            codecs.release();
        }
    }

    private void startRowGroup() {
        pages = new ColumnChunkPageWriteStore(compressor, SCHEMA, properties.getAllocator(),
                properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled());
        groupRows = 0;
        pageRows = 0;
        Arrays.fill(dictionaryIndex, -1);
        dictionarySize = 0;
    }

    private void endRowGroup() {
        try {
            if (pageRows > 0) {
                writeTokenPage();
            }
            writeLongColumn(DOC_ID, docId);
            writeLongColumn(SEQ_INDEX, seqIndex);
            ByteBuffer plain = ByteBuffer.allocate(4 * dictionarySize).order(ByteOrder.LITTLE_ENDIAN);
            plain.asIntBuffer().put(dictionary, 0, dictionarySize);
            pages.getPageWriter(TOKENS).writeDictionaryPage(new DictionaryPage(BytesInput.from(plain.array()),
                    dictionarySize, Encoding.PLAIN_DICTIONARY));
            file.startBlock(groupRows);
            pages.flushToFileWriter(file);
            file.endBlock();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** A required column's values of the row group, one PLAIN page (no levels: the column is required). */
    private void writeLongColumn(ColumnDescriptor column, long[] values) throws IOException {
        ByteBuffer plain = ByteBuffer.allocate(8 * groupRows).order(ByteOrder.LITTLE_ENDIAN);
        LongStatistics statistics = new LongStatistics();
        for (int i = 0; i < groupRows; i++) {
            plain.putLong(values[i]);
            statistics.updateStats(values[i]);
        }
        pages.getPageWriter(column).writePage(BytesInput.from(plain.array()), groupRows, groupRows, statistics,
                Encoding.BIT_PACKED, Encoding.BIT_PACKED, Encoding.PLAIN);
    }

    /**
     * The buffered rows' tokens as one data page: repetition and definition levels, then the dictionary indices
     * (a bit width byte and bit-packed runs of at most {@value #RUN_VALUES} values, zero-padded to a group of 8).
     */
    private void writeTokenPage() {
        int values = pageRows * sequenceTokens;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < values; i++) {
            int id = pageTokens[i];
            min = Math.min(min, id);
            max = Math.max(max, id);
            pageIndices[i] = indexOf(id);
        }
        Arrays.fill(pageIndices, values, roundUp(values, 8), 0);
        int bitWidth = Math.max(1, BytesUtils.getWidthFromMaxInt(dictionarySize - 1));
        BytePacker packer = Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
        int runs = roundUp(values, RUN_VALUES) / RUN_VALUES;
        byte[] levels = pageRows == rowsPerPage ? fullPageLevels : levels(pageRows, sequenceTokens);
        int size = levels.length + 1 + runs + roundUp(values, 8) / 8 * bitWidth;
        if (encoded.length < size) {
            encoded = new byte[size];
        }
        System.arraycopy(levels, 0, encoded, 0, levels.length);
        int at = levels.length;
        encoded[at++] = (byte) bitWidth;
        for (int first = 0; first < values; first += RUN_VALUES) {
            int groups = (Math.min(values - first, RUN_VALUES) + 7) / 8;
            encoded[at++] = (byte) (groups << 1 | 1);
            for (int g = 0; g < groups; g++) {
                packer.pack8Values(pageIndices, first + 8 * g, encoded, at);
                at += bitWidth;
            }
        }
        IntStatistics statistics = new IntStatistics();
        statistics.updateStats(min);
        statistics.updateStats(max);
        try {
            pages.getPageWriter(TOKENS).writePage(BytesInput.from(encoded, 0, at), values, pageRows, statistics,
                    Encoding.RLE, Encoding.RLE, Encoding.PLAIN_DICTIONARY);
        } catch (IOException e) {
            throw failure(e);
        }
        pageRows = 0;
    }

    private int indexOf(int id) {
        if (id < 0 || id > MAX_TOKEN_ID) {
            throw new IllegalArgumentException("token id " + id + " is outside [0, " + MAX_TOKEN_ID
                    + "] (writing " + path + ")");
        }
        if (id >= dictionaryIndex.length) {
            int old = dictionaryIndex.length;
            dictionaryIndex = Arrays.copyOf(dictionaryIndex, Math.max(id + 1, 2 * old));
            Arrays.fill(dictionaryIndex, old, dictionaryIndex.length, -1);
        }
        int index = dictionaryIndex[id];
        if (index < 0) {
            if (dictionarySize == dictionary.length) {
                dictionary = Arrays.copyOf(dictionary, 2 * dictionarySize);
            }
            index = dictionarySize++;
            dictionary[index] = id;
            dictionaryIndex[id] = index;
        }
        return index;
    }

    /**
     * The repetition and then the definition levels of {@code rows} lists of {@code length} values, as a v1 page
     * holds them: each a 4-byte little-endian length and run-length runs (a varint of the run length shifted
     * left by one, then the value in one byte). Repetition: per row one 0 (a new list) and {@code length - 1}
     * 1s; definition: every value present.
     */
    static byte[] levels(int rows, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream repetition = new ByteArrayOutputStream();
        for (int r = 0; r < rows; r++) {
            run(repetition, 1, 0);
            run(repetition, length - 1, 1);
        }
        ByteArrayOutputStream definition = new ByteArrayOutputStream();
        run(definition, rows * length, LIST_PRESENT);
        for (ByteArrayOutputStream levels : new ByteArrayOutputStream[] {repetition, definition}) {
            int n = levels.size();
            out.write(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)}, 0, 4);
            out.writeBytes(levels.toByteArray());
        }
        return out.toByteArray();
    }

    private static void run(ByteArrayOutputStream out, int count, int value) {
        int header = count << 1;
        while ((header & ~0x7F) != 0) {
            out.write((header & 0x7F) | 0x80);
            header >>>= 7;
        }
        out.write(header);
        out.write(value);
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    private UncheckedIOException failure(IOException e) {
        return new UncheckedIOException("writing " + path + ": " + e.getMessage(), e);
    }
}
