package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DROP-style generator: format, determinism, and gold answers that follow from the passages. */
class DropStyleGeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void makesExactlyTheQuestionsAskedForDeterministically() {
        DropDataset set = DropStyleGenerator.generate(23, 7);
        assertEquals(23, set.questions().size());
        assertEquals(5, set.passages().size());
        assertEquals(set.passages(), DropStyleGenerator.generate(23, 7).passages());
        assertNotEquals(set.passages(), DropStyleGenerator.generate(23, 8).passages());
        Set<String> types = new HashSet<>();
        set.questions().forEach(q -> types.add(q.answer().type()));
        assertEquals(Set.of("number", "span", "spans", "date"), types);
    }

    @Test
    void goldAnswersFollowFromThePassages() {
        Pattern fieldGoal = Pattern.compile("([A-Z][a-z]+ [A-Z][a-z]+) kicked a (\\d+)-yard field goal");
        Pattern census = Pattern.compile("there were ([\\d,]+) people, ([\\d,]+) households");
        Pattern event = Pattern.compile("(January|February|March|April|May|June|July|August|September|October|"
                + "November|December) (\\d+), (\\d+), (the [^.]+?) (was|began|broke)");
        for (DropPassage p : DropStyleGenerator.generate(300, 11).passages()) {
            List<DropQuestion> qs = p.questions();
            String text = p.passage();
            if (text.contains("field goal")) {
                Matcher m = fieldGoal.matcher(text);
                int longest = 0;
                int shortest = Integer.MAX_VALUE;
                String kicker = qs.get(0).question().replaceAll("How many field goals did (.*) kick\\?", "$1");
                int kicks = 0;
                while (m.find()) {
                    int yards = Integer.parseInt(m.group(2));
                    longest = Math.max(longest, yards);
                    shortest = Math.min(shortest, yards);
                    kicks += m.group(1).equals(kicker) ? 1 : 0;
                }
                assertEquals(List.of(Integer.toString(kicks)), qs.get(0).answer().strings(), text);
                assertEquals(List.of(Integer.toString(longest - shortest)), qs.get(1).answer().strings(), text);
            } else if (text.startsWith("As of the census")) {
                Matcher m = census.matcher(text);
                assertTrue(m.find(), text);
                int people = Integer.parseInt(m.group(1).replace(",", ""));
                int households = Integer.parseInt(m.group(2).replace(",", ""));
                assertEquals(List.of(Integer.toString(people - households)), qs.get(0).answer().strings(), text);
            } else {
                Matcher m = event.matcher(text);
                int found = 0;
                while (m.find()) {
                    found++;
                    if (qs.get(0).question().equals("When did " + m.group(4) + " take place?")) {
                        assertEquals(List.of(m.group(2) + " " + m.group(1) + " " + m.group(3)),
                                qs.get(0).answer().strings(), text);
                        found += 100;
                    }
                }
                assertEquals(104, found, "four events, one asked about: " + text);
            }
        }
    }

    @Test
    void writesAnOfficialFileAndScorableSimulatedPredictions() throws Exception {
        DropDataset set = DropStyleGenerator.generate(200, 3);
        Path file = tmp.resolve("drop_style.json");
        set.write(file);
        assertEquals(set.passages(), DropDataset.load(file).passages());

        Path simulated = tmp.resolve("simulated.jsonl");
        DropStyleGenerator.writePredictions(set, simulated, 3);
        ScoreReport report = new PredictionFileScorer(ScoreSuite.DROP, null, false).score(simulated, null);
        assertEquals(200, report.micro().examples());
        double em = report.micro().exactMatch();
        assertTrue(em > 0.3 && em < 0.7, "about half exactly right: " + em);
        assertTrue(report.micro().f1() > em, "partial answers earn F1");

        // the gold answers themselves score 1
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (DropQuestion q : set.questions()) {
            ObjectNode o = json.createObjectNode().put("id", q.queryId());
            q.answer().strings().forEach(o.putArray("prediction")::add);
            q.goldAnswers().forEach(a -> o.withArray("answers").add(a.toJson()));
            lines.append(o).append('\n');
        }
        Path perfect = tmp.resolve("perfect.jsonl");
        Files.writeString(perfect, lines);
        ScoreReport best = new PredictionFileScorer(ScoreSuite.DROP, null, false).score(perfect, null);
        assertEquals(1.0, best.micro().exactMatch());
        assertEquals(1.0, best.micro().f1());
    }
}
