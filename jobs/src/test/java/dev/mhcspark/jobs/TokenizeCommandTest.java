package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mhc tokenize} and {@code mhc tokenizer} through the command line, on the bundled corpus. */
class TokenizeCommandTest {
    private static final String CORPUS = Path.of("..", "data", "corpora", "tinyshakespeare.txt").toString();

    @TempDir
    Path tmp;

    private static String run(String... args) {
        Cli cli = Cli.run(args);
        assertEquals(0, cli.exit(), "exit code; stderr: " + cli.err());
        return cli.out();
    }

    @Test
    void bpeTrainedByTheJobCompressesBetterThanBytesAndTravelsWithTheData() throws Exception {
        Path bytes = tmp.resolve("bytes");
        Path bpe = tmp.resolve("bpe");
        String out = run("tokenize", "--input", CORPUS, "--output", bytes.toString(), "--tokenizer", "byte",
                "--seq-len", "128", "--doc-split", "blank-line", "--val-fraction", "0.1", "--master", "local[2]");
        assertTrue(out.contains("tokenize: done in"), out);
        run("tokenize", "--input", CORPUS, "--output", bpe.toString(), "--tokenizer", "bpe:1024", "--seq-len", "128",
                "--doc-split", "blank-line", "--val-fraction", "0.1", "--shards", "3", "--master", "local[2]");

        Configuration conf = new Configuration();
        DatasetManifest byteManifest = DatasetManifest.read(bytes.toString(), conf);
        DatasetManifest bpeManifest = DatasetManifest.read(bpe.toString(), conf);
        assertEquals("bpe:tokenizer.json", bpeManifest.tokenizer().spec());
        assertEquals(1024, bpeManifest.tokenizer().vocabSize());
        assertEquals(64, bpeManifest.tokenizer().sha256().length());
        // same documents in the same splits, fewer tokens
        assertEquals(byteManifest.split("train").documents(), bpeManifest.split("train").documents());
        assertEquals(byteManifest.split("val").documents(), bpeManifest.split("val").documents());
        double ratio = (double) byteManifest.split("train").tokens() / bpeManifest.split("train").tokens();
        assertTrue(ratio > 2.0, "bytes per BPE token: " + ratio);
        assertEquals(3, bpeManifest.split("train").shards().size());

        Tokenizer tokenizer = bpeManifest.loadTokenizer(bpe.toString(), conf);
        String line = "First Citizen:\nBefore we proceed any further, hear me speak.";
        assertEquals(line, tokenizer.decode(tokenizer.encode(line)));

        // a tokenizer file edited after tokenizing is caught (Hadoop's own .crc would catch a plain edit first)
        Files.deleteIfExists(bpe.resolve(".tokenizer.json.crc"));
        Files.writeString(bpe.resolve("tokenizer.json"), Files.readString(bpe.resolve("tokenizer.json")) + " ");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> bpeManifest.loadTokenizer(bpe.toString(), conf));
        assertTrue(e.getMessage().contains("does not match the manifest"), e.getMessage());
    }

    @Test
    void tokenizerTrainEncodeDecodeRoundTrip() {
        Path file = tmp.resolve("tok.json");
        run("tokenizer", "train", "--input", CORPUS, "--vocab-size", "300", "--output", file.toString(),
                "--doc-split", "line", "--master", "local[1]");
        assertTrue(Files.exists(file));
        String text = "Wherefore art thou, Romeo? \u00e9t\u00e9 \ud83d\ude00";
        for (String spec : new String[] {"bpe:" + file, "tiktoken:cl100k_base", "byte"}) {
            String ids = run("tokenizer", "encode", "--tokenizer", spec, text).trim();
            assertFalse(ids.isEmpty());
            String decoded = run(concat(new String[] {"tokenizer", "decode", "--tokenizer", spec}, ids.split(" ")));
            assertEquals(text, decoded, spec);
        }
        assertEquals("15339 1917", run("tokenizer", "encode", "--tokenizer", "tiktoken:cl100k_base",
                "hello world").trim());
    }

    @Test
    void badFlagsNameTheFlag() {
        Cli badSplit = Cli.run("tokenize", "--input", CORPUS, "--output", tmp.resolve("x").toString(),
                "--doc-split", "sentence");
        assertEquals(2, badSplit.exit());
        assertTrue(badSplit.err().contains("--doc-split: expected one of file, line, blank-line, got 'sentence'"),
                badSplit.err());
        Cli badTokenizer = Cli.run("tokenize", "--input", CORPUS, "--output", tmp.resolve("x").toString(),
                "--tokenizer", "wordpiece");
        assertEquals(2, badTokenizer.exit());
        assertTrue(badTokenizer.err().contains("tokenizer wordpiece: expected byte, tiktoken:"), badTokenizer.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
