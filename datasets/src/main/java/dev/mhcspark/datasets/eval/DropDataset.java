package dev.mhcspark.datasets.eval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A DROP data set in the official release format ({@code drop_dataset_dev.json}, {@code drop_dataset_train.json}):
 * one JSON object mapping passage ids to {@code {"passage": text, "qa_pairs": [{"question", "query_id", "answer",
 * "validated_answers"}]}}, each answer an official answer object ({@link DropAnswer}). Other fields (wiki_url,
 * highlights, ...) are ignored on reading. Immutable.
 */
public final class DropDataset {
    /** Classpath resource (next to this class) of the hand-written sample: 3 passages, 14 questions. */
    public static final String SAMPLE_RESOURCE = "drop_sample.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final List<DropPassage> passages;

    public DropDataset(String source, List<DropPassage> passages) {
        this.source = Objects.requireNonNull(source, "source");
        this.passages = List.copyOf(passages);
        Map<String, String> ids = new HashMap<>();
        for (DropPassage p : this.passages) {
            for (DropQuestion q : p.questions()) {
                String previous = ids.putIfAbsent(q.queryId(), p.id());
                if (previous != null) {
                    throw new IllegalArgumentException(source + ": query_id '" + q.queryId() + "' appears twice "
                            + "(passages '" + previous + "' and '" + p.id() + "'); expected unique ids");
                }
            }
        }
    }

    /**
     * Reads an official-format file.
     *
     * @throws IllegalArgumentException naming the file, line and field when it is missing or not of the official shape
     */
    public static DropDataset load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file; expected a DROP data file "
                    + "(drop_dataset_*.json)");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The hand-written sample that ships with the library ({@value #SAMPLE_RESOURCE}). */
    public static DropDataset sample() {
        try (InputStream in = DropDataset.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SAMPLE_RESOURCE + " missing from the classpath");
            }
            return read(in, "classpath:" + SAMPLE_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the official format from a stream; {@code source} names it in error messages. */
    public static DropDataset read(InputStream in, String source) {
        List<DropPassage> passages = new ArrayList<>();
        try (JsonParser parser = JSON.getFactory().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(source + ":" + parser.getTokenLocation().getLineNr()
                        + ": expected a JSON object mapping passage ids to passages (the official DROP format)");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String id = parser.currentName();
                parser.nextToken();
                int line = parser.getTokenLocation().getLineNr();
                JsonNode node = parser.readValueAsTree();
                passages.add(passage(id, node, source + ":" + line + ": passage '" + id + "'"));
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IllegalArgumentException(source + ":" + parser.getTokenLocation().getLineNr()
                        + ": expected the end of the top-level object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ":" + e.getLocation().getLineNr() + ": not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
        return new DropDataset(source, passages);
    }

    private static DropPassage passage(String id, JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object {\"passage\", \"qa_pairs\"}, got "
                    + DropAnswer.describe(node));
        }
        String text = text(node, "passage", where);
        JsonNode pairs = node.get("qa_pairs");
        if (pairs == null || !pairs.isArray()) {
            throw new IllegalArgumentException(where + ".qa_pairs: expected an array of questions, got "
                    + DropAnswer.describe(pairs));
        }
        List<DropQuestion> questions = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            String at = where + ".qa_pairs[" + i + "]";
            JsonNode qa = pairs.get(i);
            if (!qa.isObject()) {
                throw new IllegalArgumentException(at + ": expected an object {\"question\", \"query_id\", "
                        + "\"answer\", \"validated_answers\"}, got " + DropAnswer.describe(qa));
            }
            DropAnswer answer = DropAnswer.fromJson(qa.get("answer"), at + ".answer");
            List<DropAnswer> validated = new ArrayList<>();
            JsonNode v = qa.get("validated_answers");
            if (v != null && !v.isNull()) {
                if (!v.isArray()) {
                    throw new IllegalArgumentException(at + ".validated_answers: expected an array of answer "
                            + "objects, got " + DropAnswer.describe(v));
                }
                for (int k = 0; k < v.size(); k++) {
                    validated.add(DropAnswer.fromJson(v.get(k), at + ".validated_answers[" + k + "]"));
                }
            }
            questions.add(new DropQuestion(text(qa, "query_id", at), text(qa, "question", at), answer, validated));
        }
        return new DropPassage(id, text, questions);
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + ": expected a string, got "
                    + DropAnswer.describe(value));
        }
        return value.textValue();
    }

    /** Writes the official format atomically (see {@link AtomicFile}). */
    public void write(Path file) {
        AtomicFile.write(file, out -> {
            try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
                g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                g.writeStartObject();
                for (DropPassage p : passages) {
                    g.writeFieldName(p.id());
                    g.writeStartObject();
                    g.writeStringField("passage", p.passage());
                    g.writeArrayFieldStart("qa_pairs");
                    for (DropQuestion q : p.questions()) {
                        g.writeStartObject();
                        g.writeStringField("question", q.question());
                        g.writeFieldName("answer");
                        g.writeTree(q.answer().toJson());
                        g.writeStringField("query_id", q.queryId());
                        g.writeArrayFieldStart("validated_answers");
                        for (DropAnswer a : q.validatedAnswers()) {
                            g.writeTree(a.toJson());
                        }
                        g.writeEndArray();
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeRaw('\n');
            }
        });
    }

    /** Where it was read from (a path, {@code classpath:...}, or what the creator called it). */
    public String source() {
        return source;
    }

    public List<DropPassage> passages() {
        return passages;
    }

    /** Every question, passage by passage. */
    public List<DropQuestion> questions() {
        List<DropQuestion> all = new ArrayList<>();
        passages.forEach(p -> all.addAll(p.questions()));
        return all;
    }
}
