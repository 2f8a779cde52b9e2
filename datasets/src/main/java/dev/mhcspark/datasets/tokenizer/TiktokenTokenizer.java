package dev.mhcspark.datasets.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One of OpenAI's tiktoken encodings (spec {@code tiktoken:<encoding>}, e.g. {@code tiktoken:cl100k_base}), as
 * implemented by jtokkit, which bundles the vocabularies: no download at run time. Text that looks like a special
 * token ({@code <|endoftext|>}) is encoded as ordinary text; the encoding's own {@code <|endoftext|>} id separates
 * documents.
 */
public final class TiktokenTokenizer implements Tokenizer {
    public static final String SPEC_PREFIX = "tiktoken:";

    /**
     * Lazy, so that asking for cl100k_base does not also load o200k_base's 200k-entry vocabulary; shared by every
     * instance of the JVM (executors deserialise one tokenizer per task), and thread-safe.
     */
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private final EncodingType type;
    private final int vocabSize;
    private final int endOfDocument;
    private final transient Encoding encoding;

    private TiktokenTokenizer(EncodingType type) {
        Vocabulary vocabulary = Vocabulary.of(type);
        this.type = type;
        this.vocabSize = vocabulary.size;
        this.endOfDocument = vocabulary.endOfText;
        this.encoding = REGISTRY.getEncoding(type);
    }

    /**
     * The tokenizer of a tiktoken encoding named as tiktoken names it ({@code cl100k_base}, {@code o200k_base},
     * {@code p50k_base}, {@code p50k_edit}, {@code r50k_base}); anything else is an IllegalArgumentException that
     * lists the known names.
     */
    public static TiktokenTokenizer of(String encodingName) {
        EncodingType type = EncodingType.fromName(encodingName).orElseThrow(() -> new IllegalArgumentException(
                "tokenizer " + SPEC_PREFIX + encodingName + ": unknown tiktoken encoding '" + encodingName
                        + "'; known: " + knownEncodings()));
        return new TiktokenTokenizer(type);
    }

    /** The encoding names {@link #of} accepts, comma-separated. */
    public static String knownEncodings() {
        return Arrays.stream(EncodingType.values()).map(EncodingType::getName).collect(Collectors.joining(", "));
    }

    @Override
    public String spec() {
        return SPEC_PREFIX + type.getName();
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int endOfDocument() {
        return endOfDocument;
    }

    @Override
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] ids) {
        IntArrayList kept = new IntArrayList(ids.length);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id == endOfDocument) {
                continue;
            }
            if (id < 0 || id >= vocabSize) {
                throw unknownId(id, i);
            }
            kept.add(id);
        }
        try {
            return encoding.decode(kept);
        } catch (NullPointerException e) {
            // jtokkit's way of saying "no such token": the vocabularies have holes below n_vocab (cl100k_base has
            // no ids 100261..100275), so find the culprit to name it
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] != endOfDocument && !decodes(ids[i])) {
                    throw unknownId(ids[i], i);
                }
            }
            throw e;
        }
    }

    private boolean decodes(int id) {
        IntArrayList one = new IntArrayList(1);
        one.add(id);
        try {
            encoding.decodeBytes(one);
            return true;
        } catch (NullPointerException e) {
            return false;
        }
    }

    private IllegalArgumentException unknownId(int id, int position) {
        return new IllegalArgumentException("token id " + id + " at " + position + " is not in the vocabulary of "
                + spec() + " (" + vocabSize + " ids, not all of them used)");
    }

    @Override
    public String toString() {
        return spec();
    }

    /**
     * Vocabulary size (n_vocab, specials included) and {@code <|endoftext|>} id of each encoding, from tiktoken's
     * tiktoken_ext/openai_public.py (explicit_n_vocab where given, else the highest special id + 1): jtokkit knows
     * these ids but does not expose them.
     */
    private enum Vocabulary {
        R50K_BASE(50_257, 50_256),
        P50K_BASE(50_281, 50_256),
        P50K_EDIT(50_284, 50_256),
        CL100K_BASE(100_277, 100_257),
        O200K_BASE(200_019, 199_999);

        final int size;
        final int endOfText;

        Vocabulary(int size, int endOfText) {
            this.size = size;
            this.endOfText = endOfText;
        }

        static Vocabulary of(EncodingType type) {
            try {
                return valueOf(type.name());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("tiktoken encoding " + type.getName() + " is known to jtokkit but "
                        + "not to TiktokenTokenizer.Vocabulary: add its n_vocab and <|endoftext|> id there", e);
            }
        }
    }

    // Java serialisation ships the encoding's name only; the receiving JVM takes the encoding from its registry.

    @Serial
    private Object writeReplace() {
        return new SerializedForm(type.getName());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("TiktokenTokenizer is serialised through its SerializedForm");
    }

    private record SerializedForm(String encodingName) implements Serializable {
        @Serial
        private Object readResolve() {
            return of(encodingName);
        }
    }
}
