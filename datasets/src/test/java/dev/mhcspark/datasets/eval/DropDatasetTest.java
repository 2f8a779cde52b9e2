package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official DROP file format: the bundled sample, a write/read round trip, and malformed files. */
class DropDatasetTest {
    @TempDir
    Path tmp;

    @Test
    void theSampleLoadsWithEveryAnswerKind() {
        DropDataset sample = DropDataset.sample();
        assertEquals(3, sample.passages().size());
        List<DropQuestion> questions = sample.questions();
        assertEquals(14, questions.size());
        Map<String, DropQuestion> byId = questions.stream()
                .collect(Collectors.toMap(DropQuestion::queryId, Function.identity()));
        assertEquals(List.of("7"), byId.get("sample-q05").answer().strings());
        assertEquals("spans", byId.get("sample-q03").answer().type());
        assertEquals(List.of("3 May 1214"), byId.get("sample-q11").answer().strings());
        assertEquals("date", byId.get("sample-q13").answer().type());
        assertEquals("number", byId.get("sample-q13").validatedAnswers().get(0).type());
        assertEquals(List.of("29,313"), byId.get("sample-q06").validatedAnswers().get(0).strings());
        // every main answer scores 1 against its own question; the blank validated answer of q09 is ignored
        for (DropQuestion q : questions) {
            DropScore s = DropScorer.scoreQuestion(q.answer().strings(), q.goldAnswers());
            assertEquals(1.0, s.exactMatch(), q.queryId());
            assertEquals(1.0, s.f1(), q.queryId());
        }
        assertEquals("  ", byId.get("sample-q09").validatedAnswers().get(1).strings().get(0));
        // validated answers count: "Lindqvist" is exact against q04's validated answer
        assertEquals(1.0, DropScorer.scoreQuestion(List.of("Lindqvist"), byId.get("sample-q04").goldAnswers())
                .exactMatch());
    }

    @Test
    void writesTheOfficialFormatAndReadsItBack() {
        DropDataset sample = DropDataset.sample();
        Path file = tmp.resolve("sub/drop_dataset_sample.json");
        sample.write(file);
        DropDataset back = DropDataset.load(file);
        assertEquals(sample.passages(), back.passages());
        assertEquals(file.toString(), back.source());
    }

    @Test
    void malformedFilesNameFileLineAndField() throws Exception {
        assertError("{\n\"p1\": {\"passage\": \"x\", \"qa_pairs\": [}\n}", ":2: not valid JSON");
        assertError("[]", ":1: expected a JSON object mapping passage ids to passages");
        assertError("{\"p1\": {\"qa_pairs\": []}}", ":1: passage 'p1'.passage: expected a string, got nothing");
        assertError("{\"p1\": {\"passage\": \"x\", \"qa_pairs\": {}}}", "passage 'p1'.qa_pairs: expected an array");
        assertError("{\"p1\": {\"passage\": \"x\", \"qa_pairs\": [\n{\"question\": \"q\", \"query_id\": \"a\"}]}}",
                ":1: passage 'p1'.qa_pairs[0].answer: expected an answer object");
        String answer = "{\"number\": \"\", \"spans\": [], \"date\": {\"day\": \"\", \"month\": \"\"}}";
        assertError("{\"p1\": {\"passage\": \"x\", \"qa_pairs\": [{\"question\": \"q\", \"query_id\": \"a\", "
                + "\"answer\": " + answer + "}]}}", "qa_pairs[0].answer.date.year: expected a string");
        assertError("{\"p1\": {\"passage\": \"x\", \"qa_pairs\": [{\"question\": \"q\", \"query_id\": \"a\", "
                + "\"answer\": {\"spans\": [1]}}]}}", "qa_pairs[0].answer.spans[0]: expected a string, got number 1");
        assertError("{\"p1\": {\"passage\": \"x\", \"qa_pairs\": [{\"question\": \"q\", \"query_id\": \"a\", "
                + "\"answer\": {\"number\": \"\"}}]}}", "qa_pairs[0].answer: the answer has no number, spans or date");
        String qa = "{\"question\": \"q\", \"query_id\": \"a\", \"answer\": {\"number\": \"1\"}}";
        assertError("{\"p1\": {\"passage\": \"x\", \"qa_pairs\": [" + qa + "]},\n\"p2\": {\"passage\": \"y\", "
                + "\"qa_pairs\": [" + qa + "]}}", "query_id 'a' appears twice (passages 'p1' and 'p2')");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DropDataset.load(tmp.resolve("none.json")));
        assertTrue(e.getMessage().endsWith("none.json: no such file; expected a DROP data file (drop_dataset_*.json)"));
    }

    private void assertError(String content, String expected) throws Exception {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DropDataset.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
