package dev.mhcspark.datasets.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TiktokenTokenizerTest {
    private static final String[] ENCODINGS = {"r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base"};

    /**
     * Ids published by OpenAI. [T] is tiktoken's own test suite, openai/tiktoken tests/test_encoding.py (test_simple,
     * test_basic_encode, test_simple_regex, test_encode_surrogate_pairs, test_simple_repeated; "gpt2" there has the
     * same ranks and pattern as r50k_base). [C] is the OpenAI cookbook,
     * openai/openai-cookbook examples/How_to_count_tokens_with_tiktoken.ipynb ("tiktoken is great!" and
     * compare_encodings; o200k_base in the revision that encodes with gpt-4o-mini).
     */
    @Test
    void matchesPublishedTiktokenIds() {
        expect("r50k_base", "hello world", 31373, 995);                       // [T] test_simple, test_basic_encode
        expect("p50k_base", "hello world", 31373, 995);                       // [T] test_basic_encode
        expect("r50k_base", "0000", 2388);                                     // [T] test_simple_repeated
        expect("r50k_base", "00000000000", 8269, 830);                         // [T] test_simple_repeated
        expect("r50k_base", "antidisestablishmentarianism", 415, 29207, 44390, 3699, 1042);  // [C]
        expect("p50k_base", "2 + 2 = 4", 17, 1343, 362, 796, 604);             // [C]
        expect("cl100k_base", "hello world", 15339, 1917);                    // [T] test_simple
        expect("cl100k_base", " \u00850", 220, 126, 227, 15);                  // [T] test_basic_encode
        expect("cl100k_base", "'rer", 2351, 81);                               // [T] test_simple_regex
        expect("cl100k_base", "today\n \n", 31213, 27907);                     // [T] test_simple_regex
        expect("cl100k_base", "today\n  \n", 31213, 14211);                    // [T] test_simple_regex
        expect("cl100k_base", "👍", 9468, 239, 235);                           // [T] test_encode_surrogate_pairs
        expect("cl100k_base", "tiktoken is great!", 83, 1609, 5963, 374, 2294, 0);            // [C]
        expect("cl100k_base", "antidisestablishmentarianism", 519, 85342, 34500, 479, 8997, 2191);  // [C]
        expect("cl100k_base", "お誕生日おめでとう", 33334, 45918, 243, 21990, 9080, 33334, 62004, 16556, 78699);  // [C]
        expect("o200k_base", "tiktoken is great!", 83, 8251, 2488, 382, 2212, 0);            // [C]
        expect("o200k_base", "antidisestablishmentarianism", 493, 129901, 376, 160388, 21203, 2367);  // [C]
        expect("o200k_base", "2 + 2 = 4", 17, 659, 220, 17, 314, 220, 19);     // [C]
        expect("o200k_base", "お誕生日おめでとう", 8930, 9697, 243, 128225, 8930, 17693, 4344, 48669);  // [C]
    }

    private static void expect(String encoding, String text, int... ids) {
        TiktokenTokenizer tokenizer = TiktokenTokenizer.of(encoding);
        assertArrayEquals(ids, tokenizer.encode(text), encoding + " " + text);
        assertEquals(text, tokenizer.decode(ids));
    }

    /**
     * The end-of-text ids and vocabulary sizes are tiktoken's (tiktoken_ext/openai_public.py); here they are checked
     * against the vocabularies jtokkit actually bundles: the end-of-text id decodes to {@code <|endoftext|>}, the
     * last id below the vocabulary size decodes, and the vocabulary size itself does not.
     */
    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base"})
    void endOfTextAndVocabularySizeAgreeWithTheBundledVocabulary(String name) {
        TiktokenTokenizer tokenizer = TiktokenTokenizer.of(name);
        Encoding raw = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.fromName(name).orElseThrow());
        assertEquals("<|endoftext|>", raw.decode(list(tokenizer.endOfDocument())));
        raw.decodeBytes(list(tokenizer.vocabSize() - 1));
        assertThrows(NullPointerException.class, () -> raw.decodeBytes(list(tokenizer.vocabSize())));
        assertEquals("tiktoken:" + name, tokenizer.spec());
    }

    @Test
    void publishedSizes() {
        assertEquals(100_277, TiktokenTokenizer.of("cl100k_base").vocabSize());
        assertEquals(100_257, TiktokenTokenizer.of("cl100k_base").endOfDocument());
        assertEquals(200_019, TiktokenTokenizer.of("o200k_base").vocabSize());
        assertEquals(199_999, TiktokenTokenizer.of("o200k_base").endOfDocument());
        assertEquals(50_257, TiktokenTokenizer.of("r50k_base").vocabSize());
    }

    @Test
    void specialLookingTextIsOrdinaryText() {
        TiktokenTokenizer cl100k = TiktokenTokenizer.of("cl100k_base");
        int[] ids = cl100k.encode("a<|endoftext|>b<|fim_prefix|>");
        for (int id : ids) {
            assertTrue(id < 100_257, "special id " + id + " emitted");
        }
        assertEquals("a<|endoftext|>b<|fim_prefix|>", cl100k.decode(ids));
    }

    @Test
    void endOfDocumentDecodesToNothing() {
        TiktokenTokenizer cl100k = TiktokenTokenizer.of("cl100k_base");
        assertEquals("hello world", cl100k.decode(new int[] {100_257, 15339, 100_257, 1917, 100_257}));
    }

    @Test
    void unknownIdsAreNamed() {
        TiktokenTokenizer cl100k = TiktokenTokenizer.of("cl100k_base");
        IllegalArgumentException hole = assertThrows(IllegalArgumentException.class,
                () -> cl100k.decode(new int[] {15339, 100_261}));  // cl100k_base has no ids 100261..100275
        assertTrue(hole.getMessage().contains("100261 at 1"), hole.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cl100k.decode(new int[] {100_277}));
        assertThrows(IllegalArgumentException.class, () -> cl100k.decode(new int[] {-1}));
    }

    @Test
    void unknownEncodingListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TiktokenTokenizer.of("cl200k_base"));
        assertTrue(e.getMessage().contains("tiktoken:cl200k_base"), e.getMessage());
        for (String known : ENCODINGS) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "cl100k_base", "o200k_base"})
    void roundTripsRandomUnicode(String name) {
        TiktokenTokenizer tokenizer = TiktokenTokenizer.of(name);
        SplittableRandom r = new SplittableRandom(7);
        for (int rep = 0; rep < 300; rep++) {
            String s = rep % 2 == 0 ? RandomText.anyCodePoints(r, 1 + r.nextInt(60)) : RandomText.mixed(r, 30);
            int[] ids = tokenizer.encode(s);
            for (int id : ids) {
                assertTrue(id >= 0 && id < tokenizer.vocabSize() && id != tokenizer.endOfDocument());
            }
            assertEquals(s, tokenizer.decode(ids));
        }
        assertArrayEquals(new int[0], tokenizer.encode(""));
    }

    @Test
    void survivesJavaSerialisation() {
        TiktokenTokenizer cl100k = TiktokenTokenizer.of("cl100k_base");
        TiktokenTokenizer copy = Serialisation.roundTrip(cl100k);
        assertEquals("tiktoken:cl100k_base", copy.spec());
        assertEquals(100_277, copy.vocabSize());
        assertArrayEquals(new int[] {15339, 1917}, copy.encode("hello world"));
        assertFalse(copy == cl100k);
    }

    private static IntArrayList list(int id) {
        IntArrayList list = new IntArrayList(1);
        list.add(id);
        return list;
    }
}
