package dev.mhcspark.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/** Reads a run's {@code metrics/} with parquet-mr directly: an independent check of what the trainers wrote. */
final class MetricsTable {
    private MetricsTable() {
    }

    static List<MetricRecord> read(Path metricsDir) throws IOException {
        List<MetricRecord> rows = new ArrayList<>();
        try (var files = Files.list(metricsDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList()) {
                try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
                        new org.apache.hadoop.fs.Path(file.toUri())).withConf(new Configuration()).build()) {
                    for (Group g = reader.read(); g != null; g = reader.read()) {
                        String layer = g.getFieldRepetitionCount("layer") == 0 ? null : g.getString("layer", 0);
                        rows.add(new MetricRecord(g.getLong("step", 0), g.getInteger("worker", 0),
                                g.getString("metric", 0), layer, g.getDouble("value", 0)));
                    }
                }
            }
        }
        return rows;
    }
}
