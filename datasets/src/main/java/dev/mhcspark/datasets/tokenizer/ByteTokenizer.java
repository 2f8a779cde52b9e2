package dev.mhcspark.datasets.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level tokenizer (spec {@code byte}): ids 0..255 are the bytes of the UTF-8 encoding, id 256 is the
 * end-of-document separator. Lossless for any valid Unicode string and needs no training. An enum, so that the
 * one instance stays one instance through Java serialisation.
 */
public enum ByteTokenizer implements Tokenizer {
    INSTANCE;

    public static final String SPEC = "byte";
    public static final int END_OF_DOCUMENT = 256;
    public static final int VOCAB_SIZE = END_OF_DOCUMENT + 1;

    @Override
    public String spec() {
        return SPEC;
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int endOfDocument() {
        return END_OF_DOCUMENT;
    }

    @Override
    public int[] encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The ids of raw bytes, taken as they are (a file need not be valid UTF-8 to be trained on byte by byte). */
    public int[] encode(byte[] utf8) {
        int[] ids = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            ids[i] = utf8[i] & 0xFF;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id == END_OF_DOCUMENT) {
                continue;
            }
            if (id < 0 || id > 255) {
                throw new IllegalArgumentException("token id " + id + " at " + i + " is neither a byte (0..255) nor "
                        + "the end-of-document id " + END_OF_DOCUMENT);
            }
            bytes[n++] = (byte) id;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
