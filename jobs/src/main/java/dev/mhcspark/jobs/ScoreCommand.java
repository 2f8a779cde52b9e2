package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mhcspark.datasets.eval.BbhMode;
import dev.mhcspark.datasets.eval.PredictionFileScorer;
import dev.mhcspark.datasets.eval.ScoreReport;
import dev.mhcspark.datasets.eval.ScoreSuite;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mhc score}: scores predictions made by any system on BBH or DROP, exactly as the benchmarks define it. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = {"Score predictions made by any system on BIG-Bench Hard (exact match) or DROP (the official "
                + "EM and F1 of drop_eval.py), and print one JSON document.",
            "",
            "Input: JSONL, one example per line (blank lines are ignored):",
            "  bbh:  {\"task\": \"navigate\", \"target\": \"Yes\", \"prediction\": \"... So the answer is Yes.\"}",
            "  drop: {\"id\": \"q1\", \"prediction\": \"12\" or [\"span\", ...], \"answers\": [GOLD, ...]}",
            "        GOLD is a list of spans [\"Bears\", \"Lions\"] or an official answer object {\"number\": \"12\", "
                + "\"date\": {\"day\": \"\", \"month\": \"\", \"year\": \"\"}, \"spans\": []}; the first is the main "
                + "answer, the rest the validated answers. Ids must be unique.",
            "BBH answers: the text after the first 'the answer is ' (--mode cot; the whole output if absent) or the "
                + "whole output (--mode direct), stripped of whitespace and one trailing period, must equal the target."
                + " DROP: the best EM and F1 over the gold answers, F1 rounded to 2 decimals per question.",
            "",
            "Output: {\"suite\", \"mode\" (bbh), \"predictions\", \"examples\", \"skipped_lines\", \"tasks\": {NAME: "
                + "{\"examples\", \"correct\", \"exact_match\"} (bbh) or {\"examples\", \"em\", \"f1\"} (drop)}, "
                + "\"micro\": {...over all examples}, \"macro\": {\"tasks\", ...mean over tasks}, \"invalid_lines\" "
                + "(when skipped)}. Tasks are BBH tasks, or DROP answer types (number, span, spans, date). Scores are "
                + "fractions in [0, 1]."},
        footer = {"", "Speed: score prints examples per second on stderr. To measure it on 100,000 DROP-style "
                + "questions:",
            "  mhc eval make-drop-style --count 100000 --out drop_style.json --predictions drop_style_pred.jsonl",
            "  mhc score --suite drop --predictions drop_style_pred.jsonl > scores.json"})
final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--suite", required = true, converter = SuiteConverter.class, paramLabel = "bbh|drop",
            description = "Benchmark the predictions are for: bbh or drop.")
    ScoreSuite suite;

    @Option(names = "--predictions", required = true, paramLabel = "FILE",
            description = "JSONL file of predictions (format above).")
    Path predictions;

    @Option(names = "--mode", converter = ModeConverter.class, paramLabel = "cot|direct",
            description = "bbh only: cot (chain-of-thought outputs, answer after 'the answer is ') or direct (the "
                    + "whole output is the answer). Default: cot.")
    BbhMode mode;

    @Option(names = "--per-example", paramLabel = "FILE",
            description = "Also write one JSON line per scored example (bbh: line, task, target, answer, correct; "
                    + "drop: line, id, type, em, f1). Written atomically: not created when scoring fails.")
    Path perExample;

    @Option(names = "--skip-invalid",
            description = "Skip lines that are not JSON or lack a field, count them in skipped_lines and list the "
                    + "first 20 in invalid_lines (default: such lines are an error naming file and line).")
    boolean skipInvalid;

    @Override
    public Integer call() throws Exception {
        if (suite == ScoreSuite.DROP && mode != null) {
            throw new IllegalArgumentException("--mode " + mode.id() + ": only for --suite bbh (DROP has no modes)");
        }
        PredictionFileScorer scorer = new PredictionFileScorer(suite, mode == null ? BbhMode.COT : mode, skipInvalid);
        long started = System.nanoTime();
        ScoreReport report = scorer.score(predictions, perExample);
        double seconds = (System.nanoTime() - started) / 1e9;
        long examples = report.micro().examples();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        spec.commandLine().getOut().println(json.writeValueAsString(report.toJson()));
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().printf("mhc score: %,d examples in %.2f s (%,.0f examples/s)%s%n", examples,
                seconds, examples / Math.max(seconds, 1e-9),
                report.skippedLines() > 0 ? "; " + report.skippedLines() + " invalid lines skipped" : "");
        spec.commandLine().getErr().flush();
        return 0;
    }

    static final class SuiteConverter implements CommandLine.ITypeConverter<ScoreSuite> {
        @Override
        public ScoreSuite convert(String value) {
            try {
                return ScoreSuite.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ModeConverter implements CommandLine.ITypeConverter<BbhMode> {
        @Override
        public BbhMode convert(String value) {
            try {
                return BbhMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
