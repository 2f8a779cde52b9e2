package dev.mhcspark.datasets.tokenizer;

import java.io.Serializable;

/**
 * Text to token ids and back. Implementations are immutable, thread-safe and serialisable (Spark ships them to
 * executors inside closures): {@link ByteTokenizer}, {@link TiktokenTokenizer} and {@link BpeTokenizer}, built from
 * their specs by {@link Tokenizers#load}.
 *
 * <p>Contract every implementation is tested against: {@code decode(encode(s)).equals(s)} for every valid
 * Unicode string {@code s}; {@code encode} never emits a special token (special-looking text such as
 * {@code <|endoftext|>} is encoded as ordinary text); ids lie in {@code [0, vocabSize())}.
 */
public interface Tokenizer extends Serializable {

    /**
     * The spec this tokenizer was built from, as written in manifests: {@code byte},
     * {@code tiktoken:cl100k_base}, or {@code bpe:<path of the tokenizer file>}.
     */
    String spec();

    /** Number of ids, specials included: every id this tokenizer can emit or decode is below it. */
    int vocabSize();

    /** The id that separates documents in packed sequences. */
    int endOfDocument();

    int[] encode(String text);

    /** The text of {@code ids}; the end-of-document id decodes to nothing, other unknown ids are an error. */
    String decode(int[] ids);
}
