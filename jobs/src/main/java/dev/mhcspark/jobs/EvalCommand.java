package dev.mhcspark.jobs;

import dev.mhcspark.datasets.eval.DropDataset;
import dev.mhcspark.datasets.eval.ScoreSuite;
import dev.mhcspark.datasets.eval.DropQuestion;
import dev.mhcspark.datasets.eval.DropStyleGenerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mhc eval}: evaluates a trained model on BBH or DROP (on Spark or in this JVM), and the subcommands
 * {@code compare} (a table of evaluations) and {@code make-drop-style} (a generated DROP-format set).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = {"Evaluate a trained model (a run directory of mhc train) on BIG-Bench Hard or DROP: a Spark job "
                + "that broadcasts the model, builds the prompts, generates greedily on the executors (batched, until a "
                + "stop sequence or --max-new-tokens) or ranks multiple-choice options by likelihood, extracts and "
                + "scores the answers as 'mhc score' does, and writes <out>/summary.json and <out>/examples/ (Parquet: "
                + "prompt_id, task, prediction, extracted, target, score, ...), atomically.",
            "Prompts longer than the model's context are left-truncated: the model sees their last context_length "
                + "tokens (counted as truncated_prompts in the summary).",
            "Modes (BBH): cot = the task's chain-of-thought prompt + 'Q: ... A: Let's think step by step.', answer "
                + "after 'the answer is', stop at a blank line; direct = the same exemplars with answers only, stop at "
                + "the end of the line; loglik = rank each option (A)..(K), True/False, Yes/No, valid/invalid by the "
                + "summed log-probability of ' <option>' after the direct prompt (also reported per token), for tasks "
                + "whose options can be determined. DROP: k passage/question/answer shots from other passages, the "
                + "answer is the rest of the line, scored with the official EM/F1."},
        subcommands = {EvalCommand.Compare.class, EvalCommand.MakeDropStyle.class},
        footer = {"", "Examples:",
            "  mhc eval --model runs/mhc-1 --suite bbh --data ../shared/data/bbh --tasks navigate,snarks --mode loglik "
                + "--out evals/mhc-1-bbh-loglik",
            "  mhc eval --model runs/mhc-1 --suite drop --data drop_dataset_dev.json --limit 500 --out evals/mhc-1-drop",
            "  mhc eval compare evals/*"})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "RUN", description = "Run directory of mhc train (config.json or "
            + "train.json, model/), local or hdfs://. Its tokenizer: the tokenized dataset's it was trained on, else "
            + "bytes.")
    String model;

    @Option(names = "--suite", converter = ScoreCommand.SuiteConverter.class, paramLabel = "bbh|drop",
            description = "Benchmark: bbh or drop.")
    ScoreSuite suite;

    @Option(names = "--data", paramLabel = "PATH", description = "bbh: a directory of the official layout "
            + "(tasks/<task>.json, cot-prompts/<task>.txt, e.g. ../shared/data/bbh); drop: an official-format JSON "
            + "file (drop_dataset_dev.json, or one from 'mhc eval make-drop-style').")
    String data;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK", description = "bbh: tasks to run (comma-separated; "
            + "default all present; with --mode loglik all that have options).")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--shots", defaultValue = "3", description = "Worked examples per prompt (bbh: 0..3 of the "
            + "official prompt's). Default: ${DEFAULT-VALUE}.")
    int shots;

    @Option(names = "--mode", paramLabel = "cot|direct|loglik", description = "bbh: cot, direct or loglik. "
            + "Default: cot. (drop: always direct generation.)")
    String mode;

    @Option(names = "--limit", paramLabel = "N", description = "At most N examples per BBH task / N DROP questions "
            + "(the first ones).")
    Integer limit;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Generation budget per prompt. Default: "
            + DEFAULT_COT_TOKENS + " for cot, " + DEFAULT_SHORT_TOKENS + " for direct and drop.")
    Integer maxNewTokens;

    @Option(names = "--batch", defaultValue = "8", description = "Prompts per forward pass. Default: "
            + "${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory to create (must not exist), "
            + "local or hdfs://.")
    String out;

    @Option(names = "--master", description = "Spark master (local[N], spark://..., yarn, ...), or none to run in "
            + "this JVM without Spark. Default: the one spark-submit set (mhc submit), else "
            + SparkSessions.DEFAULT_MASTER + ".")
    String master;

    @Option(names = "--partitions", description = "Spark partitions of the prompts. Default: 4 x the default "
            + "parallelism.")
    Integer partitions;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    static final int DEFAULT_COT_TOKENS = 128;
    static final int DEFAULT_SHORT_TOKENS = 32;

    @Override
    public Integer call() {
        if (model == null && suite == null && data == null && out == null) {
            throw new ParameterException(spec.commandLine(), "Missing options --model, --suite, --data and --out "
                    + "(or a subcommand: compare, make-drop-style)");
        }
        for (Object[] required : new Object[][] {{"--model", model}, {"--suite", suite}, {"--data", data},
                {"--out", out}}) {
            if (required[1] == null) {
                throw new IllegalArgumentException(required[0] + ": required (see mhc eval --help)");
            }
        }
        EvalMode evalMode;
        if (suite == ScoreSuite.DROP) {
            if (mode != null) {
                throw new IllegalArgumentException("--mode " + mode + ": only for --suite bbh; DROP answers are "
                        + "generated directly");
            }
            evalMode = EvalMode.DIRECT;
        } else {
            evalMode = mode == null ? EvalMode.COT : Flags.parse("--mode", mode, EvalMode.class);
        }
        if (evalMode == EvalMode.LOGLIK && maxNewTokens != null) {
            throw new IllegalArgumentException("--max-new-tokens: --mode loglik generates nothing (it ranks the "
                    + "options)");
        }
        int budget = maxNewTokens != null ? maxNewTokens
                : evalMode == EvalMode.COT ? DEFAULT_COT_TOKENS : DEFAULT_SHORT_TOKENS;
        EvalSettings settings = new EvalSettings(suite, evalMode, model, data, tasks, shots, limit, budget, batch,
                master != null ? master : SparkSessions.submittedMaster().orElse(SparkSessions.DEFAULT_MASTER),
                partitions, conf, out);
        new EvalJob(settings, System.out).run();
        return 0;
    }

    /** {@code mhc eval compare}: the scores of several evaluations side by side. */
    @Command(name = "compare", mixinStandardHelpOptions = true, usageHelpWidth = 120,
            description = {"Print a table of benchmarks x model runs (percentages) from the summary.json of mhc "
                    + "eval output directories, like Table 4 of the mHC paper: BBH exact match as the mean over the "
                    + "tasks run, DROP F1 and EM over all questions. Rows measured on different numbers of examples "
                    + "are noted under the table."})
    static final class Compare implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "EVAL_DIR", description = "Output directories of mhc eval (local "
                + "or hdfs://).")
        List<String> dirs;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(EvalCompare.table(dirs, new org.apache.hadoop.conf.Configuration()));
            stdout.flush();
            return 0;
        }
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
