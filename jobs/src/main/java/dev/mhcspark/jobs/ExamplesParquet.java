package dev.mhcspark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
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
 * Writes the scored examples of an evaluation as one Parquet file with plain parquet-hadoop, so that a run
 * without Spark ({@code --master none}) writes exactly what a Spark run writes. Lists use the standard three-level
 * LIST layout that Spark, pandas and DuckDB read.
 */
final class ExamplesParquet {
    static final String FILE = "part-00000.parquet";

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message eval_example {
              required binary prompt_id (STRING);
              required binary task (STRING);
              required binary prediction (STRING);
              required binary extracted (STRING);
              required binary target (STRING);
              required double score;
              optional double em;
              optional double f1;
              required int32 prompt_tokens;
              required boolean truncated;
              required int32 generated_tokens;
              optional binary stop (STRING);
              optional binary output (STRING);
              optional group options (LIST) { repeated group list { required binary element (STRING); } }
              optional group option_logprob (LIST) { repeated group list { required double element; } }
              optional group option_tokens (LIST) { repeated group list { required int32 element; } }
              optional binary extracted_normalized (STRING);
              optional double score_normalized;
            }
            """);

    private ExamplesParquet() {
    }

    /** Writes through {@code fs} (any Hadoop file system; the raw one for local disks, so no .crc files). */
    static void write(FileSystem fs, Path file, List<ScoredExample> rows) {
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(HadoopPaths.parquetFile(fs, file))
                .withType(SCHEMA).withConf(fs.getConf()).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            for (ScoredExample r : rows) {
                Group g = groups.newGroup()
                        .append("prompt_id", r.promptId())
                        .append("task", r.task())
                        .append("prediction", r.prediction())
                        .append("extracted", r.extracted())
                        .append("target", r.target())
                        .append("score", r.score());
                if (r.em() != null) {
                    g.append("em", r.em()).append("f1", r.f1());
                }
                g.append("prompt_tokens", r.promptTokens())
                        .append("truncated", r.truncated())
                        .append("generated_tokens", r.generatedTokens());
                if (r.stop() != null) {
                    g.append("stop", r.stop()).append("output", r.output());
                }
                if (r.options() != null) {
                    Group options = g.addGroup("options");
                    r.options().forEach(o -> options.addGroup("list").append("element", o));
                    Group logProbs = g.addGroup("option_logprob");
                    for (double v : r.optionLogProbs()) {
                        logProbs.addGroup("list").append("element", v);
                    }
                    Group tokens = g.addGroup("option_tokens");
                    for (int v : r.optionTokens()) {
                        tokens.addGroup("list").append("element", v);
                    }
                    g.append("extracted_normalized", r.extractedNormalized())
                            .append("score_normalized", r.scoreNormalized());
                }
                writer.write(g);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
