package dev.mhcspark.datasets;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level tokenizer: a token is one byte of the UTF-8 encoding (vocabulary 256). Lossless for any valid
 * Unicode string, needs no training, and is what the single-process trainer uses on raw text.
 */
public final class ByteTokenizer {
    public static final int VOCAB_SIZE = 256;

    private ByteTokenizer() {
    }

    public static int[] encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    public static int[] encode(byte[] utf8) {
        int[] ids = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            ids[i] = utf8[i] & 0xFF;
        }
        return ids;
    }

    public static String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token id " + ids[i] + " at " + i + " is not a byte (0..255)");
            }
            bytes[i] = (byte) ids[i];
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
