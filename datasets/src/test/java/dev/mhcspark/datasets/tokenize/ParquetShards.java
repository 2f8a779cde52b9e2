package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads tokenized shards back two independent ways: Spark, and parquet-mr's plain record reader. */
final class ParquetShards {
    private ParquetShards() {
    }

    static List<int[]> readWithSpark(SparkSession spark, Path splitDir) {
        List<int[]> out = new ArrayList<>();
        long expectedIndex = 0;
        for (Row row : spark.read().parquet(splitDir.toString()).orderBy("seq_index").collectAsList()) {
            assertEquals(expectedIndex++, row.getLong(row.fieldIndex("seq_index")));
            List<Integer> tokens = row.getList(row.fieldIndex("tokens"));
            out.add(tokens.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /** Part files in name order, rows in file order: must already be the split's sequence order. */
    static List<int[]> readWithParquet(Path splitDir) throws IOException {
        List<int[]> out = new ArrayList<>();
        for (Path file : partFiles(splitDir)) {
            for (Group row : rows(file)) {
                assertEquals(out.size(), row.getLong("seq_index", 0), file + ": rows out of order");
                Group list = row.getGroup("tokens", 0);
                int n = list.getFieldRepetitionCount("list");
                int[] tokens = new int[n];
                for (int i = 0; i < n; i++) {
                    tokens[i] = list.getGroup("list", i).getInteger("element", 0);
                }
                out.add(tokens);
            }
        }
        return out;
    }

    /** The doc_id column of every part file, in order. */
    static long[] docIds(Path splitDir) throws IOException {
        List<Long> out = new ArrayList<>();
        for (Path file : partFiles(splitDir)) {
            for (Group row : rows(file)) {
                out.add(row.getLong("doc_id", 0));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static List<Path> partFiles(Path splitDir) throws IOException {
        try (Stream<Path> files = Files.list(splitDir)) {
            return files.filter(p -> p.getFileName().toString().matches("part-\\d{5}\\.parquet")).sorted().toList();
        }
    }

    /** A string column of any Parquet file, nulls as null. */
    static List<String> readStrings(Path file, String column) throws IOException {
        List<String> out = new ArrayList<>();
        for (Group row : rows(file)) {
            out.add(row.getFieldRepetitionCount(column) == 0 ? null : row.getString(column, 0));
        }
        return out;
    }

    private static List<Group> rows(Path file) throws IOException {
        List<Group> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
                new org.apache.hadoop.fs.Path(file.toUri())).withConf(new Configuration()).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                rows.add(g);
            }
        }
        return rows;
    }
}
