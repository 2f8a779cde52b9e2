package dev.mhcspark.datasets.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * What a byte-level BPE tokenizer is made of, as trained or read from its file: the pre-tokenization regex and the
 * merges in rank order. Ids: 0..255 are the bytes, {@code 256 + k} is merge {@code k}, and the id after the last
 * merge is {@code <|endoftext|>} (the end-of-document id). Immutable and serialisable.
 *
 * <p>The file (UTF-8 JSON), version 1:
 * <pre>{@code
 * {
 *   "format": "mhc-bpe",
 *   "version": 1,
 *   "pattern": "<Java regex, compiled with UNICODE_CHARACTER_CLASS>",
 *   "special_tokens": {"<|endoftext|>": <256 + number of merges>},
 *   "trained_on": {<provenance: counts and settings of the training run; optional>},
 *   "merges": [
 *     [<left id>, <right id>],
 *     ...
 *   ]
 * }
 * }</pre>
 * A merge may only join ids that exist before it (a byte or an earlier merge). Pieces longer than 4096 chars are cut
 * before merging (see PreTokenizer); a later version would have to record a different cut.
 */
public final class BpeVocabulary implements Serializable {
    public static final String FORMAT = "mhc-bpe";
    public static final int VERSION = 1;
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** The pattern the trainer uses unless told otherwise: tiktoken's cl100k_base pre-tokenizer. */
    public static final String DEFAULT_PATTERN = PreTokenizer.CL100K_PATTERN;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final String pattern;
    private final int[] left;
    private final int[] right;
    private final Map<String, Object> trainedOn;

