package dev.mhcspark.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteTokenizerTest {
    @Test
    void encodesUtf8BytesByHand() {
        // "é" is U+00E9 = C3 A9 in UTF-8; "€" is U+20AC = E2 82 AC
        assertArrayEquals(new int[] {0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC}, ByteTokenizer.encode("aé€"));
    }

    @Test
    void roundTripsAnyUnicode() {
        SplittableRandom r = new SplittableRandom(1);
        for (int rep = 0; rep < 200; rep++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                int cp;
                do {
                    cp = r.nextInt(0x10FFFF + 1);
                } while (cp >= 0xD800 && cp <= 0xDFFF);  // surrogates are not Unicode scalar values
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertEquals(s, ByteTokenizer.decode(ByteTokenizer.encode(s)));
        }
    }

    @Test
    void rejectsNonByteIds() {
        assertThrows(IllegalArgumentException.class, () -> ByteTokenizer.decode(new int[] {256}));
    }

    @Test
    void windowsSplitDeterministicallyAndNeverStraddle() {
        int[] tokens = new int[1000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        TokenWindows w = new TokenWindows(tokens, 16, 0.1);
        assertEquals(900, w.trainTokens());
        for (int[] win : w.trainBatch(64, new SplittableRandom(3))) {
            assertEquals(17, win.length);
            assertEquals(win[0] + 16, win[16]);
            assertEquals(true, win[16] < 900);
        }
        assertArrayEquals(w.validationBatch(1, 3, 4), w.validationBatch(1, 3, 4));
        for (int[] win : w.validationBatch(2, 3, 4)) {
            assertEquals(true, win[0] >= 900 && win[16] < 1000);
        }
        assertThrows(IllegalArgumentException.class, () -> new TokenWindows(new int[20], 16, 0.1));
    }
}
