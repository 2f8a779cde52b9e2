package dev.mhcspark.datasets.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteTokenizerTest {
    private final ByteTokenizer bytes = ByteTokenizer.INSTANCE;

    @Test
    void encodesUtf8BytesByHand() {
        // "é" is U+00E9 = C3 A9 in UTF-8; "€" is U+20AC = E2 82 AC
        assertArrayEquals(new int[] {0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC}, bytes.encode("aé€"));
        assertEquals(257, bytes.vocabSize());
        assertEquals("byte", bytes.spec());
    }

    @Test
    void roundTripsAnyUnicode() {
        SplittableRandom r = new SplittableRandom(1);
        for (int rep = 0; rep < 200; rep++) {
            String s = RandomText.anyCodePoints(r, 50);
            assertEquals(s, bytes.decode(bytes.encode(s)));
        }
    }

    @Test
    void endOfDocumentDecodesToNothing() {
        assertEquals("ab", bytes.decode(new int[] {0x61, 256, 0x62, 256}));
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        assertThrows(IllegalArgumentException.class, () -> bytes.decode(new int[] {257}));
        assertThrows(IllegalArgumentException.class, () -> bytes.decode(new int[] {-1}));
    }

    @Test
    void staysASingletonThroughSerialisation() {
        assertSame(ByteTokenizer.INSTANCE, Serialisation.roundTrip(bytes));
    }
}
