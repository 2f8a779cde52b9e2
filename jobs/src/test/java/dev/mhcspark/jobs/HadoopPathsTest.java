package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths of train and eval on any Hadoop file system: an {@code hdfs://} path that cannot be resolved for lack of a
 * Hadoop configuration is an error naming the flag and the path (not the HDFS client's "Incomplete HDFS URI"), and
 * local paths use the raw local file system. The HDFS side itself is exercised in the cluster module's YarnSubmitTest.
 */
class HadoopPathsTest {
    @TempDir
    Path tmp;

    @Test
    void anHdfsPathWithoutNamenodeOrConfigurationNamesTheFlagAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HadoopPaths.fileSystem("--run", "hdfs:///runs/x", new Configuration()));
        assertTrue(e.getMessage().startsWith("--run hdfs:///runs/x: no Hadoop configuration is reachable for this "
                + "hdfs:// path (fs.defaultFS is file:///"), e.getMessage());
        assertTrue(e.getMessage().contains("set HADOOP_CONF_DIR"), e.getMessage());
        // an HA nameservice (or a mistyped namenode) that no configuration defines
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> HadoopPaths.fileSystem("--out", "hdfs://no-such-nameservice.invalid/evals/x",
                        new Configuration()));
        assertTrue(unknown.getMessage().startsWith("--out hdfs://no-such-nameservice.invalid/evals/x: no Hadoop "
                + "configuration is reachable"), unknown.getMessage());
    }

    @Test
    void localPathsGetTheRawFileSystemAndArePrintedAsPlainPaths() {
        FileSystem fs = HadoopPaths.fileSystem("--out", tmp.toString(), new Configuration());
        assertTrue(fs instanceof RawLocalFileSystem, fs.getClass().getName());
        assertEquals(tmp.toString(), HadoopPaths.display(fs, new org.apache.hadoop.fs.Path(tmp.toString() + "/")));
    }

    @Test
    void trainAndEvalRefuseAnUnreachableHdfsPathBeforeAnyWork() {
        Cli train = Cli.run("train", "--synthetic", "--steps", "2", "--warmup", "1", "--run", "hdfs:///runs/x");
        assertEquals(2, train.exit(), train.out() + train.err());
        assertTrue(train.err().contains("mhc train: --run hdfs:///runs/x: no Hadoop configuration is reachable"),
                train.err());
        assertFalse(train.out().contains("training"), "nothing trained: " + train.out());

        Cli eval = Cli.run("eval", "--model", tmp.resolve("no-run").toString(), "--suite", "bbh", "--data",
                tmp.toString(), "--master", "none", "--out", "hdfs:///evals/x");
        assertEquals(2, eval.exit(), eval.out() + eval.err());
        assertTrue(eval.err().contains("mhc eval: --out hdfs:///evals/x: no Hadoop configuration is reachable"),
                eval.err());
        Cli model = Cli.run("eval", "--model", "hdfs:///runs/x", "--suite", "bbh", "--data",
                Path.of("..", "..", "shared", "data", "bbh").toString(), "--tasks", "navigate", "--limit", "1",
                "--mode", "loglik", "--master", "none", "--out", tmp.resolve("eval").toString());
        assertEquals(2, model.exit(), model.out() + model.err());
        assertTrue(model.err().contains("mhc eval: --model hdfs:///runs/x: no Hadoop configuration is reachable"),
                model.err());
        assertFalse(Files.exists(tmp.resolve("eval")));
    }
}
