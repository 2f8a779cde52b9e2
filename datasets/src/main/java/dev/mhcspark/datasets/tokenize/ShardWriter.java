package dev.mhcspark.datasets.tokenize;

import static org.apache.spark.sql.functions.col;

import dev.mhcspark.datasets.DatasetManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * Writes one split's sequences as {@code <split>/part-NNNNN.parquet}: shard {@code i} holds the contiguous
 * sequences {@code [ceil(i n / k), ceil((i+1) n / k))}, sorted, so the same data gives byte-identical files and
 * a different shard count regroups the same sequences. Spark writes through its commit protocol into a
 * scratch directory; the part files are then renamed to stable names.
 */
final class ShardWriter {
    private static final Pattern SPARK_PART = Pattern.compile("part-(\\d{5})-.*\\.parquet");

    private ShardWriter() {
    }

    static List<DatasetManifest.Shard> write(SparkSession spark, JavaRDD<TokenBlock> blocks, Split split,
                                             SequencePacker packer, int sequenceTokens, int requestedShards,
                                             Path datasetDir) {
        long n = packer.sequences();
        int shards = (int) Math.max(1, Math.min(requestedShards, n));
        Dataset<SequenceRow> rows;
        if (n == 0) {
            rows = spark.createDataset(List.of(), Encoders.bean(SequenceRow.class));
        } else {
            int splitOrdinal = split.ordinal();
            JavaRDD<SequenceRow> sequences = blocks.filter(b -> b.split() == splitOrdinal)
                    .flatMapToPair(packer::parts)
                    .repartitionAndSortWithinPartitions(
                            new SequencePacker.ShardPartitioner(sequenceTokens, n, shards))
                    .mapPartitions(parts -> SequencePacker.assemble(parts, sequenceTokens));
            rows = spark.createDataset(sequences.rdd(), Encoders.bean(SequenceRow.class));
        }
        Path scratch = new Path(datasetDir, "_spark_" + split.dirName());
        rows.select(col("seqIndex").as("seq_index"), col("docId").as("doc_id"), col("tokens"))
                .write().parquet(scratch.toString());
        return renameParts(spark, scratch, new Path(datasetDir, split.dirName()), n, shards);
    }

    private static List<DatasetManifest.Shard> renameParts(SparkSession spark, Path scratch, Path splitDir,
                                                           long sequences, int shards) {
        try {
            FileSystem fs = scratch.getFileSystem(spark.sparkContext().hadoopConfiguration());
            fs.mkdirs(splitDir);
            List<DatasetManifest.Shard> written = new ArrayList<>();
            for (FileStatus status : fs.listStatus(scratch)) {
                Matcher m = SPARK_PART.matcher(status.getPath().getName());
                if (!m.matches()) {
                    continue;
                }
                int shard = Integer.parseInt(m.group(1));
                String name = String.format("part-%05d.parquet", shard);
                if (!fs.rename(status.getPath(), new Path(splitDir, name))) {
                    throw new IOException("rename " + status.getPath() + " failed");
                }
                long first = firstSequence(shard, sequences, shards);
                written.add(new DatasetManifest.Shard(name, first, firstSequence(shard + 1, sequences, shards) - first));
            }
            fs.delete(scratch, true);
            written.sort(java.util.Comparator.comparing(DatasetManifest.Shard::file));
            if (written.size() != shards && sequences > 0) {
                throw new IllegalStateException("expected " + shards + " shards in " + scratch + ", found "
                        + written.size());
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + splitDir + ": " + e.getMessage(), e);
        }
    }

    /** The first sequence that {@link SequencePacker.ShardPartitioner} sends to {@code shard}. */
    static long firstSequence(int shard, long sequences, int shards) {
        return Math.min(sequences, ((long) shard * sequences + shards - 1) / shards);
    }
}
