package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mhcspark.datasets.eval.BbhOptions;
import dev.mhcspark.datasets.eval.BbhPrompts;
import dev.mhcspark.datasets.eval.BbhTask;
import dev.mhcspark.datasets.eval.BbhTasks;
import dev.mhcspark.datasets.eval.DropDataset;
import dev.mhcspark.datasets.eval.DropPassage;
import dev.mhcspark.datasets.eval.DropPrompts;
import dev.mhcspark.datasets.eval.DropQuestion;
import dev.mhcspark.datasets.eval.ScoreSuite;
import dev.mhcspark.datasets.eval.StopSequences;
import dev.mhcspark.datasets.io.AtomicOutput;
import dev.mhcspark.datasets.io.JobFailures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@code mhc eval}: builds the prompts of a benchmark on the driver, runs them through a trained model (in this
 * JVM, or on Spark executors that get the model as a broadcast and restore it once per executor), scores the
 * answers and writes {@code <out>/summary.json} and {@code <out>/examples/part-00000.parquet}, atomically.
 *
 * <p>Everything that can be wrong with the input (tasks, data, model, tokenizer, an existing output) is checked
 * before any prompt runs; nothing is written until all examples are scored.
 */
final class EvalJob {
    private final EvalSettings settings;
    private final PrintStream out;
    private final List<String> skippedTasks = new ArrayList<>();

