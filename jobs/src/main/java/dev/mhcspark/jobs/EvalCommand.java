package dev.mhcspark.jobs;

import dev.mhcspark.datasets.eval.DropDataset;
import dev.mhcspark.datasets.eval.DropQuestion;
import dev.mhcspark.datasets.eval.DropStyleGenerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mhc eval}: evaluation on benchmarks. Today only the data subcommand {@code make-drop-style}; the parent is a
 * command of its own so that it can take the options of an evaluation run later.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluation on reasoning benchmarks (BBH, DROP).",
            "Subcommands prepare data; score predictions with 'mhc score'."},
        subcommands = {EvalCommand.MakeDropStyle.class})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: make-drop-style");
    }

    /** {@code mhc eval make-drop-style}: a generated DROP-style set in the official format. */
    @Command(name = "make-drop-style", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
            description = {"Generate a DROP-style reading-comprehension set in the official DROP format "
                    + "(drop_dataset_*.json: passages with qa_pairs, answer, validated_answers).",
                "Passages are made from random facts (football games, county censuses, chronicles of dated events); "
                    + "questions need counting, differences, percentages, dates and multi-span answers; gold answers "
                    + "are computed from the facts. Each passage has 5 questions.",
                "With --predictions, also writes simulated predictions of an imperfect system (about half exact, some "
                    + "partial, the rest wrong) as 'mhc score --suite drop' input, with the gold answers inline."},
            footer = {"", "Example (and how to time the scorer on 100,000 questions):",
                "  mhc eval make-drop-style --count 100000 --out drop_style.json --predictions drop_style_pred.jsonl",
                "  mhc score --suite drop --predictions drop_style_pred.jsonl"})
    static final class MakeDropStyle implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "FILE",
                description = "Data set to write (official DROP JSON); written atomically, replacing FILE.")
        Path out;

        @Option(names = "--count", defaultValue = "1000", paramLabel = "N",
                description = "Questions to generate. Default: ${DEFAULT-VALUE}.")
        int count;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the facts and of the simulated "
                + "predictions; the same seed gives the same files. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--predictions", paramLabel = "FILE",
                description = "Also write simulated predictions (JSONL, 'mhc score --suite drop' input).")
        Path predictions;

        @Override
        public Integer call() {
            if (count < 1) {
                throw new IllegalArgumentException("--count: must be >= 1, got " + count);
            }
            DropDataset set = DropStyleGenerator.generate(count, seed);
            set.write(out);
            Map<String, Integer> types = new TreeMap<>();
            for (DropQuestion q : set.questions()) {
                types.merge(q.answer().type(), 1, Integer::sum);
            }
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf("wrote %,d questions over %,d passages to %s (answer types: %s)%n", count,
                    set.passages().size(), out, types.toString().replaceAll("[{}]", ""));
            if (predictions != null) {
                DropStyleGenerator.writePredictions(set, predictions, seed);
                stdout.printf("wrote simulated predictions to %s; score them with: mhc score --suite drop "
                        + "--predictions %s%n", predictions, predictions);
            }
            stdout.flush();
            return 0;
        }
    }
}
