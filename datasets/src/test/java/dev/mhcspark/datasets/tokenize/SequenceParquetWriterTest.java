package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-encoded pages against two independent readers (Spark's vectorized reader and parquet-mr's record
 * reader) and the footer's page statistics against the rows' own minima and maxima, with sizes small enough
 * that a few dozen rows cross many pages and row groups.
 */
class SequenceParquetWriterTest {
    /** 3 rows of 201 tokens make a page of two bit-packed runs, the second 99 values long (padded to 104). */
    private static final int TOKENS = 201;
    private static final int ROWS_PER_PAGE = 3;
    private static final int ROWS_PER_GROUP = 10;

    @TempDir
    Path dir;

    @Test
    void pagesAndRowGroupsReadBackExactlyWithTheirStatistics() throws IOException {
        // 27 rows: two full row groups and a third of 7; every group ends with a partial page (10 = 3+3+3+1).
        // Each group starts with ids 0..1 (a 1-bit dictionary), then ids below 300 (9 bits), then ids up to
        // 100000 (~1000 entries, 10 bits), so the bit width changes between the pages of a group and the
        // dictionary restarts with each group.
        List<int[]> rows = new ArrayList<>();
        Random random = new Random(7);
        for (int r = 0; r < 27; r++) {
            int bound = r % ROWS_PER_GROUP < 3 ? 2 : r % ROWS_PER_GROUP < 6 ? 300 : 100_001;
            rows.add(random.ints(TOKENS, 0, bound).toArray());
        }
        rows.get(20)[2] = 100_000;
        Path file = dir.resolve("part-00000.parquet");
        write(file, rows);

        assertSameRows(rows, ParquetShards.readWithParquet(dir));
        SparkSession spark = SparkSession.builder().master("local[1]").appName("SequenceParquetWriterTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            assertSameRows(rows, ParquetShards.readWithSpark(spark, dir));
        } finally {
            spark.stop();
        }
        long[] docIds = ParquetShards.docIds(dir);
        for (int r = 0; r < rows.size(); r++) {
            assertEquals(1000L + r / 4, docIds[r]);
        }

        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            List<BlockMetaData> groups = reader.getFooter().getBlocks();
            assertEquals(3, groups.size());
            int firstRow = 0;
            for (BlockMetaData group : groups) {
                int groupRows = (int) group.getRowCount();
                assertEquals(Math.min(ROWS_PER_GROUP, rows.size() - firstRow), groupRows);
                ColumnChunkMetaData tokens = group.getColumns().stream()
                        .filter(c -> c.getPath().toDotString().equals("tokens.list.element")).findFirst().orElseThrow();
                assertTrue(tokens.getEncodings().contains(Encoding.PLAIN_DICTIONARY), tokens.getEncodings()::toString);
                assertTrue(tokens.hasDictionaryPage());
                assertEquals((long) groupRows * TOKENS, tokens.getValueCount());
                int[] groupRange = minMax(rows, firstRow, firstRow + groupRows);
                assertEquals(groupRange[0], ((Integer) tokens.getStatistics().genericGetMin()).intValue());
                assertEquals(groupRange[1], ((Integer) tokens.getStatistics().genericGetMax()).intValue());

                OffsetIndex pages = reader.readOffsetIndex(tokens);
                ColumnIndex pageStats = reader.readColumnIndex(tokens);
                assertEquals((groupRows + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE, pages.getPageCount());
                for (int p = 0; p < pages.getPageCount(); p++) {
                    assertEquals((long) p * ROWS_PER_PAGE, pages.getFirstRowIndex(p));
                    int from = firstRow + p * ROWS_PER_PAGE;
                    int[] range = minMax(rows, from, Math.min(from + ROWS_PER_PAGE, firstRow + groupRows));
                    assertEquals(range[0], intOf(pageStats.getMinValues().get(p)), "min of page " + p);
                    assertEquals(range[1], intOf(pageStats.getMaxValues().get(p)), "max of page " + p);
                }
                ColumnChunkMetaData seqIndex = group.getColumns().get(0);
                assertEquals((long) firstRow, seqIndex.getStatistics().genericGetMin());
                assertEquals((long) firstRow + groupRows - 1, seqIndex.getStatistics().genericGetMax());
                firstRow += groupRows;
            }
        }
    }