    EvalJob(EvalSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    ObjectNode run() {
        long started = System.nanoTime();
        Configuration hadoop = SparkSessions.hadoopConfiguration(settings.conf());
        FileSystem outFs = HadoopPaths.fileSystem("--out", settings.out(), hadoop);
        try {
            if (outFs.exists(new org.apache.hadoop.fs.Path(settings.out()))) {
                throw new IllegalArgumentException("--out " + settings.out() + ": already exists; choose a new "
                        + "directory (evaluations are never overwritten)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--out " + settings.out() + ": " + e.getMessage(), e);
        }
        List<EvalExample> examples = settings.suite() == ScoreSuite.BBH ? bbhExamples() : dropExamples();
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("--data " + settings.data() + ": no examples to evaluate");
        }
        if (!settings.onSpark()) {
            ModelRun model = ModelRun.open(settings.model(), hadoop);
            return finish(started, model, examples, runHere(model, examples), 1, hadoop);
        }
        try (SparkSession session = SparkSessions.create("mhc eval", settings.master(), settings.conf())) {
            Configuration sessionHadoop = session.sparkContext().hadoopConfiguration();
            ModelRun model = ModelRun.open(settings.model(), sessionHadoop);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
            int partitions = settings.partitions() != null ? settings.partitions()
                    : Math.max(1, Math.min(examples.size(), 4 * jsc.defaultParallelism()));
            LocalWorkerThreads.apply(jsc.master(), partitions, out, "eval");
            return finish(started, model, examples, runOnSpark(jsc, model, examples, partitions), partitions,
                    sessionHadoop);
        }
    }

    private List<EvalExample> bbhExamples() {
        BbhTasks bbh = BbhTasks.open(Path.of(settings.data()));
        List<String> names = settings.tasks();
        for (String name : names) {
            if (!BbhTasks.NAMES.contains(name)) {
                throw new IllegalArgumentException("--tasks: unknown BBH task '" + name + "'; known tasks: "
                        + String.join(", ", BbhTasks.NAMES));
            }
        }
        boolean all = names.isEmpty();
        List<EvalExample> examples = new ArrayList<>();
        for (String name : all ? bbh.available() : names) {
            BbhTask task = bbh.load(name);
            if (settings.mode() == EvalMode.LOGLIK && !BbhOptions.available(task)) {
                if (all) {
                    skippedTasks.add(name);
                    continue;
                }
                throw new IllegalArgumentException("--mode loglik: task " + name + " has free-form answers (no options "
                        + "to rank); tasks with options: " + String.join(", ", bbh.available().stream()
                        .filter(n -> BbhOptions.available(bbh.load(n))).toList()));
            }
            int n = settings.limit() == null ? task.examples().size()
                    : Math.min(settings.limit(), task.examples().size());
            for (int i = 0; i < n; i++) {
                var e = task.examples().get(i);
                String id = name + "/" + i;
                EvalItem item = switch (settings.mode()) {
                    case COT -> new EvalItem(id, BbhPrompts.cot(task, e.input(), settings.shots()), null);
                    case DIRECT -> new EvalItem(id, BbhPrompts.direct(task, e.input(), settings.shots()), null);
                    case LOGLIK -> new EvalItem(id, BbhPrompts.direct(task, e.input(), settings.shots()),
                            BbhOptions.of(task, e.input()).orElseThrow());
                };
                examples.add(new EvalExample(item, name, e.target(), null));
            }
        }
        return examples;
    }

    private List<EvalExample> dropExamples() {
        DropDataset set = DropDataset.load(Path.of(settings.data()));
        List<EvalExample> examples = new ArrayList<>();
        int limit = settings.limit() == null ? Integer.MAX_VALUE : settings.limit();
        for (DropPassage p : set.passages()) {
            for (DropQuestion q : p.questions()) {
                if (examples.size() == limit) {
                    return examples;
                }
                EvalItem item = new EvalItem(q.queryId(), DropPrompts.prompt(set, p, q, settings.shots()), null);
                examples.add(new EvalExample(item, "drop", DropPrompts.answerText(q.answer()), q));
            }
        }
        return examples;
    }

    private List<String> stops() {
        return settings.mode() == EvalMode.COT ? StopSequences.BBH_COT : StopSequences.ONE_LINE;
    }

    private PromptRunner runner(ModelRun model) {
        return new PromptRunner(model.tokenizer(), settings.mode() == EvalMode.LOGLIK, settings.maxNewTokens(),
                stops(), settings.batch());
    }

    private String unit() {
        return settings.mode() == EvalMode.LOGLIK ? "option tokens scored" : "tokens generated";
    }

    private Timed runHere(ModelRun model, List<EvalExample> examples) {
        long started = System.nanoTime();
        AtomicLong done = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        List<EvalItem> items = examples.stream().map(EvalExample::item).toList();
        try (EvalProgress ignored = new EvalProgress(items.size(), done::get, tokens::get, unit(), out)) {
            List<PromptResult> results = runner(model).run(model.net(), items, done::addAndGet, tokens::addAndGet);
            return new Timed(results, System.nanoTime() - started);
        }
    }

    private Timed runOnSpark(JavaSparkContext jsc, ModelRun model, List<EvalExample> examples, int partitions) {
        long started = System.nanoTime();
        byte[] bytes = ExecutorModels.serialize(model.net());
        Broadcast<byte[]> broadcast = jsc.broadcast(bytes);
        LongAccumulator done = jsc.sc().longAccumulator("eval.examples");
        LongAccumulator tokens = jsc.sc().longAccumulator("eval.tokens");
        List<EvalItem> items = examples.stream().map(EvalExample::item).toList();
        PartitionTask task = new PartitionTask(runner(model), broadcast, ExecutorModels.key(bytes), done, tokens);
        JavaFutureAction<List<PromptResult>> future = jsc.parallelize(items, partitions).mapPartitions(task)
                .collectAsync();
        try (EvalProgress ignored = new EvalProgress(items.size(), done::value, tokens::value, unit(), out)) {
            return new Timed(future.get(), System.nanoTime() - started);
        } catch (ExecutionException e) {
            throw JobFailures.userFacing(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the evaluation ran", e);
        } finally {
            broadcast.destroy();
        }
    }

    /** One Spark task: a partition of prompts through this executor's copy of the broadcast model. */
    private record PartitionTask(PromptRunner runner, Broadcast<byte[]> model, String key, LongAccumulator done,
            LongAccumulator tokens) implements FlatMapFunction<Iterator<EvalItem>, PromptResult> {
        @Override
        public Iterator<PromptResult> call(Iterator<EvalItem> partition) {
            List<EvalItem> items = new ArrayList<>();
            partition.forEachRemaining(items::add);
            if (items.isEmpty()) {
                return List.<PromptResult>of().iterator();
            }
            MultiLayerNetwork net = ExecutorModels.borrow(key, model::value);
            try {
                return runner.run(net, items, done::add, tokens::add).iterator();
            } finally {
                ExecutorModels.giveBack(key, net);
            }
        }
    }

    private record Timed(List<PromptResult> results, long nanos) {
    }

    private ObjectNode finish(long started, ModelRun model, List<EvalExample> examples, Timed timed, int partitions,
                              Configuration hadoop) {
        Map<String, PromptResult> byId = new HashMap<>();
        timed.results().forEach(r -> byId.put(r.promptId(), r));
        List<ScoredExample> scored = EvalScoring.score(settings.suite(), settings.mode(), examples, byId);
        long truncated = scored.stream().filter(ScoredExample::truncated).count();
        long promptTokens = scored.stream().mapToLong(ScoredExample::promptTokens).sum();
        long tokens = settings.mode() == EvalMode.LOGLIK
                ? timed.results().stream().mapToLong(r -> java.util.Arrays.stream(r.optionTokens()).sum()).sum()
                : scored.stream().mapToLong(ScoredExample::generatedTokens).sum();
        double seconds = timed.nanos() / 1e9;

        ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("suite", settings.suite().id());
        summary.put("mode", settings.mode().id());
        summary.put("model_run", model.dir());
        summary.put("run_label", model.label());
        summary.put("connection", model.config().connection().id());
        summary.set("model", RunDirectory.JSON.valueToTree(model.config()));
        summary.put("tokenizer", model.tokenizer().spec());
        summary.put("data", Path.of(settings.data()).toAbsolutePath().normalize().toString());
        ArrayNode tasks = summary.putArray("task_list");
        examples.stream().map(EvalExample::task).distinct().forEach(tasks::add);
        if (!skippedTasks.isEmpty()) {
            ArrayNode skipped = summary.putArray("skipped_tasks");
            skippedTasks.forEach(skipped::add);
        }
        summary.put("shots", settings.shots());
        if (settings.limit() != null) {
            summary.put("limit", settings.limit());
        }
        summary.put("examples", scored.size());
        summary.setAll(EvalScoring.totals(settings.suite(), settings.mode(), scored));
        if (settings.suite() == ScoreSuite.DROP) {
            summary.put("score", "f1");
        }
        if (settings.mode() == EvalMode.LOGLIK) {
            summary.put("targets_outside_options", scored.stream()
                    .filter(s -> !s.options().contains(s.target())).count());
        } else {
            summary.put("max_new_tokens", settings.maxNewTokens());
            ArrayNode stops = summary.putArray("stop_sequences");
            stops().forEach(stops::add);
            ObjectNode why = summary.putObject("stopped_by");
            for (String reason : List.of(PromptResult.STOP_SEQUENCE, PromptResult.END_OF_DOCUMENT,
                    PromptResult.MAX_NEW_TOKENS)) {
                why.put(reason, scored.stream().filter(s -> reason.equals(s.stop())).count());
            }
        }
        summary.put("context_length", model.config().contextLength());
        summary.put("truncated_prompts", truncated);
        summary.put("prompt_tokens", promptTokens);
        summary.put(settings.mode() == EvalMode.LOGLIK ? "option_tokens" : "generated_tokens", tokens);
        summary.put("tokens_per_second", tokens / Math.max(seconds, 1e-9));
        summary.put("generation_seconds", seconds);
        summary.put("master", settings.master());
        if (settings.onSpark()) {
            summary.put("partitions", partitions);
        }
        summary.put("batch", settings.batch());
        summary.put("wall_seconds", (System.nanoTime() - started) / 1e9);
        write(scored, summary, hadoop);

        ObjectNode micro = (ObjectNode) summary.get("micro");
        String score = settings.suite() == ScoreSuite.BBH
                ? String.format(Locale.ROOT, "exact match %.3f (macro %.3f)", micro.get("exact_match").asDouble(),
                        summary.get("macro").get("exact_match").asDouble())
                : String.format(Locale.ROOT, "EM %.3f, F1 %.3f", micro.get("em").asDouble(),
                        micro.get("f1").asDouble());
        out.printf(Locale.ROOT, "done: %s %s on %s, %,d examples, %s; %,d %s at %,.0f tok/s; %,d of %,d prompts "
                        + "left-truncated to the context of %d tokens; %s; results in %s%n", settings.suite().id(),
                settings.mode().id(), model.label(), scored.size(), score, tokens, unit(),
                tokens / Math.max(seconds, 1e-9), truncated, scored.size(), model.config().contextLength(),
                EvalProgress.duration(summary.get("wall_seconds").asDouble()), settings.out());
        return summary;
    }

    /** Writes into a hidden sibling directory, then renames it to {@code --out}: all or nothing, on any file system. */
    private void write(List<ScoredExample> scored, ObjectNode summary, Configuration hadoop) {
        AtomicOutput output = AtomicOutput.begin("--out", settings.out(), false, hadoop);
        try {
            FileSystem fs = HadoopPaths.fileSystem("--out", output.temp().toString(), hadoop);
            ExamplesParquet.write(fs, new org.apache.hadoop.fs.Path(output.temp(), "examples/" + ExamplesParquet.FILE),
                    scored);
            try (OutputStream json = fs.create(new org.apache.hadoop.fs.Path(output.temp(), "summary.json"), false)) {
                RunDirectory.JSON.writeValue(json, summary);
            }
            output.commit();
        } catch (IOException e) {
            output.abort();
            throw new UncheckedIOException("cannot write " + settings.out() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            output.abort();
            throw e;
        }
    }
}
