package dev.mhcspark.datasets.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encoding, decoding and the tokenizer file, with hand-made vocabularies (no Spark). */
class BpeTokenizerTest {
    @TempDir
    Path dir;

    /** The merges of BpeMergeLearnerTest's hand-worked example: ug, un, hug, pun, pug, hugs, bun = 256..262. */
    static BpeVocabulary hugs() {
        int[][] merges = BpeMergeLearnerTest.HUGS_MERGES;
        return new BpeVocabulary(BpeVocabulary.DEFAULT_PATTERN, Arrays.stream(merges).mapToInt(m -> m[0]).toArray(),
                Arrays.stream(merges).mapToInt(m -> m[1]).toArray(), Map.of("corpus", "hugs"));
    }

    @Test
    void encodesByHand() throws IOException {
        BpeTokenizer tokenizer = BpeTokenizer.save(hugs(), dir.resolve("hugs.json"));
        assertArrayEquals(new int[] {261}, tokenizer.encode("hugs"));
        assertArrayEquals(new int[] {98, 256}, tokenizer.encode("bug"));  // b + ug
        // u n h u g: ug (rank 0) -> u n h ug; un (1) -> un h ug; h+ug (2) -> un hug
        assertArrayEquals(new int[] {257, 258}, tokenizer.encode("unhug"));
        // pieces "hug", " pug", "!": the space stays a byte (no merge has it), p+ug after ug
        assertArrayEquals(new int[] {258, 32, 260, 33}, tokenizer.encode("hug pug!"));
        assertEquals(264, tokenizer.vocabSize());
        assertEquals(263, tokenizer.endOfDocument());
        assertEquals("hug pug!", tokenizer.decode(new int[] {263, 258, 32, 260, 263, 33, 263}));
    }