    @Test
    void aSingleRowAndAnEmptyFileReadBack() throws IOException {
        int[] only = new Random(3).ints(TOKENS, 0, 70_000).toArray();
        write(dir.resolve("part-00000.parquet"), List.of(only));
        assertSameRows(List.of(only), ParquetShards.readWithParquet(dir));
        write(dir.resolve("part-00001.parquet"), List.of());
        assertSameRows(List.of(only), ParquetShards.readWithParquet(dir));
    }

    @Test
    void idsOutsideTheSupportedRangeAndWrongLengthsAreRefusedNamingTheFile() {
        Path file = dir.resolve("bad.parquet");
        for (int id : new int[] {-1, SequenceParquetWriter.MAX_TOKEN_ID + 1}) {
            int[] row = new int[TOKENS];
            row[2] = id;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> write(file, List.of(row)));
            assertTrue(e.getMessage().contains("token id " + id + " is outside [0, 16777215]"), e.getMessage());
            assertTrue(e.getMessage().contains("bad.parquet"), e.getMessage());
            file.toFile().delete();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> write(file, List.of(new int[] {0, 1})));
        assertEquals("sequence 0 has 2 tokens, not 201", e.getMessage());
    }

    @Test
    void levelsAreRunLengthRunsOfOneListPattern() {
        // 2 rows of 3 values. Repetition: runs (1 x 0), (2 x 1), (1 x 0), (2 x 1) = 8 bytes; definition: one run
        // (6 x 2) = 2 bytes. A run is its count shifted left by one (a varint), then the value.
        byte[] expected = {8, 0, 0, 0, 2, 0, 4, 1, 2, 0, 4, 1, 2, 0, 0, 0, 12, 2};
        assertArrayEquals(expected, SequenceParquetWriter.levels(2, 3));
        // 100 rows of 1000: the definition run's count 100000 << 1 needs a 3-byte varint.
        byte[] big = SequenceParquetWriter.levels(100, 1000);
        int repetitionBytes = ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        assertEquals(100 * (2 + 3), repetitionBytes);  // (1 x 0) is 2 bytes, (999 x 1) is 1998 = 2-byte varint + 1
        int at = 4 + repetitionBytes;
        assertEquals(4, ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).getInt(at));
        int count = (big[at + 4] & 0x7F) | (big[at + 5] & 0x7F) << 7 | (big[at + 6] & 0x7F) << 14;
        assertEquals(200_000, count);
        assertEquals(2, big[at + 7]);
    }

    private static void write(Path file, List<int[]> rows) {
        try (SequenceParquetWriter out = new SequenceParquetWriter(new org.apache.hadoop.fs.Path(file.toUri()),
                new Configuration(), TOKENS, ROWS_PER_GROUP * (16L + 4 * TOKENS), ROWS_PER_PAGE * 4 * TOKENS)) {
            for (int r = 0; r < rows.size(); r++) {
                out.write(r, 1000L + r / 4, rows.get(r));
            }
        }
    }

    private static void assertSameRows(List<int[]> expected, List<int[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int r = 0; r < expected.size(); r++) {
            assertArrayEquals(expected.get(r), actual.get(r), "row " + r);
        }
    }

    private static int[] minMax(List<int[]> rows, int from, int to) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int r = from; r < to; r++) {
            for (int id : rows.get(r)) {
                min = Math.min(min, id);
                max = Math.max(max, id);
            }
        }
        return new int[] {min, max};
    }

    private static int intOf(ByteBuffer littleEndian) {
        return littleEndian.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }
}
