package dev.mhcspark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * A run's {@code metrics/} Parquet dataset (schema of {@link MetricRecord#SCHEMA}), appended to by the driver one
 * file per call: {@code part-<seq>-steps-<first>-<last>.parquet}, written under a hidden name and renamed, so
 * readers (Spark, Zeppelin) never see a half-written file. The step range in the name lets {@link #truncateAfter}
 * drop, on resume, the records of steps that are about to be trained again.
 */
final class MetricsLog {
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message metric {
              required binary run_id (STRING);
              required int64 step;
              required int32 worker;
              required binary metric (STRING);
              optional binary layer (STRING);
              required double value;
            }""");
    private static final Pattern PART = Pattern.compile("part-(\\d+)-steps-(\\d+)-(\\d+)\\.parquet");

    private final FileSystem fs;
    private final Path dir;
    private final String runId;
    private final Configuration conf;
    private int nextPart;

    MetricsLog(FileSystem fs, Path dir, String runId) {
        this.fs = fs;
        this.dir = dir;
        this.runId = runId;
        this.conf = fs.getConf();
        try {
            fs.mkdirs(dir);
            nextPart = parts().stream().mapToInt(p -> p.seq + 1).max().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + dir + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return dir;
    }

    /** Writes the records as one new file; nothing is written for an empty list. */
    synchronized void append(List<MetricRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        long first = records.stream().mapToLong(MetricRecord::step).min().getAsLong();
        long last = records.stream().mapToLong(MetricRecord::step).max().getAsLong();
        String name = String.format("part-%05d-steps-%d-%d.parquet", nextPart, first, last);
        Path tmp = new Path(dir, "." + name + ".tmp");
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try {
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(HadoopPaths.parquetFile(fs, tmp))
                    .withType(SCHEMA).withConf(conf).withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(org.apache.parquet.hadoop.ParquetFileWriter.Mode.OVERWRITE).build()) {
                for (MetricRecord r : records) {
                    Group g = groups.newGroup().append("run_id", runId).append("step", r.step())
                            .append("worker", r.worker()).append("metric", r.metric());
                    if (r.layer() != null) {
                        g.append("layer", r.layer());
                    }
                    writer.write(g.append("value", r.value()));
                }
            }
            if (!fs.rename(tmp, new Path(dir, name))) {
                throw new IOException("rename of " + tmp + " failed");
            }
            nextPart++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Deletes every file holding a step after {@code step} (and leftovers of interrupted writes). */
    void truncateAfter(long step) {
        try {
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (name.startsWith(".")) {
                    fs.delete(s.getPath(), false);
                }
            }
            for (Part p : parts()) {
                if (p.last > step) {
                    fs.delete(p.path, false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate " + dir + ": " + e.getMessage(), e);
        }
    }

    private List<Part> parts() throws IOException {
        return java.util.Arrays.stream(fs.listStatus(dir))
                .map(s -> {
                    Matcher m = PART.matcher(s.getPath().getName());
                    return m.matches() ? new Part(s.getPath(), Integer.parseInt(m.group(1)),
                            Long.parseLong(m.group(3))) : null;
                })
                .filter(java.util.Objects::nonNull)
                .sorted(Comparator.comparingInt(Part::seq))
                .toList();
    }

    private void deleteQuietly(Path p) {
        try {
            fs.delete(p, false);
        } catch (IOException ignored) {
            // best effort: a leftover hidden file is ignored by readers and removed by truncateAfter
        }
    }

    private record Part(Path path, int seq, long last) {
    }
}
