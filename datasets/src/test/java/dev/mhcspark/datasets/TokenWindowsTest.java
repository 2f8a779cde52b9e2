package dev.mhcspark.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenWindowsTest {
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
            assertTrue(win[16] < 900);
        }
        assertArrayEquals(w.validationBatch(1, 3, 4), w.validationBatch(1, 3, 4));
        for (int[] win : w.validationBatch(2, 3, 4)) {
            assertTrue(win[0] >= 900 && win[16] < 1000);
        }
        assertThrows(IllegalArgumentException.class, () -> new TokenWindows(new int[20], 16, 0.1));
    }
}