    /**
     * @throws IllegalArgumentException if the pattern is not a Java regex, or a merge joins an id that does not
     *         exist before it, or repeats an earlier merge
     */
    BpeVocabulary(String pattern, int[] left, int[] right, Map<String, ?> trainedOn) {
        if (left.length != right.length) {
            throw new IllegalArgumentException(left.length + " left ids for " + right.length + " right ids");
        }
        try {
            new PreTokenizer(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pattern is not a Java regular expression: " + e.getMessage(), e);
        }
        checkMerges(left, right);
        this.pattern = pattern;
        this.left = left.clone();
        this.right = right.clone();
        this.trainedOn = Collections.unmodifiableMap(new LinkedHashMap<>(trainedOn));
    }

    private static void checkMerges(int[] left, int[] right) {
        for (int k = 0; k < left.length; k++) {
            int defined = 256 + k;  // ids 0 .. defined - 1 exist before merge k
            for (int id : new int[] {left[k], right[k]}) {
                if (id < 0 || id >= defined) {
                    throw new IllegalArgumentException("merge " + k + " [" + left[k] + ", " + right[k]
                            + "] refers to id " + id + ", which is not defined before it (ids 0.." + (defined - 1)
                            + " are)");
                }
            }
        }
        PairRanks seen = new PairRanks(left, right);
        for (int k = 0; k < left.length; k++) {
            int first = seen.rank(left[k], right[k]);
            if (first != k) {
                throw new IllegalArgumentException("merge " + k + " [" + left[k] + ", " + right[k] + "] repeats merge "
                        + first);
            }
        }
    }

    public String pattern() {
        return pattern;
    }

    public int mergeCount() {
        return left.length;
    }

    /** Bytes, merges and {@code <|endoftext|>}. */
    public int vocabSize() {
        return endOfDocument() + 1;
    }

    /** The id of {@code <|endoftext|>}: the one after the last merge. */
    public int endOfDocument() {
        return 256 + left.length;
    }

    /** The pair merge {@code rank} joins, as {@code {left id, right id}}. */
    public int[] merge(int rank) {
        return new int[] {left[rank], right[rank]};
    }

    /** Provenance recorded by the trainer (corpus counts, settings); empty if none. */
    public Map<String, Object> trainedOn() {
        return trainedOn;
    }

    /** A copy with one more provenance entry (a string, number or boolean), e.g. the corpus it was trained on. */
    public BpeVocabulary withTrainedOn(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(trainedOn);
        more.put(key, value);
        return new BpeVocabulary(pattern, left, right, more);
    }

    PreTokenizer preTokenizer() {
        return new PreTokenizer(pattern);
    }

    PairRanks pairRanks() {
        return new PairRanks(left, right);
    }

    /** The bytes each id stands for; {@code <|endoftext|>} stands for none. */
    byte[][] tokenBytes() {
        byte[][] bytes = new byte[vocabSize()][];
        for (int b = 0; b < 256; b++) {
            bytes[b] = new byte[] {(byte) b};
        }
        for (int k = 0; k < left.length; k++) {
            byte[] a = bytes[left[k]];
            byte[] b = bytes[right[k]];
            byte[] joined = new byte[a.length + b.length];
            System.arraycopy(a, 0, joined, 0, a.length);
            System.arraycopy(b, 0, joined, a.length, b.length);
            bytes[256 + k] = joined;
        }
        bytes[endOfDocument()] = new byte[0];
        return bytes;
    }

    /** The file's bytes: the same vocabulary always gives the same bytes (its SHA-256 identifies it). */
    public byte[] toJson() {
        try {
            StringBuilder out = new StringBuilder(32 + 16 * left.length);
            out.append("{\n");
            out.append("  \"format\": ").append(JSON.writeValueAsString(FORMAT)).append(",\n");
            out.append("  \"version\": ").append(VERSION).append(",\n");
            out.append("  \"pattern\": ").append(JSON.writeValueAsString(pattern)).append(",\n");
            out.append("  \"special_tokens\": {").append(JSON.writeValueAsString(END_OF_TEXT)).append(": ")
                    .append(endOfDocument()).append("},\n");
            out.append("  \"trained_on\": ").append(JSON.writeValueAsString(trainedOn)).append(",\n");
            out.append("  \"merges\": [");
            for (int k = 0; k < left.length; k++) {
                out.append(k == 0 ? "\n" : ",\n")
                        .append("    [").append(left[k]).append(", ").append(right[k]).append(']');
            }
            out.append(left.length == 0 ? "]\n" : "\n  ]\n").append("}\n");
            return out.toString().getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("trained_on holds a value JSON cannot represent", e);
        }
    }

    /**
     * Reads a vocabulary file's bytes; {@code source} names the file in errors.
     *
     * @throws IOException naming {@code source} and what is wrong: not JSON, another format or version, a missing
     *         or ill-typed field, a merge of an unknown id, an {@code <|endoftext|>} id that is not the last
     */
    public static BpeVocabulary fromJson(byte[] json, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException("tokenizer file " + source + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "expected a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
        }
        String format = root.path("format").asText(null);
        if (!FORMAT.equals(format)) {
            throw invalid(source, "format is " + (format == null ? "missing" : "'" + format + "'") + ", expected '"
                    + FORMAT + "'");
        }
        JsonNode version = root.path("version");
        if (!version.isInt() || version.intValue() != VERSION) {
            throw invalid(source, "version " + version + " is not supported; this build reads version " + VERSION);
        }
        JsonNode pattern = root.path("pattern");
        if (!pattern.isTextual()) {
            throw invalid(source, "\"pattern\" must be a string (the pre-tokenization regex)");
        }
        JsonNode merges = root.path("merges");
        if (!merges.isArray()) {
            throw invalid(source, "\"merges\" must be an array of [left id, right id] pairs");
        }
        int[] left = new int[merges.size()];
        int[] right = new int[merges.size()];
        for (int k = 0; k < merges.size(); k++) {
            JsonNode merge = merges.get(k);
            if (!merge.isArray() || merge.size() != 2 || !merge.get(0).isInt() || !merge.get(1).isInt()) {
                throw invalid(source, "merge " + k + " is " + merge + ", expected [left id, right id]");
            }
            left[k] = merge.get(0).intValue();
            right[k] = merge.get(1).intValue();
        }
        checkSpecialTokens(root.path("special_tokens"), 256 + left.length, left.length, source);
        JsonNode trainedOn = root.path("trained_on");
        if (!trainedOn.isMissingNode() && !trainedOn.isObject()) {
            throw invalid(source, "\"trained_on\" must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> provenance = trainedOn.isObject() ? JSON.convertValue(trainedOn, LinkedHashMap.class)
                : Map.of();
        try {
            return new BpeVocabulary(pattern.textValue(), left, right, provenance);
        } catch (IllegalArgumentException e) {
            throw invalid(source, e.getMessage());
        }
    }

    private static void checkSpecialTokens(JsonNode specials, int expectedId, int merges, String source)
            throws IOException {
        if (!specials.isObject() || specials.size() != 1 || !specials.path(END_OF_TEXT).isInt()) {
            throw invalid(source, "\"special_tokens\" must be {\"" + END_OF_TEXT + "\": " + expectedId + "}, found "
                    + (specials.isMissingNode() ? "nothing" : specials));
        }
        int id = specials.path(END_OF_TEXT).intValue();
        if (id != expectedId) {
            throw invalid(source, END_OF_TEXT + " is " + id + ", expected " + expectedId + " (the id after the 256 "
                    + "bytes and " + merges + " merges)");
        }
    }

    private static IOException invalid(String source, String problem) {
        return new IOException("tokenizer file " + source + ": " + problem);
    }

    @Override
    public String toString() {
        return "BpeVocabulary[" + mergeCount() + " merges, vocabulary " + vocabSize() + "]";
    }

    // Java serialisation goes through the validating constructor.

    @Serial
    private Object writeReplace() {
        return new SerializedForm(pattern, left, right, new LinkedHashMap<>(trainedOn));
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("BpeVocabulary is serialised through its SerializedForm");
    }

    private record SerializedForm(String pattern, int[] left, int[] right, LinkedHashMap<String, Object> trainedOn)
            implements Serializable {
        @Serial
        private Object readResolve() {
            return new BpeVocabulary(pattern, left, right, trainedOn);
        }
    }
}