    @Test
    void neverEmitsEndOfDocumentAndRoundTripsAnyUnicode() throws IOException {
        BpeTokenizer tokenizer = BpeTokenizer.save(hugs(), dir.resolve("hugs.json"));
        SplittableRandom r = new SplittableRandom(5);
        for (int rep = 0; rep < 300; rep++) {
            String s = rep % 2 == 0 ? RandomText.anyCodePoints(r, 1 + r.nextInt(60)) : RandomText.mixed(r, 30);
            int[] ids = tokenizer.encode(s);
            for (int id : ids) {
                assertTrue(id >= 0 && id < tokenizer.endOfDocument(), "id " + id);
            }
            assertEquals(s, tokenizer.decode(ids));
        }
        assertEquals("<|endoftext|>", tokenizer.decode(tokenizer.encode("<|endoftext|>")));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {264}));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {-1}));
    }

    @Test
    void heapAndScanMergeAlikeAndMatchTheNaiveOracle() {
        // a vocabulary rich in overlapping merges: trained on random words over a 3-letter alphabet
        SplittableRandom r = new SplittableRandom(9);
        Map<String, Long> corpus = new java.util.LinkedHashMap<>();
        for (int w = 0; w < 200; w++) {
            corpus.merge(randomWord(r, 1 + r.nextInt(12)), 1L + r.nextInt(4), Long::sum);
        }
        List<int[]> merges = NaiveBpe.learn(corpus, 150, 2);
        BytePairMerger merger = new BytePairMerger(new PairRanks(merges.stream().mapToInt(m -> m[0]).toArray(),
                merges.stream().mapToInt(m -> m[1]).toArray()));
        for (int rep = 0; rep < 500; rep++) {
            byte[] piece = randomWord(r, 1 + r.nextInt(rep < 450 ? 20 : 300)).getBytes(StandardCharsets.UTF_8);
            int[] expected = NaiveBpe.encode(piece, merges);
            assertArrayEquals(expected, merger.mergeByScan(piece));
            assertArrayEquals(expected, merger.mergeByHeap(piece));
        }
    }

    private static String randomWord(SplittableRandom r, int length) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) {
            word.append("aab".charAt(r.nextInt(3)));
        }
        return word.toString();
    }

    @Test
    void longPiecesAndLongTextsRoundTrip() throws IOException {
        BpeTokenizer tokenizer = BpeTokenizer.save(hugs(), dir.resolve("hugs.json"));
        String run = "hug".repeat(100_000);  // one 300,000-char letter run: cut into pieces, merged by heap
        int[] ids = tokenizer.encode(run);
        assertEquals(run, tokenizer.decode(ids));
        assertTrue(ids.length <= 100_000 + run.length() / PreTokenizer.MAX_PIECE_CHARS + 1, ids.length + " ids");
        String line = "pun hugs bun, ".repeat(200_000);  // 2.8 MB on one line
        assertEquals(line, tokenizer.decode(tokenizer.encode(line)));
    }

    @Test
    void savesAndLoadsTheSameVocabularyAndHashesTheFile() throws Exception {
        Path file = dir.resolve("sub/dir/tokenizer.json");
        BpeTokenizer saved = BpeTokenizer.save(hugs(), file);
        BpeTokenizer loaded = BpeTokenizer.load(file);
        assertEquals("bpe:" + file.toAbsolutePath(), saved.spec());
        assertEquals(saved.spec(), loaded.spec());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertEquals(sha, saved.sha256());
        assertEquals(sha, loaded.sha256());
        assertArrayEquals(hugs().toJson(), loaded.vocabulary().toJson());
        assertEquals(Map.of("corpus", "hugs"), loaded.vocabulary().trainedOn());
        try (var siblings = Files.list(file.getParent())) {
            assertEquals(List.of("tokenizer.json"), siblings.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left behind");
        }
        String text = Files.readString(file);
        assertTrue(text.startsWith("{\n  \"format\": \"mhc-bpe\",\n  \"version\": 1,\n"), text);
        assertTrue(text.contains("\"special_tokens\": {\"<|endoftext|>\": 263}"), text);
        assertTrue(text.contains("\n    [117, 103],\n    [117, 110],\n"), text);
    }

    @Test
    void savesAndLoadsThroughHadoopFileSystems() throws IOException {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.toUri().toString(), "h/tokenizer.json");
        BpeTokenizer saved = BpeTokenizer.save(hugs(), file, conf);
        BpeTokenizer.save(hugs().withTrainedOn("again", true), file, conf);  // replaces it
        BpeTokenizer loaded = BpeTokenizer.load(file, conf);
        assertTrue(loaded.spec().startsWith("bpe:file:/"), loaded.spec());
        assertEquals(true, loaded.vocabulary().trainedOn().get("again"));
        assertArrayEquals(saved.encode("unhug pug"), loaded.encode("unhug pug"));
        assertEquals(loaded.sha256(), BpeTokenizer.load(dir.resolve("h/tokenizer.json")).sha256());
    }

    @Test
    void survivesJavaSerialisation() throws IOException {
        BpeTokenizer tokenizer = BpeTokenizer.save(hugs(), dir.resolve("hugs.json"));
        BpeTokenizer copy = Serialisation.roundTrip(tokenizer);
        assertEquals(tokenizer.spec(), copy.spec());
        assertEquals(tokenizer.sha256(), copy.sha256());
        assertArrayEquals(tokenizer.encode("unhug pug"), copy.encode("unhug pug"));
        assertEquals("unhug pug", copy.decode(copy.encode("unhug pug")));
    }

    @Test
    void corruptFilesAreNamedAndExplained() throws IOException {
        String good = new String(hugs().toJson(), StandardCharsets.UTF_8);
        assertLoadFails("not JSON", "{\"format\": \"mhc-bpe\", \"version\": ");
        assertLoadFails("not JSON", good + "garbage");
        assertLoadFails("expected a JSON object", "[1, 2]");
        assertLoadFails("format is 'hf-tokenizers', expected 'mhc-bpe'", good.replace("\"mhc-bpe\"",
                "\"hf-tokenizers\""));
        assertLoadFails("format is missing", "{\"version\": 1}");
        assertLoadFails("version 2 is not supported; this build reads version 1", good.replace("\"version\": 1",
                "\"version\": 2"));
        assertLoadFails("merge 2 [104, 999] refers to id 999, which is not defined before it (ids 0..257 are)",
                good.replace("[104, 256]", "[104, 999]"));
        assertLoadFails("merge 1 [117, 103] repeats merge 0", good.replace("[117, 110]", "[117, 103]"));
        assertLoadFails("merge 0 is [117], expected [left id, right id]", good.replace("[117, 103]", "[117]"));
        assertLoadFails("<|endoftext|> is 300, expected 263", good.replace(": 263}", ": 300}"));
        assertLoadFails("\"pattern\" must be a string", good.replaceFirst("\"pattern\": \".*\",", "\"pattern\": 5,"));
        assertLoadFails("pattern is not a Java regular expression", good.replaceFirst("\"pattern\": \".*\",",
                "\"pattern\": \"(unclosed\","));
    }

    private void assertLoadFails(String expected, String content) throws IOException {
        Path file = dir.resolve("corrupt.json");
        Files.writeString(file, content);
        IOException e = assertThrows(IOException.class, () -> BpeTokenizer.load(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.json");
        IOException e = assertThrows(IOException.class, () -> BpeTokenizer.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void encodesConcurrentlyWhileTheCacheFillsAndEmpties() throws Exception {
        BpeTokenizer tokenizer = BpeTokenizer.save(hugs(), dir.resolve("hugs.json"));
        SplittableRandom r = new SplittableRandom(2);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            texts.add(RandomText.mixed(r, 20_000));  // together, more distinct pieces than the cache holds
        }
        BpeTokenizer single = BpeTokenizer.load(dir.resolve("hugs.json"));  // another cache, one thread
        List<int[]> expected = texts.stream().map(single::encode).toList();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < texts.size(); t++) {
            int k = t;
            threads.add(new Thread(() -> {
                try {
                    assertArrayEquals(expected.get(k), tokenizer.encode(texts.get(k)));
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failures);
    }
}
