package dev.mhcspark.datasets.tokenize;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
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
 * ids), in the Parquet layout Spark itself writes for that schema (three-level list, Snappy, dictionary
 * encoding, format v1). It feeds parquet-mr's column writers directly, one call per token: Spark's row writer
 * spends five record-consumer calls per array element, which made it the job's largest cost after the
 * tokenizer.
 */
final class SequenceParquetWriter implements Closeable {
    static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).named("seq_index")
            .required(PrimitiveTypeName.INT64).named("doc_id")
            .optionalList().requiredElement(PrimitiveTypeName.INT32).named("tokens")
            .named("spark_schema");
    /** Uncompressed bytes of a row group: bounds the memory of a writer, which buffers one row group. */
    static final long ROW_GROUP_BYTES = 64L << 20;

    private final Path path;
    private final ParquetProperties properties = ParquetProperties.builder().build();
    private final CodecFactory codecs;
    private final CodecFactory.BytesCompressor compressor;
    private final ParquetFileWriter file;
    private final long rowsPerGroup;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore columns;
    private ColumnWriter seqIndex;
    private ColumnWriter docId;
    private ColumnWriter tokens;
    private long rows;

    SequenceParquetWriter(Path path, Configuration conf, int sequenceTokens) {
        this.path = path;
        try {
            codecs = new CodecFactory(conf, properties.getPageSizeThreshold());
            compressor = codecs.getCompressor(CompressionCodecName.SNAPPY);
            file = new ParquetFileWriter(HadoopOutputFile.fromPath(path, conf), SCHEMA, ParquetFileWriter.Mode.CREATE,
                    ROW_GROUP_BYTES, 0);
            file.start();
        } catch (IOException e) {
            throw failure(e);
        }
        rowsPerGroup = Math.max(1, ROW_GROUP_BYTES / (16 + 4L * sequenceTokens));
        startRowGroup();
    }

    void write(long index, long document, int[] ids) {
        seqIndex.write(index, 0, 0);
        docId.write(document, 0, 0);
        int defined = 2;  // the optional list is present and so is each (required) element
        for (int i = 0; i < ids.length; i++) {
            tokens.write(ids[i], i == 0 ? 0 : 1, defined);
        }
        columns.endRecord();
        if (++rows == rowsPerGroup) {
            endRowGroup();
            startRowGroup();
        }
    }

    @Override
    public void close() {
        try {
            if (rows > 0) {
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
        columns = properties.newColumnWriteStore(SCHEMA, pages, pages);
        seqIndex = columns.getColumnWriter(SCHEMA.getColumnDescription(new String[] {"seq_index"}));
        docId = columns.getColumnWriter(SCHEMA.getColumnDescription(new String[] {"doc_id"}));
        tokens = columns.getColumnWriter(SCHEMA.getColumnDescription(new String[] {"tokens", "list", "element"}));
        rows = 0;
    }

    private void endRowGroup() {
        try {
            file.startBlock(rows);
            columns.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
            columns.close();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private UncheckedIOException failure(IOException e) {
        return new UncheckedIOException("writing " + path + ": " + e.getMessage(), e);
    }
}
