package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mhcspark.datasets.tokenize.CorpusSettings.TextNormalization;
import java.text.Normalizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The normalisations against the JDK's normaliser, which they skip for text they know to be unchanged. */
class TextNormalizationTest {

    @Test
    void everyCharacterAndPairBelowTheFastPathLimitIsAlreadyNormalised() {
        // The fast path returns such text as it is; the JDK must agree for each character and each pair.
        assertUnchangedBelow(Normalizer.Form.NFC, 0x300);
        assertUnchangedBelow(Normalizer.Form.NFKC, 0xA0);
    }

    private static void assertUnchangedBelow(Normalizer.Form form, int limit) {
        for (char a = 0; a < limit; a++) {
            for (char b = 0; b < limit; b++) {
                String s = new String(new char[] {a, b});
                if (!Normalizer.isNormalized(s, form)) {
                    throw new AssertionError(form + " changes U+" + Integer.toHexString(a) + " U+"
                            + Integer.toHexString(b));
                }
            }
        }
    }

    @Test
    void theFirstCharacterAtTheLimitCanChange() {
        assertEquals("\u00C0", TextNormalization.NFC.apply("A\u0300"));
        assertEquals(" ", TextNormalization.NFKC.apply("\u00A0"));
        assertEquals("A\u0300", TextNormalization.NONE.apply("A\u0300"));
    }

    @Test
    void matchesTheJdkOnRandomTextOfEveryRange() {
        Random random = new Random(7);
        char[] alphabet = "aZ 9\n\u00E9\u00A0\u00B4\u0130\u0300\u0301\u0327\u1E9B\u2126\uFB01\uAC00\u1100\u1161\u11A8"
                .toCharArray();
        for (int n = 0; n < 20_000; n++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = random.nextInt(3) == 0 ? (char) random.nextInt(0x2FF)
                        : alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(chars);
            assertEquals(Normalizer.normalize(s, Normalizer.Form.NFC), TextNormalization.NFC.apply(s), s);
            assertEquals(Normalizer.normalize(s, Normalizer.Form.NFKC), TextNormalization.NFKC.apply(s), s);
            assertSame(s, TextNormalization.NONE.apply(s));
        }
    }
}
