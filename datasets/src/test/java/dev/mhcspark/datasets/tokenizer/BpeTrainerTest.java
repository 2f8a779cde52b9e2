package dev.mhcspark.datasets.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BPE training on a real local Spark session: the bundled corpus, hand-made corpora and the naive oracle. */
class BpeTrainerTest {
    static final Path CORPUS = Path.of("..", "data", "corpora", "tinyshakespeare.txt");

    static SparkSession spark;
    static JavaSparkContext sc;
    static String shakespeare;
    static BpeVocabulary shakespeare1024;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainOnceOnTheBundledCorpus() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("BpeTrainerTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        shakespeare = Files.readString(CORPUS);
        shakespeare1024 = new BpeTrainer(BpeTrainer.Options.of(1024)).train(speeches());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** The corpus as documents: its blank-line separated speeches, 4 partitions. */
    static JavaRDD<String> speeches() {
        return sc.parallelize(Arrays.asList(shakespeare.split("\n\n")), 4);
    }

    @Test
    void compressesTheCorpusBetterThanBytes() throws IOException {
        assertEquals(1024, shakespeare1024.vocabSize());
        BpeTokenizer tokenizer = BpeTokenizer.save(shakespeare1024, dir.resolve("tokenizer.json"));
        int bytes = ByteTokenizer.INSTANCE.encode(shakespeare).length;
        int tokens = tokenizer.encode(shakespeare).length;
        double ratio = (double) bytes / tokens;
        // measured: 1,115,394 bytes -> 434,869 tokens, 2.56 bytes per token (cl100k_base: 3.70 with 100k ids)
        assertTrue(ratio > 2.5, "bytes per token " + ratio);
        Map<String, Object> trainedOn = shakespeare1024.trainedOn();
        assertEquals((long) bytes - 2L * (shakespeare.split("\n\n").length - 1), trainedOn.get("bytes"),
                "the speeches' bytes (the corpus less the blank lines between them)");
        assertEquals(false, trainedOn.get("stopped_early"));
    }

    @Test
    void roundTripsTheCorpusAndRandomUnicode() throws IOException {
        BpeTokenizer tokenizer = BpeTokenizer.save(shakespeare1024, dir.resolve("tokenizer.json"));
        assertEquals(shakespeare, tokenizer.decode(tokenizer.encode(shakespeare)));
        SplittableRandom r = new SplittableRandom(13);
        for (int rep = 0; rep < 300; rep++) {
            String s = rep % 2 == 0 ? RandomText.anyCodePoints(r, 1 + r.nextInt(60)) : RandomText.mixed(r, 30);
            assertEquals(s, tokenizer.decode(tokenizer.encode(s)));
        }
    }

    @Test
    void isDeterministic() {
        // other partitions, other document order: the counts are the same, so are the merges
        List<String> shuffled = new ArrayList<>(Arrays.asList(shakespeare.split("\n\n")));
        java.util.Collections.shuffle(shuffled, new java.util.Random(1));
        BpeVocabulary again = new BpeTrainer(BpeTrainer.Options.of(1024)).train(sc.parallelize(shuffled, 3));
        assertArrayEquals(shakespeare1024.toJson(), again.toJson());
    }

    @Test
    void learnsTheHandWorkedMergesAndEncodesByHand() throws IOException {
        List<String> documents = new ArrayList<>();
        BpeMergeLearnerTest.HUGS.forEach((word, count) -> {
            for (int i = 0; i < count; i++) {
                documents.add(word);  // one piece per document: no spaces
            }
        });
        BpeVocabulary vocabulary = new BpeTrainer(new BpeTrainer.Options(300, 1, 1000))
                .train(sc.parallelize(documents, 3));
        assertEquals(BpeMergeLearnerTest.HUGS_MERGES.length, vocabulary.mergeCount());
        for (int k = 0; k < vocabulary.mergeCount(); k++) {
            assertArrayEquals(BpeMergeLearnerTest.HUGS_MERGES[k], vocabulary.merge(k), "merge " + k);
        }
        assertEquals(true, vocabulary.trainedOn().get("stopped_early"), "7 merges of the 43 asked for");
        assertEquals(264, vocabulary.vocabSize());
        BpeTokenizer tokenizer = BpeTokenizer.save(vocabulary, dir.resolve("hugs.json"));
        assertArrayEquals(new int[] {257, 258}, tokenizer.encode("unhug"));  // see BpeTokenizerTest.encodesByHand
        assertArrayEquals(new int[] {262, 32, 261}, tokenizer.encode("bun hugs"));
    }

    @Test
    void agreesWithTheNaiveOracleOnASmallCorpus() {
        List<String> documents = List.of(
                "The cat sat on the mat. The cat ate the rat!",
                "That hat? That's the cat's hat, and the rat's mat.",
                "Cats, rats and bats: 123 cats, 4567 rats; at that, the end.\n\nThe  end\n",
                "the the the thethe  tthhee");
        Map<String, Long> pieces = new LinkedHashMap<>();
        PreTokenizer preTokenizer = new PreTokenizer(BpeVocabulary.DEFAULT_PATTERN);
        for (String document : documents) {
            for (Iterator<String> it = preTokenizer.pieces(document); it.hasNext(); ) {
                pieces.merge(it.next(), 1L, Long::sum);
            }
        }
        for (long minFrequency : new long[] {1, 2, 3}) {
            List<int[]> expected = NaiveBpe.learn(pieces, 100, minFrequency);
            BpeVocabulary trained = new BpeTrainer(new BpeTrainer.Options(257 + 100, minFrequency, 10_000))
                    .train(sc.parallelize(documents, 2));
            assertEquals(expected.size(), trained.mergeCount(), "min frequency " + minFrequency);
            for (int k = 0; k < expected.size(); k++) {
                assertArrayEquals(expected.get(k), trained.merge(k), "merge " + k + ", min frequency " + minFrequency);
            }
        }
    }

    @Test
    void keepsTheMostFrequentWordsWhenTooManyAreDistinct() {
        List<String> documents = List.of("aa aa aa aa bb bb bb cc cc dd");  // pieces: "aa", " aa", " bb", ...
        BpeVocabulary vocabulary = new BpeTrainer(new BpeTrainer.Options(300, 1, 2))
                .train(sc.parallelize(documents, 1));
        assertEquals(2L, ((Number) vocabulary.trainedOn().get("distinct_pieces_used")).longValue());
        assertEquals(5L, ((Number) vocabulary.trainedOn().get("distinct_pieces")).longValue());
        // kept: " aa" (3) and " bb" (3); merges: (32, a) 3 and (32, b) 3 tie -> a first; then " a"+a, " b"+b
        assertEquals(4, vocabulary.mergeCount());
        assertArrayEquals(new int[] {32, 'a'}, vocabulary.merge(0));
    }

    @Test
    void rejectsBadOptionsNamingTheSetting() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.Options.of(257));
        assertTrue(small.getMessage().contains("BPE vocab size: must be at least 258"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BpeTrainer.Options(1000, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new BpeTrainer.Options(1000, 2, 0));
        assertThrows(java.util.regex.PatternSyntaxException.class,
                () -> new BpeTrainer(BpeTrainer.Options.of(1000), "(unclosed"));
    }
}
