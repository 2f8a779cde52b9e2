package dev.mhcspark.datasets.tokenizer;

import java.util.SplittableRandom;

/** Random valid Unicode text for round-trip properties. */
final class RandomText {
    /** Pieces that stress tokenizers: astral code points, emoji with joiners, CJK, combining marks, specials. */
    private static final String[] TRICKY = {
        "<|endoftext|>", "<|fim_prefix|>", "👍", "👩‍👩‍👧", "🏳️‍🌈", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "日本語のテキスト", "中文", "한국어",
        "e\u0301", "a\u0308\u0323", "ﷺ", "\r\n", "\n\n\n", "   ", "\t", "I'm", "they'll", "don't", "123456789",
        "x".repeat(300), " ".repeat(40), "\u00a0", "\u2028", "\u200b", "ÀÉÎÕÜ", "Ωμέγα", "Привет",
    };

    private RandomText() {
    }

    /** {@code n} code points drawn uniformly from all Unicode scalar values (surrogates excluded). */
    static String anyCodePoints(SplittableRandom r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int cp;
            do {
                cp = r.nextInt(0x10FFFF + 1);
            } while (cp >= 0xD800 && cp <= 0xDFFF);  // surrogates are not Unicode scalar values
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    /** {@code n} code points drawn from {@code alphabet}'s. */
    static String fromAlphabet(SplittableRandom r, String alphabet, int n) {
        int[] codePoints = alphabet.codePoints().toArray();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(codePoints[r.nextInt(codePoints.length)]);
        }
        return sb.toString();
    }

    /** A mix of ASCII words, tricky pieces and random code points, closer to what a tokenizer meets. */
    static String mixed(SplittableRandom r, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            switch (r.nextInt(4)) {
                case 0 -> sb.append(TRICKY[r.nextInt(TRICKY.length)]);
                case 1 -> sb.append(anyCodePoints(r, 1 + r.nextInt(4)));
                default -> {
                    sb.append(r.nextBoolean() ? " " : "");
                    int len = 1 + r.nextInt(8);
                    for (int k = 0; k < len; k++) {
                        sb.append((char) ('a' + r.nextInt(26)));
                    }
                }
            }
        }
        return sb.toString();
    }
}
