package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.DatasetManifest;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Cuts each split's token stream into sequences of {@code T + 1} tokens and writes them as
 * {@code <split>/part-NNNNN.parquet}: sequence {@code i} is tokens {@code [i(T+1), (i+1)(T+1))} of the stream
 * whatever the partitioning, the incomplete tail is dropped (the only tokens lost), and shard {@code s} of
 * {@code k} holds the contiguous sequences {@code [ceil(s n / k), ceil((s+1) n / k))}, in order. So the same
 * data gives byte-identical files and a different shard count regroups the same sequences.
 *
 * <p>One Spark task per shard reads its range of the spilled streams and writes its file under a name of its
 * own attempt, renamed to the stable name when complete; a split with no sequence gets one empty shard, so
 * readers always find the directory.
 */
final class ShardWriter {
    private ShardWriter() {
    }

    /** One split's spilled stream and how it is cut. */
    record SplitPlan(Split split, List<SpilledStream> streams, long sequences, int shards) implements Serializable {
    }

    /** One file to write: sequences {@code [first, first + count)} of a split. */
    record ShardTask(int planIndex, int shard, long first, long count) implements Serializable {
        String fileName() {
            return String.format("part-%05d.parquet", shard);
        }
    }

    static SplitPlan plan(Split split, List<SpilledStream> streamsInPartitionOrder, int sequenceTokens,
                          int requestedShards) {
        long tokens = streamsInPartitionOrder.stream().mapToLong(SpilledStream::tokens).sum();
        long sequences = tokens / sequenceTokens;
        int shards = (int) Math.max(1, Math.min(requestedShards, sequences));
        return new SplitPlan(split, List.copyOf(streamsInPartitionOrder), sequences, shards);
    }

    /** Writes every shard of every plan in one Spark job; the shards of each plan, in plan order. */
    static List<List<DatasetManifest.Shard>> write(JavaSparkContext sc, List<SplitPlan> plans, int sequenceTokens,
                                                   Path datasetDir) {
        List<ShardTask> tasks = new ArrayList<>();
        List<List<DatasetManifest.Shard>> shards = new ArrayList<>();
        for (int p = 0; p < plans.size(); p++) {
            SplitPlan plan = plans.get(p);
            List<DatasetManifest.Shard> listed = new ArrayList<>();
            for (int s = 0; s < plan.shards(); s++) {
                long first = firstSequence(s, plan.sequences(), plan.shards());
                ShardTask task = new ShardTask(p, s, first,
                        firstSequence(s + 1, plan.sequences(), plan.shards()) - first);
                tasks.add(task);
                listed.add(new DatasetManifest.Shard(task.fileName(), task.first(), task.count()));
            }
            shards.add(listed);
        }
        tasks.sort(Comparator.comparingLong(ShardTask::count).reversed());  // the longest start first
        SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
        String dir = datasetDir.toString();
        sc.parallelize(tasks, Math.max(1, tasks.size())).foreach(task -> {
            SplitPlan plan = plans.get(task.planIndex());
            writeShard(plan, task, sequenceTokens, new Path(dir, plan.split().dirName()), conf.value());
        });
        return shards;
    }

    private static void writeShard(SplitPlan plan, ShardTask task, int sequenceTokens, Path splitDir,
                                   Configuration conf) {
        Path target = new Path(splitDir, task.fileName());
        TaskContext context = TaskContext.get();
        Path temp = new Path(splitDir, "." + task.fileName() + ".attempt-"
                + (context == null ? 0 : context.taskAttemptId()));
        int[] sequence = new int[sequenceTokens];
        try (SequenceParquetWriter out = new SequenceParquetWriter(temp, conf, sequenceTokens);
             SplitStreamReader in = new SplitStreamReader(plan.streams(), conf, task.first() * sequenceTokens)) {
            for (long i = task.first(); i < task.first() + task.count(); i++) {
                long document = in.documentAtPosition();
                in.read(sequence);
                out.write(i, document, sequence);
            }
        }
        try {
            FileSystem fs = target.getFileSystem(conf);
            fs.delete(target, false);  // left by an earlier attempt of this task: same content
            if (!fs.rename(temp, target)) {
                throw new IOException("rename " + temp + " to " + target + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
        }
    }

    /** The first sequence of {@code shard}: shards are contiguous and differ in length by at most one. */
    static long firstSequence(int shard, long sequences, int shards) {
        return Math.min(sequences, ((long) shard * sequences + shards - 1) / shards);
    }
}
