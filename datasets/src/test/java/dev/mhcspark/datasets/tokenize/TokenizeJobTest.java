package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.tokenize.TokenizeSettings.DocSplit;
import dev.mhcspark.datasets.tokenize.TokenizeSettings.InputFormat;
import dev.mhcspark.datasets.tokenize.TokenizeSettings.InvalidUtf8Policy;
import dev.mhcspark.datasets.tokenize.TokenizeSettings.TextNormalization;
import dev.mhcspark.datasets.tokenizer.ByteTokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenize job on a real local Spark session over real files, checked against an oracle that reads and
 * tokenizes every document one by one in a plain loop.
 */
class TokenizeJobTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2]").appName("TokenizeJobTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    static TokenizeSettings settings(List<String> inputs, String output, int seqLen, double valFraction,
                                     int shards, DocSplit split) {
        return new TokenizeSettings(inputs, output, "byte", seqLen, valFraction, shards, split, InputFormat.AUTO,
                "text", TextNormalization.NFC, false, InvalidUtf8Policy.FAIL, false, false, 1 << 16);
    }

    static DatasetManifest run(TokenizeSettings settings, Tokenizer tokenizer) {
        TokenizeJob job = new TokenizeJob(spark, settings, (spec, docs, dir) -> tokenizer, line -> { });
        job.blockTokens = 97;  // many blocks, so sequences straddle blocks and partitions
        return job.run();
    }

    /** A mixed corpus: text files in several partitions, gzip, JSON Lines, Parquet, Unicode needing NFC. */
    private Path corpus() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        String shakespeare = Files.readString(Path.of("../data/corpora/tinyshakespeare.txt"));
        Files.writeString(dir.resolve("a.txt"), shakespeare.substring(0, 90_000));
        Files.writeString(dir.resolve("b.txt"), "Cafe\u0301 cre\u0300me bru\u0302le\u0301e\n\u00c5ngstr\u00f6m\n");
        Files.writeString(dir.resolve("c.txt"), shakespeare.substring(90_000, 200_000));
        Files.writeString(dir.resolve("empty.txt"), "  \n\n");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("d.txt.gz")))) {
            out.write(shakespeare.substring(200_000, 260_000).getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("e.jsonl"), "{\"text\": \"first json document\", \"id\": 1}\n\n"
                + "{\"text\": \"second \u00e9 json\"}\n{\"text\": \"   \"}\n{\"text\": \"" + "x".repeat(300) + "\"}\n");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/f.txt"), shakespeare.substring(260_000, 300_000));
        Files.writeString(dir.resolve("sub/.hidden.txt"), "never read");
        StructType schema = new StructType().add("text", DataTypes.StringType).add("n", DataTypes.IntegerType);
        spark.createDataFrame(List.of(RowFactory.create("parquet row zero", 0), RowFactory.create(null, 1),
                        RowFactory.create("parquet row two with more words", 2)), schema)
                .coalesce(1).write().parquet(dir.resolve("g").toString());
        return dir;
    }

    @Test
    void shardsHoldExactlyTheOracleTokenStream() throws IOException {
        Path corpus = corpus();
        String out = tmp.resolve("ds").toString();
        int seqLen = 63;
        double val = 0.25;
        DatasetManifest manifest = run(settings(List.of(corpus.toString()), out, seqLen, val, 3, DocSplit.FILE),
                ByteTokenizer.INSTANCE);

        Oracle oracle = Oracle.of(corpus, ByteTokenizer.INSTANCE, val, DocSplit.FILE);
        for (Split split : Split.values()) {
            List<int[]> expected = oracle.sequences(split, seqLen + 1);
            List<int[]> viaSpark = ParquetShards.readWithSpark(spark, Path.of(out, split.dirName()));
            List<int[]> viaParquet = ParquetShards.readWithParquet(Path.of(out, split.dirName()));
            assertEquals(expected.size(), viaSpark.size(), split + " sequences");
            assertTrue(expected.size() > 3, split + " has some sequences");
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), viaSpark.get(i), split + " sequence " + i + " (Spark)");
                assertArrayEquals(expected.get(i), viaParquet.get(i), split + " sequence " + i + " (Parquet)");
            }
            DatasetManifest.SplitInfo info = manifest.split(split.dirName());
            assertEquals(expected.size(), info.sequences());
            assertEquals(oracle.documents(split), info.documents());
            assertEquals(oracle.tokens(split), info.tokens());
            assertEquals(oracle.tokens(split) % (seqLen + 1), info.droppedTailTokens());
            assertEquals(Math.min(3, expected.size()), info.shards().size());
        }
        assertEquals(3L, manifest.droppedDocuments().get("empty"), "empty.txt, the blank JSON text, the null value");
        assertEquals(8, manifest.inputs().size(), "hidden files and Spark markers are not inputs");
    }

    // ------------------------------------------------------------------------------------------------------
    /** Reads each input file on its own in a plain loop, the way the documentation says the job does. */
    record Oracle(List<long[]> ids, List<String> texts, List<Split> splits, Tokenizer tokenizer) {
        static Oracle of(Path corpus, Tokenizer tokenizer, double valFraction, DocSplit docSplit) throws IOException {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(corpus)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> !hiddenBelow(corpus, p))
                        .sorted((a, b) -> a.toUri().toString().compareTo(b.toUri().toString())).toList();
            }
            List<long[]> ids = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            List<Split> splits = new ArrayList<>();
            for (int index = 0; index < files.size(); index++) {
                List<String> docs = documents(files.get(index), docSplit);
                for (int ordinal = 0; ordinal < docs.size(); ordinal++) {
                    String text = docs.get(ordinal) == null ? null : Normalizer.normalize(docs.get(ordinal),
                            Normalizer.Form.NFC);
                    if (text == null || text.isBlank()) {
                        continue;
                    }
                    ids.add(new long[] {index, ordinal});
                    texts.add(text);
                    splits.add(split(text, valFraction));
                }
            }
            return new Oracle(ids, texts, splits, tokenizer);
        }

        private static boolean hiddenBelow(Path root, Path p) {
            for (Path part : root.relativize(p)) {
                if (part.toString().startsWith(".") || part.toString().startsWith("_")) {
                    return true;
                }
            }
            return false;
        }

        /** Documents of one file, null for a null Parquet value (ordinals count it). */
        static List<String> documents(Path file, DocSplit docSplit) throws IOException {
            String name = file.getFileName().toString();
            if (name.endsWith(".parquet")) {
                return ParquetShards.readStrings(file, "text");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (name.endsWith(".gz")) {
                bytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
            }
            String content = new String(bytes, StandardCharsets.UTF_8);
            if (name.endsWith(".jsonl")) {
                List<String> docs = new ArrayList<>();
                com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
                for (String line : content.split("\n", -1)) {
                    docs.add(line.isBlank() ? "" : json.readTree(line).get("text").asText());
                }
                return docs;
            }
            return switch (docSplit) {
                case FILE -> List.of(content);
                case LINE -> Arrays.stream(content.split("\n", -1)).filter(l -> !l.isEmpty()).toList();
                case BLANK_LINE -> Arrays.stream(content.split("\n[ \t\r]*\n")).map(String::strip)
                        .filter(p -> !p.isEmpty()).toList();
            };
        }

        /** SHA-256 of the UTF-8 text, first 8 bytes big-endian, top 53 bits as a fraction. */
        static Split split(String text, double valFraction) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
                long h = java.nio.ByteBuffer.wrap(d).getLong();
                return (h >>> 11) / (double) (1L << 53) < valFraction ? Split.VAL : Split.TRAIN;
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        int[] stream(Split split) {
            List<Integer> stream = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                if (splits.get(i) == split) {
                    for (int id : tokenizer.encode(texts.get(i))) {
                        stream.add(id);
                    }
                    stream.add(tokenizer.endOfDocument());
                }
            }
            return stream.stream().mapToInt(Integer::intValue).toArray();
        }

        List<int[]> sequences(Split split, int sequenceTokens) {
            int[] stream = stream(split);
            List<int[]> out = new ArrayList<>();
            for (int start = 0; start + sequenceTokens <= stream.length; start += sequenceTokens) {
                out.add(Arrays.copyOfRange(stream, start, start + sequenceTokens));
            }
            return out;
        }

        long documents(Split split) {
            return splits.stream().filter(s -> s == split).count();
        }

        long tokens(Split split) {
            return stream(split).length;
        }
    }
}
