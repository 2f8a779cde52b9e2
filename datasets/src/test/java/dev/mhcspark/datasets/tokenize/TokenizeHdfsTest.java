package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.tokenize.CorpusSettings.DocSplit;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hdfs://} in and out, against an in-process HDFS (MiniDFSCluster), with a BPE tokenizer trained on it. */
class TokenizeHdfsTest {
    @TempDir
    static Path tmp;
    static MiniDFSCluster hdfs;
    static String root;

    @BeforeAll
    static void start() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        conf.setLong("dfs.namenode.fs-limits.min-block-size", 0);
        conf.setLong("dfs.blocksize", 100_352);  // 98 KiB blocks: slices and documents cross them
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        root = "hdfs://localhost:" + hdfs.getNameNodePort();
        TokenizeJobTest.startSpark();
    }

    @AfterAll
    static void stop() {
        TokenizeJobTest.stopSpark();
        hdfs.shutdown();
    }

    @Test
    void readsAndWritesHdfsAndMatchesTheLocalRun() throws IOException {
        Path local = Files.createDirectories(tmp.resolve("corpus"));
        String text = Files.readString(Path.of("../data/corpora/tinyshakespeare.txt"));
        Files.writeString(local.resolve("part1.txt"), text.substring(0, 400_000));
        Files.writeString(local.resolve("part2.txt"), text.substring(400_000));
        FileSystem fs = hdfs.getFileSystem();
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(root + "/in"));

        // on HDFS in slices of 128 KiB (seeking into HDFS blocks), on disk whole: the same documents either way
        CorpusSettings sliced = new CorpusSettings(List.of(root + "/in/*.txt"), DocSplit.BLANK_LINE,
                CorpusSettings.InputFormat.AUTO, "text", CorpusSettings.TextNormalization.NFC,
                CorpusSettings.InvalidUtf8Policy.FAIL, false, 128 << 10);
        TokenizeSettings onHdfs = new TokenizeSettings(sliced, root + "/datasets/shakespeare", "bpe:600", 64, 0.1, 2,
                false, false);
        TokenizeSettings onDisk = new TokenizeSettings(CorpusSettings.of(List.of(local.toString()))
                .withDocSplit(DocSplit.BLANK_LINE), tmp.resolve("local-ds").toString(), "bpe:600", 64, 0.1, 2,
                false, false);
        Configuration conf = TokenizeJobTest.spark.sparkContext().hadoopConfiguration();
        List<String> console = new java.util.ArrayList<>();
        DatasetManifest remote = new TokenizeJob(TokenizeJobTest.spark, onHdfs, new DatasetTokenizer(conf, l -> { }),
                console::add).run();
        assertTrue(console.stream().anyMatch(l -> l.contains(" in 10 partition(s)")), console.toString());  // 4 + 6
        DatasetManifest disk = new TokenizeJob(TokenizeJobTest.spark, onDisk, new DatasetTokenizer(conf, l -> { }),
                l -> { }).run();

        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root + "/datasets/shakespeare/train/part-00000.parquet")));
        assertTrue(remote.inputs().get(0).path().startsWith("hdfs://"));
        assertEquals(disk.tokenizer().sha256(), remote.tokenizer().sha256(), "same corpus, same BPE");
        assertEquals(disk.inputs().get(0).sha256(), remote.inputs().get(0).sha256());
        DatasetManifest reread = DatasetManifest.read(root + "/datasets/shakespeare", conf);
        Tokenizer tokenizer = reread.loadTokenizer(root + "/datasets/shakespeare", conf);
        assertEquals(600, tokenizer.vocabSize());
        for (String split : List.of("train", "val")) {
            List<Row> a = TokenizeJobTest.spark.read().parquet(root + "/datasets/shakespeare/" + split)
                    .orderBy("seq_index").collectAsList();
            List<Row> b = TokenizeJobTest.spark.read().parquet(tmp.resolve("local-ds").resolve(split).toString())
                    .orderBy("seq_index").collectAsList();
            assertEquals(b.size(), a.size());
            assertTrue(a.size() > 10);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(b.get(i).getList(2).toArray(), a.get(i).getList(2).toArray(), split + " " + i);
            }
            assertEquals(disk.split(split).tokens(), remote.split(split).tokens());
        }
    }
}
