package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mhcspark.datasets.eval.BbhPrompts;
import dev.mhcspark.datasets.eval.BbhTask;
import dev.mhcspark.datasets.eval.BbhTasks;
import dev.mhcspark.datasets.eval.DropDataset;
import dev.mhcspark.datasets.eval.DropQuestion;
import dev.mhcspark.datasets.eval.DropStyleGenerator;
import dev.mhcspark.datasets.eval.StopSequences;
import dev.mhcspark.datasets.tokenizer.ByteTokenizer;
import dev.mhcspark.model.ConnectionType;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.ModelStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code mhc eval} end to end on a toy model trained here (byte tokens, a corpus of short Q/A paragraphs): BBH with
 * generation on Spark {@code local[2]} and log-likelihood ranking in one JVM, DROP on both, {@code compare}, and bad
 * input. Scores are checked against {@code mhc score} on the same predictions, log-likelihoods against the model's
 * softmax read directly.
 */
class EvalRunCommandTest {
    private static final Path BBH = Path.of("..", "..", "shared", "data", "bbh");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path run;

    @BeforeAll
    static void trainAToyModel() throws IOException {
        StringBuilder corpus = new StringBuilder();
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 2000; i++) {
            corpus.append("Q: is it ").append(random.nextBoolean() ? "red" : "blue").append("?\nA: So the answer is ")
                    .append(random.nextBoolean() ? "Yes" : "No").append(".\n\n");
        }
        Path text = tmp.resolve("toy.txt");
        Files.writeString(text, corpus);
        run = tmp.resolve("toy-mhc");
        Cli cli = Cli.run("train", "--data", text.toString(), "--run", run.toString(), "--connection", "mhc",
                "--d-model", "16", "--heads", "2", "--blocks", "1", "--seq-len", "24", "--batch", "8", "--steps", "40",
                "--warmup", "5", "--lr", "1e-2", "--eval-every", "40", "--probe-every", "40", "--log-every", "40");
        assertEquals(0, cli.exit(), cli.out() + cli.err());
    }

    @Test
    void bbhChainOfThoughtOnSparkWritesTheDocumentedOutputsAndStopsAtStopSequences() throws Exception {
        assumeBbh();
        Path out = tmp.resolve("bbh-cot");
        int budget = 20;
        Cli cli = Cli.run("eval", "--model", run.toString(), "--suite", "bbh", "--data", BBH.toString(), "--tasks",
                "navigate,web_of_lies", "--limit", "3", "--max-new-tokens", String.valueOf(budget), "--batch", "2",
                "--master", "local[2]", "--out", out.toString());
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.out().contains("done: bbh cot on toy-mhc, 6 examples, exact match "), cli.out());
        assertOnlyTheOutputIn(out);

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("bbh", summary.get("suite").asText());
        assertEquals("cot", summary.get("mode").asText());
        assertEquals("mhc", summary.get("connection").asText());
        assertEquals("byte", summary.get("tokenizer").asText());
        assertEquals(6, summary.get("examples").asInt());
        assertEquals(List.of("navigate", "web_of_lies"), texts(summary.get("task_list")));
        assertEquals("local[2]", summary.get("master").asText());
        assertEquals(6, summary.get("partitions").asInt(), "4 x 2 cores, at most one per example");
        assertEquals(24, summary.get("context_length").asInt());
        // every 3-shot BBH prompt is far longer than 24 byte tokens
        assertEquals(6, summary.get("truncated_prompts").asInt());

        List<Row> rows = readExamples(out);
        assertEquals(6, rows.size());
        long generated = 0;
        int stoppedBySequence = 0;
        Map<String, Integer> correct = new HashMap<>();
        List<String> predictions = new ArrayList<>();
        for (Row r : rows) {
            String prediction = r.getAs("prediction");
            String output = r.getAs("output");
            String stop = r.getAs("stop");
            int tokens = r.<Integer>getAs("generated_tokens");
            assertTrue(tokens >= 1 && tokens <= budget, "budget respected: " + tokens);
            assertEquals(-1, StopSequences.find(prediction, StopSequences.BBH_COT), prediction);
            assertTrue(output.startsWith(prediction));
            if (stop.equals("stop_sequence")) {
                stoppedBySequence++;
                // generation ended on the very token that completed the stop sequence
                assertEquals(prediction.length(), StopSequences.find(output, StopSequences.BBH_COT), output);
                String before = output.substring(0, output.length() - 1);
                assertEquals(-1, StopSequences.find(before, StopSequences.BBH_COT), output);
            } else {
                assertEquals("max_new_tokens", stop);
                assertEquals(budget, tokens);
                assertEquals(output, prediction);
            }
            if (output.chars().allMatch(c -> c < 128)) {
                assertEquals(output.length(), tokens, "one byte per token");
            }
            generated += tokens;
            String task = r.getAs("task");
            String target = r.getAs("target");
            String extracted = r.getAs("extracted");
            assertEquals(extracted.equals(target) ? 1.0 : 0.0, r.<Double>getAs("score"));
            correct.merge(task, extracted.equals(target) ? 1 : 0, Integer::sum);
            int index = Integer.parseInt(r.<String>getAs("prompt_id").substring(task.length() + 1));
            assertEquals(BbhTasks.open(BBH).load(task).examples().get(index).target(), target);
            assertTrue(r.isNullAt(r.fieldIndex("options")) && r.isNullAt(r.fieldIndex("em")));
            predictions.add(JSON.writeValueAsString(Map.of("task", task, "target", target, "prediction", prediction)));
        }
        assertTrue(stoppedBySequence > 0, "a model trained on paragraphs ends some at a blank line");
        assertEquals(stoppedBySequence, summary.get("stopped_by").get("stop_sequence").asInt());
        assertEquals(generated, summary.get("generated_tokens").asLong());
        assertEquals(generated / summary.get("generation_seconds").asDouble(),
                summary.get("tokens_per_second").asDouble(), 1e-6);
        for (String task : List.of("navigate", "web_of_lies")) {
            assertEquals(correct.get(task), summary.get("tasks").get(task).get("correct").asInt());
        }

        // the same predictions through 'mhc score' give the same figures
        Path jsonl = tmp.resolve("bbh-cot.jsonl");
        Files.write(jsonl, predictions);
        JsonNode scored = score("bbh", jsonl, "--mode", "cot");
        assertEquals(scored.get("micro").get("exact_match").asDouble(),
                summary.get("micro").get("exact_match").asDouble(), 1e-12);
        assertEquals(scored.get("macro").get("exact_match").asDouble(),
                summary.get("macro").get("exact_match").asDouble(), 1e-12);
    }

    @Test
    void logLikelihoodRankingInOneJvmMatchesTheModelsSoftmaxSummedByHand() throws Exception {
        assumeBbh();
        Path out = tmp.resolve("bbh-loglik");
        Cli cli = Cli.run("eval", "--model", run.toString(), "--suite", "bbh", "--data", BBH.toString(), "--tasks",
                "navigate,hyperbaton", "--limit", "2", "--mode", "loglik", "--master", "none", "--out",
                out.toString());
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("loglik", summary.get("mode").asText());
        assertFalse(summary.has("partitions"));

        MultiLayerNetwork net = ModelStore.load(run.resolve("model"));
        BbhTasks bbh = BbhTasks.open(BBH);
        List<Row> rows = readExamples(out);
        assertEquals(4, rows.size());
        int correct = 0;
        int correctNormalized = 0;
        long optionTokens = 0;
        for (Row r : rows) {
            String task = r.getAs("task");
            BbhTask t = bbh.load(task);
            String input = t.examples().get(Integer.parseInt(r.<String>getAs("prompt_id").substring(task.length()
                    + 1))).input();
            int[] prompt = ByteTokenizer.INSTANCE.encode(BbhPrompts.direct(t, input, 3));
            List<String> options = r.getList(r.fieldIndex("options"));
            assertEquals(task.equals("navigate") ? List.of("Yes", "No") : List.of("(A)", "(B)"), options);
            List<Double> logProbs = r.getList(r.fieldIndex("option_logprob"));
            List<Integer> lengths = r.getList(r.fieldIndex("option_tokens"));
            int best = 0;
            int bestMean = 0;
            for (int o = 0; o < options.size(); o++) {
                int[] continuation = ByteTokenizer.INSTANCE.encode(" " + options.get(o));
                assertEquals(continuation.length, lengths.get(o));
                assertEquals(logProbByHand(net, prompt, continuation), logProbs.get(o), 1e-4, task + " " + o);
                best = logProbs.get(o) > logProbs.get(best) ? o : best;
                bestMean = logProbs.get(o) / lengths.get(o) > logProbs.get(bestMean) / lengths.get(bestMean)
                        ? o : bestMean;
                optionTokens += continuation.length;
            }
            assertEquals(options.get(best), r.getAs("prediction"));
            assertEquals(options.get(bestMean), r.getAs("extracted_normalized"));
            String target = r.getAs("target");
            correct += options.get(best).equals(target) ? 1 : 0;
            correctNormalized += options.get(bestMean).equals(target) ? 1 : 0;
            assertEquals(0, r.<Integer>getAs("generated_tokens"));
            assertTrue(r.isNullAt(r.fieldIndex("stop")));
        }
        assertEquals(correct / 4.0, summary.get("micro").get("exact_match").asDouble(), 1e-12);
        assertEquals(correctNormalized / 4.0, summary.get("micro").get("exact_match_normalized").asDouble(), 1e-12);
        assertEquals(optionTokens, summary.get("option_tokens").asLong());
        assertEquals(0, summary.get("targets_outside_options").asInt());
    }

    /** sum_j log softmax(net.output(window of prompt + continuation[0..j-1]))[continuation[j]], one pass each. */
    private static double logProbByHand(MultiLayerNetwork net, int[] prompt, int[] continuation) {
        int context = MhcNetworks.modelConfig(net).contextLength();
        int[] sequence = prompt;
        double sum = 0;
        for (int token : continuation) {
            int[] w = Arrays.copyOfRange(sequence, Math.max(0, sequence.length - context), sequence.length);
            INDArray ids = Nd4j.create(Arrays.stream(w).asDoubleStream().toArray(), new long[] {1, w.length},
                    DataType.DOUBLE).castTo(DataType.FLOAT);
            double[] logits = net.output(ids).get(NDArrayIndex.point(0), NDArrayIndex.point(w.length - 1),
                    NDArrayIndex.all()).castTo(DataType.DOUBLE).toDoubleVector();
            double z = 0;
            for (double v : logits) {
                z += Math.exp(v);
            }
            sum += Math.log(Math.exp(logits[token]) / z);
            sequence = Arrays.copyOf(sequence, sequence.length + 1);
            sequence[sequence.length - 1] = token;
        }
        return sum;
    }

    @Test
    void dropOnSparkAndInOneJvmGiveTheSamePredictionsAndTheScoresOfMhcScore() throws Exception {
        Path data = tmp.resolve("drop_style.json");
        DropDataset set = DropStyleGenerator.generate(20, 7);
        set.write(data);
        Path spark = tmp.resolve("drop-spark");
        Path single = tmp.resolve("drop-none");
        for (Path out : List.of(spark, single)) {
            Cli cli = Cli.run("eval", "--model", run.toString(), "--suite", "drop", "--data", data.toString(),
                    "--limit", "6", "--max-new-tokens", "12", "--batch", "1", "--master",
                    out == spark ? "local[2]" : "none", "--out", out.toString());
            assertEquals(0, cli.exit(), cli.out() + cli.err());
            assertTrue(cli.out().contains("done: drop direct on toy-mhc, 6 examples, EM "), cli.out());
        }
        Map<String, String> bySpark = predictions(readExamples(spark));
        assertEquals(bySpark, predictions(readExamples(single)), "same code path with and without Spark");
        assertEquals(6, bySpark.size());

        JsonNode summary = JSON.readTree(spark.resolve("summary.json").toFile());
        assertEquals("f1", summary.get("score").asText());
        assertEquals(List.of("\n"), texts(summary.get("stop_sequences")));
        Map<String, DropQuestion> questions = set.questions().stream()
                .collect(Collectors.toMap(DropQuestion::queryId, q -> q));
        List<String> lines = new ArrayList<>();
        for (Row r : readExamples(spark)) {
            DropQuestion q = questions.get(r.<String>getAs("prompt_id"));
            assertEquals(r.<Double>getAs("f1"), r.<Double>getAs("score"));
            assertFalse(r.<String>getAs("prediction").contains("\n"));
            ObjectNode line = JSON.createObjectNode().put("id", q.queryId()).put("prediction",
                    r.<String>getAs("extracted"));
            q.goldAnswers().forEach(a -> line.withArray("answers").add(a.toJson()));
            lines.add(JSON.writeValueAsString(line));
        }
        Path jsonl = tmp.resolve("drop.jsonl");
        Files.write(jsonl, lines);
        JsonNode scored = score("drop", jsonl);
        for (String k : List.of("em", "f1")) {
            assertEquals(scored.get("micro").get(k).asDouble(), summary.get("micro").get(k).asDouble(), 1e-12, k);
            assertEquals(scored.get("macro").get(k).asDouble(), summary.get("macro").get(k).asDouble(), 1e-12, k);
        }
        assertEquals(JSON.readTree(scored.get("tasks").toString()).size(), summary.get("tasks").size());

        // compare: one column per run, the figures as percentages; the same run twice on one benchmark is refused
        Path copy = tmp.resolve("drop-other-run");
        Files.createDirectories(copy);
        ObjectNode other = (ObjectNode) JSON.readTree(single.resolve("summary.json").toFile());
        other.put("run_label", "other").put("connection", "residual");
        JSON.writeValue(copy.resolve("summary.json").toFile(), other);
        Cli table = Cli.run("eval", "compare", spark.toString(), copy.toString());
        assertEquals(0, table.exit(), table.err());
        String f1 = String.format(java.util.Locale.ROOT, "%.1f", 100 * summary.get("micro").get("f1").asDouble());
        assertTrue(table.out().contains("| benchmark | toy-mhc (mhc) | other (residual) |"), table.out());
        assertTrue(table.out().contains("| DROP 3-shot: F1 | " + f1 + " | " + f1 + " |"), table.out());
        Cli twice = Cli.run("eval", "compare", spark.toString(), single.toString());
        assertEquals(2, twice.exit());
        assertTrue(twice.err().contains("both evaluate toy-mhc (mhc) on 'DROP 3-shot: F1'"), twice.err());
    }

    @Test
    void generationStopsWhereAStopSequenceFirstAppears() {
        ModelRun model = ModelRun.open(run.toString(), new Configuration());
        List<EvalItem> items = List.of(new EvalItem("a", "Q: is it red?\nA:", null),
                new EvalItem("b", "Q: is it blue?\nA: So", null));
        for (int i = 0; i < items.size(); i++) {
            // each prompt alone in its batch, in both runs: the same shapes, so the same floating-point results
            PromptResult free = new PromptRunner(model.tokenizer(), false, 16, List.of("\u0000never"), 2)
                    .run(model.net(), List.of(items.get(i)), x -> { }, x -> { }).get(0);
            String text = free.output();
            assertEquals(16, free.generatedTokens());
            assertEquals("max_new_tokens", free.stop());
            // a stop sequence taken from the middle of what the model generates unhindered
            String stop = text.substring(4, 6);
            int at = text.indexOf(stop);
            PromptResult stopped = new PromptRunner(model.tokenizer(), false, 16, List.of(stop), 2)
                    .run(model.net(), List.of(items.get(i)), x -> { }, x -> { }).get(0);
            assertEquals(text.substring(0, at + stop.length()), stopped.output(), "stops right after the sequence");
            assertEquals(text.substring(0, at), stopped.prediction());
            assertEquals("stop_sequence", stopped.stop());
            assertEquals((text.substring(0, at + stop.length())).getBytes(StandardCharsets.UTF_8).length,
                    stopped.generatedTokens());
        }
    }

    @Test
    void aRunTrainedOnATokenizedDatasetIsReadWithThatDatasetsTokenizer() throws Exception {
        assumeBbh();
        Path dataset = tmp.resolve("toy-bpe");
        Cli tokenize = Cli.run("tokenize", "--input", tmp.resolve("toy.txt").toString(), "--output",
                dataset.toString(), "--tokenizer", "bpe:300", "--seq-len", "16", "--master", "local[1]");
        assertEquals(0, tokenize.exit(), tokenize.err());
        // the trainer stops early when the tiny corpus has no more pairs to merge: read the size it reached
        int vocab = dev.mhcspark.datasets.DatasetManifest.read(dataset.toString(), new Configuration()).tokenizer()
                .vocabSize();
        assertTrue(vocab > 257 && vocab <= 300, "vocab " + vocab);
        // an (untrained) model of the dataset's vocabulary, in a run directory whose settings name the dataset
        Path bpeRun = tmp.resolve("run-bpe");
        ModelStore.save(MhcNetworks.buildFixed(ModelConfig.of(ConnectionType.HC, vocab, 8, 2, 1, 16), 1,
                DataType.FLOAT), bpeRun.resolve("model"));
        Files.writeString(bpeRun.resolve("train.json"), JSON.createObjectNode().put("data", dataset.toString())
                .toString());
        Path out = tmp.resolve("bpe-loglik");
        Cli cli = Cli.run("eval", "--model", bpeRun.toString(), "--suite", "bbh", "--data", BBH.toString(),
                "--tasks", "navigate", "--limit", "2", "--mode", "loglik", "--master", "none", "--out",
                out.toString());
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("bpe:tokenizer.json", summary.get("tokenizer").asText());
        assertEquals("hc", summary.get("connection").asText());
        var tokenizer = dev.mhcspark.datasets.DatasetManifest.read(dataset.toString(), new Configuration())
                .loadTokenizer(dataset.toString(), new Configuration());
        BbhTask navigate = BbhTasks.open(BBH).load("navigate");
        for (Row r : readExamples(out)) {
            String prompt = BbhPrompts.direct(navigate, navigate.examples().get(Integer.parseInt(
                    r.<String>getAs("prompt_id").substring("navigate/".length()))).input(), 3);
            int tokens = r.<Integer>getAs("prompt_tokens");
            assertEquals(tokenizer.encode(prompt).length, tokens);
            assertTrue(tokens < prompt.getBytes(StandardCharsets.UTF_8).length, "BPE tokens are not bytes");
        }

        // the same dataset under a model of the byte vocabulary: refused before anything runs
        Path wrong = tmp.resolve("run-bpe-wrong-vocab");
        ModelStore.save(MhcNetworks.buildFixed(ModelConfig.of(ConnectionType.HC, 257, 8, 2, 1, 16), 1,
                DataType.FLOAT), wrong.resolve("model"));
        Files.copy(bpeRun.resolve("train.json"), wrong.resolve("train.json"));
        assertError("model/tokenizer mismatch: the model in " + wrong.resolve("model") + " has vocab_size 257 but "
                + "its tokenizer (bpe:tokenizer.json, from 'data' " + dataset + " in train.json) has " + vocab + " ids",
                new String[] {"--model", wrong.toString(), "--suite", "bbh", "--data", BBH.toString(), "--tasks",
                    "navigate", "--master", "none"});
    }

    @Test
    void badInputIsAClearErrorAndLeavesNoOutput() throws Exception {
        assumeBbh();
        String[] common = {"--model", run.toString(), "--suite", "bbh", "--data", BBH.toString(), "--limit", "1",
            "--master", "none"};
        assertError("--tasks: unknown BBH task 'navigation'; known tasks: boolean_expressions,", common,
                "--tasks", "navigate,navigation");
        assertError("--mode loglik: task word_sorting has free-form answers", common, "--tasks", "word_sorting",
                "--mode", "loglik");
        assertError("--mode: expected one of cot, direct, loglik, got 'greedy'", common, "--mode", "greedy");
        assertError("--shots 4: task navigate has 3 worked exemplars", common, "--tasks", "navigate", "--shots", "4");
        assertError("--max-new-tokens: --mode loglik generates nothing", common, "--mode", "loglik",
                "--max-new-tokens", "5");

        Path noPrompts = tmp.resolve("bbh-without-prompts");
        Files.createDirectories(noPrompts.resolve("tasks"));
        Files.copy(BBH.resolve("tasks").resolve("navigate.json"), noPrompts.resolve("tasks").resolve("navigate.json"));
        assertError("cot-prompts: no such directory (a BBH directory without its chain-of-thought prompts)",
                new String[] {"--model", run.toString(), "--suite", "bbh", "--data", noPrompts.toString(),
                    "--master", "none"});

        // a model whose vocabulary is not its tokenizer's: bytes have 257 ids
        Path mismatched = tmp.resolve("run-vocab-300");
        Files.createDirectories(mismatched);
        ModelStore.save(MhcNetworks.buildFixed(ModelConfig.of(ConnectionType.RESIDUAL, 300, 8, 2, 1, 16), 1,
                DataType.FLOAT), mismatched.resolve("model"));
        Files.writeString(mismatched.resolve("config.json"), "{\"data\": \"/corpora/some.txt\"}");
        assertError("model/tokenizer mismatch: the model in " + mismatched.resolve("model") + " has vocab_size 300 "
                + "but its tokenizer (byte, from 'data' /corpora/some.txt in config.json) has 257 ids",
                new String[] {"--model", mismatched.toString(), "--suite", "bbh", "--data", BBH.toString(),
                    "--tasks", "navigate", "--limit", "1", "--master", "local[1]"});
        Files.writeString(mismatched.resolve("config.json"), "{\"data\": \"synthetic\"}");
        assertError("model/tokenizer mismatch: " + mismatched + " was trained on synthetic tokens", new String[] {
            "--model", mismatched.toString(), "--suite", "bbh", "--data", BBH.toString(), "--master", "none"});
        assertError("--model " + tmp.resolve("nothing") + ": no such directory", new String[] {"--model",
            tmp.resolve("nothing").toString(), "--suite", "bbh", "--data", BBH.toString(), "--master", "none"});

        assertError("--mode cot: only for --suite bbh", new String[] {"--model", run.toString(), "--suite", "drop",
            "--data", "x.json", "--mode", "cot"});
        assertError("x.json: no such file; expected a DROP data file", new String[] {"--model", run.toString(),
            "--suite", "drop", "--data", "x.json", "--master", "none"});
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        Cli cli = Cli.run(concat(concat(new String[] {"eval"}, common), "--out", existing.toString()));
        assertEquals(2, cli.exit());
        assertTrue(cli.err().contains("--out " + existing + ": already exists"), cli.err());
    }

    private void assertError(String expected, String[] args, String... more) throws IOException {
        Path out = tmp.resolve("failed-" + Math.abs(expected.hashCode()));
        Cli cli = Cli.run(concat(concat(concat(new String[] {"eval"}, args), more), "--out", out.toString()));
        assertEquals(2, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().startsWith("mhc eval: "), cli.err());
        assertTrue(cli.err().contains(expected), "expected '" + expected + "' in: " + cli.err());
        assertFalse(Files.exists(out), "no output directory after a failure");
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                    "no temporary directory left behind");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void assertOnlyTheOutputIn(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of("examples", "examples/part-00000.parquet", "summary.json"),
                    files.filter(p -> !p.equals(out)).map(p -> out.relativize(p).toString()).sorted().toList());
        }
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName()))
                    .toList());
        }
    }

    private static JsonNode score(String suite, Path jsonl, String... more) throws IOException {
        Cli cli = Cli.run(concat(new String[] {"score", "--suite", suite, "--predictions", jsonl.toString()}, more));
        assertEquals(0, cli.exit(), cli.err());
        return JSON.readTree(cli.out());
    }

    private static Map<String, String> predictions(List<Row> rows) {
        return rows.stream().collect(Collectors.toMap(r -> r.getAs("prompt_id"), r -> r.getAs("prediction")));
    }

    /** The examples Parquet as Spark reads it (a session of its own, stopped before the next command runs). */
    private static List<Row> readExamples(Path out) {
        SparkSession spark = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            var frame = spark.read().parquet(out.resolve("examples").toString());
            assertEquals("prompt_id:string,task:string,prediction:string,extracted:string,target:string,score:double,"
                    + "em:double,f1:double,prompt_tokens:int,truncated:boolean,generated_tokens:int,stop:string,"
                    + "output:string,options:array<string>,option_logprob:array<double>,option_tokens:array<int>,"
                    + "extracted_normalized:string,score_normalized:double",
                    Arrays.stream(frame.schema().fields()).map(f -> f.name() + ":" + f.dataType().simpleString())
                            .collect(Collectors.joining(",")));
            return frame.collectAsList();
        } finally {
            spark.stop();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void assumeBbh() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(BBH), "no BBH data at "
                + BBH.toAbsolutePath());
    }
}
