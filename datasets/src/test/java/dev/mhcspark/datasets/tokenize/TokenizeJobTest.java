package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.tokenize.CorpusSettings.DocSplit;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InputFormat;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InvalidUtf8Policy;
import dev.mhcspark.datasets.tokenize.CorpusSettings.TextNormalization;
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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
        CorpusSettings corpus = new CorpusSettings(inputs, split, InputFormat.AUTO, "text", TextNormalization.NFC,
                InvalidUtf8Policy.FAIL, false, 1 << 16);
        return new TokenizeSettings(corpus, output, "byte", seqLen, valFraction, shards, false, false);
    }

    static DatasetManifest run(TokenizeSettings settings, Tokenizer tokenizer) {
        TokenizeJob job = new TokenizeJob(spark, settings, (spec, docs, dir) -> tokenizer, line -> { });
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

    @ParameterizedTest
    @ValueSource(strings = {"byte", "tiktoken:cl100k_base", "bpe:400"})
    void shardsHoldExactlyTheOracleTokenStream(String spec) throws IOException {
        Path corpus = corpus();
        String out = tmp.resolve("ds").toString();
        int seqLen = 63;
        double val = 0.25;
        TokenizeSettings settings = new TokenizeSettings(
                settings(List.of(corpus.toString()), out, seqLen, val, 3, DocSplit.FILE).corpus(), out, spec, seqLen,
                val, 3, false, false);
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest manifest = new TokenizeJob(spark, settings, new DatasetTokenizer(conf, line -> { }),
                line -> { }).run();
        // bpe:400 is trained on this corpus by the job; the oracle encodes with the tokenizer the dataset names
        Tokenizer tokenizer = manifest.loadTokenizer(out, conf);
        assertEquals(spec.equals("byte") ? 257 : spec.equals("bpe:400") ? 400 : 100_277, tokenizer.vocabSize());

        Oracle oracle = Oracle.of(corpus, tokenizer, val, DocSplit.FILE);
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
            assertArrayEquals(oracle.firstDocuments(split, seqLen + 1),
                    ParquetShards.docIds(Path.of(out, split.dirName())), split + " doc_id of each sequence");
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

    @Test
    void sameInputGivesByteIdenticalShardsAndOtherShardCountsKeepTheSequences() throws IOException {
        Path corpus = corpus();
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        Path regrouped = tmp.resolve("regrouped");
        run(settings(List.of(corpus.toString()), first.toString(), 31, 0.2, 3, DocSplit.FILE), ByteTokenizer.INSTANCE);
        run(settings(List.of(corpus.toString()), second.toString(), 31, 0.2, 3, DocSplit.FILE), ByteTokenizer.INSTANCE);
        run(settings(List.of(corpus.toString()), regrouped.toString(), 31, 0.2, 7, DocSplit.FILE),
                ByteTokenizer.INSTANCE);
        for (Split split : Split.values()) {
            List<Path> a = ParquetShards.partFiles(first.resolve(split.dirName()));
            List<Path> b = ParquetShards.partFiles(second.resolve(split.dirName()));
            assertEquals(a.stream().map(Path::getFileName).toList(), b.stream().map(Path::getFileName).toList());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i) + " differs");
            }
            List<int[]> three = ParquetShards.readWithParquet(first.resolve(split.dirName()));
            List<int[]> seven = ParquetShards.readWithParquet(regrouped.resolve(split.dirName()));
            assertEquals(three.size(), seven.size());
            for (int i = 0; i < three.size(); i++) {
                assertArrayEquals(three.get(i), seven.get(i));
            }
        }
        assertEquals(7, ParquetShards.partFiles(regrouped.resolve("train")).size());
    }

    @Test
    void lineAndBlankLineDocumentsMatchTheOracle() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("paragraphs"));
        Files.writeString(dir.resolve("p.txt"), "\n\nFirst paragraph,\nstill first.\n\n\n  \nSecond one\r\nends here\r\n"
                + "\r\nThird.\n   \nFourth\n");
        Files.writeString(dir.resolve("q.txt"), "only line without newline");
        for (DocSplit mode : List.of(DocSplit.LINE, DocSplit.BLANK_LINE)) {
            String out = tmp.resolve("ds-" + mode).toString();
            run(settings(List.of(dir.toString()), out, 4, 0.0, 2, mode), ByteTokenizer.INSTANCE);
            Oracle oracle = Oracle.of(dir, ByteTokenizer.INSTANCE, 0.0, mode);
            List<int[]> expected = oracle.sequences(Split.TRAIN, 5);
            List<int[]> actual = ParquetShards.readWithParquet(Path.of(out, "train"));
            assertEquals(expected.size(), actual.size(), mode.toString());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), mode + " sequence " + i);
            }
        }
        assertEquals(List.of("First paragraph,\nstill first.", "Second one\r\nends here", "Third.", "Fourth"),
                Oracle.documents(dir.resolve("p.txt"), DocSplit.BLANK_LINE));
    }

    @Test
    void aFileLargerThanAPartitionIsReadInSlicesWithTheSameResult() throws IOException {
        // 1.1 MB of paragraphs and the same as JSON Lines, in 64 KiB partitions: ~17 slices each
        Path dir = Files.createDirectories(tmp.resolve("big-files"));
        String shakespeare = Files.readString(Path.of("../data/corpora/tinyshakespeare.txt"));
        Files.writeString(dir.resolve("s.txt"), shakespeare);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder jsonl = new StringBuilder();
        for (String line : shakespeare.split("\n")) {
            jsonl.append(line.isBlank() ? "" : json.writeValueAsString(java.util.Map.of("text", line))).append('\n');
        }
        Files.writeString(dir.resolve("t.jsonl"), jsonl);
        for (DocSplit mode : List.of(DocSplit.LINE, DocSplit.BLANK_LINE)) {
            String out = tmp.resolve("big-ds-" + mode).toString();
            List<String> console = new ArrayList<>();
            DatasetManifest manifest = new TokenizeJob(spark, settings(List.of(dir.toString()), out, 255, 0.1, 2, mode),
                    (spec, docs, d) -> ByteTokenizer.INSTANCE, console::add).run();
            assertTrue(console.stream().anyMatch(l -> l.matches("tokenize: .* in [3-9][0-9] partition\\(s\\).*")),
                    console.toString());  // two files of 1.1 and 1.5 MB: 18 + 23 slices
            Oracle oracle = Oracle.of(dir, ByteTokenizer.INSTANCE, 0.1, mode);
            for (Split split : Split.values()) {
                List<int[]> expected = oracle.sequences(split, 256);
                List<int[]> actual = ParquetShards.readWithParquet(Path.of(out, split.dirName()));
                assertEquals(expected.size(), actual.size(), mode + " " + split);
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i), actual.get(i), mode + " " + split + " sequence " + i);
                }
                assertEquals(oracle.documents(split), manifest.split(split.dirName()).documents());
                long[] docIds = ParquetShards.docIds(Path.of(out, split.dirName()));
                for (int i = 1; i < docIds.length; i++) {
                    assertTrue(docIds[i] >= docIds[i - 1], "doc_id never decreases along a split");
                }
            }
        }
    }

    @Test
    void longDocumentsAreCutWherePreTokenizationCutsSoTokensAreUnchanged() throws IOException {
        Tokenizer cl100k = dev.mhcspark.datasets.tokenizer.TiktokenTokenizer.of("cl100k_base");
        String text = Files.readString(Path.of("../data/corpora/tinyshakespeare.txt")).substring(0, 60_000)
                + " wordwithoutspaces".repeat(200) + "x".repeat(5000) + "\u00e9\ud83d\ude00".repeat(3000);
        Path file = Files.writeString(tmp.resolve("long.txt"), text);
        FileSlice input = FileSlice.whole(
                new InputFile(0, file.toUri().toString(), Files.size(file), "", InputFormat.TEXT, -1));
        for (int pieceChars : new int[] {1000, 7777}) {
            List<DocumentPiece> pieces = new ArrayList<>();
            DocumentReader.readAll(List.of(input).iterator(), settings(List.of(file.toString()), "unused", 8, 0, 1,
                    DocSplit.FILE).corpus(), new org.apache.hadoop.conf.Configuration(), new PartitionStats(), pieceChars)
                    .forEachRemaining(pieces::add);
            assertTrue(pieces.size() >= text.length() / (2 * pieceChars), pieces.size() + " pieces");
            assertTrue(pieces.get(0).first() && pieces.get(pieces.size() - 1).last());
            StringBuilder joined = new StringBuilder();
            List<Integer> tokens = new ArrayList<>();
            for (DocumentPiece piece : pieces) {
                assertTrue(piece.text().length() <= 2 * pieceChars + 1);
                joined.append(piece.text());
                for (int id : cl100k.encode(piece.text())) {
                    tokens.add(id);
                }
            }
            assertEquals(text, joined.toString());
            int[] whole = cl100k.encode(text);
            // the run of 5000 x's has no safe cut, so it is cut at code points: compare everything before it
            // (its pre-token starts at the last " wordwithoutspaces")
            int prefix = cl100k.encode(text.substring(0, text.lastIndexOf(" wordwithoutspaces"))).length;
            assertTrue(prefix > 10_000);
            assertArrayEquals(Arrays.copyOf(whole, prefix),
                    tokens.subList(0, prefix).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void dedupKeepsTheFirstCopyInInputOrder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dups"));
        Files.writeString(dir.resolve("a.txt"), "alpha\nbeta\ngamma\nalpha\n");
        Files.writeString(dir.resolve("b.txt"), "beta\ndelta\nCafe\u0301\n");
        Files.writeString(dir.resolve("c.txt"), "Caf\u00e9\ngamma\nepsilon\n");  // NFC makes the cafés equal
        TokenizeSettings plain = settings(List.of(dir.toString()), tmp.resolve("plain").toString(), 3, 0.0, 1,
                DocSplit.LINE);
        TokenizeSettings dedup = new TokenizeSettings(plain.corpus(), tmp.resolve("dedup").toString(), "byte", 3,
                0.0, 1, true, false);
        assertEquals(10, run(plain, ByteTokenizer.INSTANCE).split("train").documents());
        DatasetManifest manifest = run(dedup, ByteTokenizer.INSTANCE);
        assertEquals(6, manifest.split("train").documents(), "alpha beta gamma delta café epsilon");
        assertEquals(4L, manifest.droppedDocuments().get("duplicate"));
        String expected = "alpha\u0100beta\u0100gamma\u0100delta\u0100Caf\u00e9\u0100epsilon\u0100";
        int[] stream = ByteTokenizer.INSTANCE.encode(expected.replace("\u0100", "\n"));
        for (int i = 0; i < stream.length; i++) {
            stream[i] = stream[i] == '\n' ? ByteTokenizer.END_OF_DOCUMENT : stream[i];
        }
        List<int[]> rows = ParquetShards.readWithParquet(tmp.resolve("dedup").resolve("train"));
        assertEquals(stream.length / 4, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertArrayEquals(Arrays.copyOfRange(stream, 4 * i, 4 * i + 4), rows.get(i));
        }
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
                case LINE -> Arrays.stream(content.split("\r?\n", -1)).filter(l -> !l.isEmpty()).toList();
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

        /** The document id (input index * 2^40 + ordinal) of each sequence's first token. */
        long[] firstDocuments(Split split, int sequenceTokens) {
            List<Long> owners = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                if (splits.get(i) == split) {
                    long id = (ids.get(i)[0] << 40) + ids.get(i)[1];
                    for (int k = tokenizer.encode(texts.get(i)).length; k >= 0; k--) {
                        owners.add(id);
                    }
                }
            }
            long[] out = new long[owners.size() / sequenceTokens];
            for (int i = 0; i < out.length; i++) {
                out[i] = owners.get(i * sequenceTokens);
            }
            return out;
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
