package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.jobs.pipeline.PipelineException;
import dev.mhcspark.jobs.pipeline.PipelineFile;
import dev.mhcspark.jobs.pipeline.PipelinePlanner;
import dev.mhcspark.jobs.pipeline.PipelineRunner;
import dev.mhcspark.jobs.pipeline.StageRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline files: every kind of invalid file is rejected before anything runs, naming the file, line and reason. */
class PipelineFileTest {
    private static final String VALID = """
            pipeline: t
            stages:
              data:
                type: tokenize
                params:
                  input: corpus.txt
                  seq-len: 16
              train:
                type: train
                grid:
                  connection: [residual, mhc]
                  lr: [1e-3, 3e-3]
                params:
                  data: ${data}
                  steps: 8
              bbh:
                type: eval
                params:
                  model: ${train}
                  suite: bbh
                  data: bbh
              report:
                type: report
                params:
                  runs: ${train[*]}
                  eval: ${bbh[*]}
            """;

    @TempDir
    Path tmp;

    private static List<StageRun> plan(String yaml) {
        return PipelinePlanner.plan(PipelineFile.parse("p.yaml", yaml), PipelineCommand.context(), "/w");
    }

    private static void rejected(String yaml, int line, String reason) {
        PipelineException e = assertThrows(PipelineException.class, () -> plan(yaml));
        assertTrue(e.getMessage().startsWith("p.yaml:" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void gridsExpandAndReferencesFanOutOrGather() {
        List<StageRun> plan = plan(VALID);
        Map<String, List<String>> members = plan.stream().collect(Collectors.groupingBy(r -> r.stage().name(),
                java.util.LinkedHashMap::new, Collectors.mapping(StageRun::label, Collectors.toList())));
        assertEquals(List.of("data", "train", "bbh", "report"), List.copyOf(members.keySet()));
        assertEquals(List.of("connection-residual_lr-1e-3", "connection-residual_lr-3e-3", "connection-mhc_lr-1e-3",
                "connection-mhc_lr-3e-3"), members.get("train"));
        assertEquals(members.get("train"), members.get("bbh"), "one evaluation per trained model");
        StageRun report = plan.get(plan.size() - 1);
        assertEquals(8, report.upstream().size(), "the report reads every run and every evaluation");
        StageRun firstTrain = plan.get(1);
        assertEquals(List.of("train", "--data", plan.get(0).output(), "--steps", "8", "--connection", "residual",
                "--lr", "1e-3", "--run", firstTrain.output()), firstTrain.args());
        assertTrue(firstTrain.output().startsWith("/w/train/" + firstTrain.key() + "/"), firstTrain.output());
        assertEquals(4, plan.stream().filter(r -> r.stage().name().equals("train")).map(StageRun::key).distinct()
                .count());
    }

    @Test
    void keysFollowParametersInputsAndUpstreamKeys() throws Exception {
        Path corpus = Files.writeString(tmp.resolve("corpus.txt"), "to be or not to be");
        String yaml = VALID.replace("input: corpus.txt", "input: " + corpus);
        List<StageRun> before = plan(yaml);
        assertEquals(keys(before), keys(plan(yaml)), "planning is deterministic");

        List<StageRun> newLr = plan(yaml.replace("steps: 8", "steps: 9"));
        assertEquals(before.get(0).key(), newLr.get(0).key(), "upstream of the change: same key");
        for (int i = 1; i < before.size(); i++) {
            assertNotEquals(before.get(i).key(), newLr.get(i).key(), "the changed stage and its dependants");
        }
        Files.writeString(corpus, "to be or not to be, that is the question");
        List<StageRun> newCorpus = plan(yaml);
        for (int i = 0; i < before.size(); i++) {
            assertNotEquals(before.get(i).key(), newCorpus.get(i).key(), "an input file's content is in the key");
        }
    }

    private static List<String> keys(List<StageRun> plan) {
        return plan.stream().map(StageRun::key).toList();
    }

    @Test
    void onlyAndFromSelectStagesWhoseInputsAreDone() {
        List<StageRun> plan = plan(VALID);
        PipelineRunner runner = new PipelineRunner(plan, tmp.resolve("w").toString(), new Configuration(),
                Main.class.getName(), new PrintWriter(System.out));
        Set<String> stages = Set.of("data", "train", "bbh", "report");
        assertEquals(plan, runner.selection(new PipelineRunner.Options("local[1]", 1, Set.of(), null), stages));
        IllegalArgumentException notDone = assertThrows(IllegalArgumentException.class, () -> runner.selection(
                new PipelineRunner.Options("local[1]", 1, Set.of("train"), null), stages));
        assertEquals("train[connection-residual_lr-1e-3] reads data, which is not done and not selected; run it "
                + "first (or drop --only/--from)", notDone.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runner.selection(
                new PipelineRunner.Options("local[1]", 1, Set.of(), "bbh"), stages), "bbh reads train, not done");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> runner.selection(
                new PipelineRunner.Options("local[1]", 1, Set.of(), "trian"), stages));
        assertEquals("--from trian: no such stage; stages: " + stages, unknown.getMessage());
    }

    @Test
    void clusterMastersGoThroughSubmit() {
        StageRun train = plan(VALID).get(1);
        assertEquals(List.of("train", "--data"), PipelineRunner.withMaster(train, train.args(), "local[2]")
                .subList(0, 2));
        assertEquals(List.of("--master", "local[2]"), PipelineRunner.withMaster(train, train.args(), "local[2]")
                .subList(train.args().size(), train.args().size() + 2));
        List<String> yarn = PipelineRunner.withMaster(train, train.args(), "yarn");
        assertEquals(List.of("submit", "--master", "yarn", "train", "--data"), yarn.subList(0, 5));
        assertFalse(yarn.subList(3, yarn.size()).contains("--master"), "spark-submit sets the master");
    }

    @Test
    void unknownStageType() {
        rejected(VALID.replace("type: train", "type: trian"), 9, "stage 'train': unknown stage type 'trian'; "
                + "expected one of tokenizer-train, tokenize, train, eval, drop-style, report");
    }

    @Test
    void cycle() {
        rejected(VALID.replace("input: corpus.txt", "input: ${report}"), 3, "stages [bbh, data, report, train] "
                + "depend on each other in a cycle");
    }

    @Test
    void missingReference() {
        rejected(VALID.replace("data: ${data}", "data: ${dataset}"), 14, "stage 'train': reference ${dataset} names no "
                + "stage");
    }

    @Test
    void wrongParameterType() {
        rejected(VALID.replace("steps: 8", "steps: many"), 15, "stage 'train' (train): parameter 'steps': 'many' is "
                + "not valid: expected an integer");
        rejected(VALID.replace("lr: [1e-3, 3e-3]", "lr: [1e-3, fast]"), 12, "parameter 'lr': 'fast' is not valid: "
                + "expected a number");
        rejected(VALID.replace("steps: 8", "steps: [8, 9]"), 15, "parameter 'steps': expected a single value, not a "
                + "list (use a grid to try several)");
        rejected(VALID.replace("suite: bbh", "suite: mmlu"), 20, "parameter 'suite': 'mmlu' is not valid");
    }

    @Test
    void unknownOrReservedParameter() {
        rejected(VALID.replace("steps: 8", "stepz: 8"), 15, "parameter 'stepz' is not an option of 'mhc train'; "
                + "options: [");
        rejected(VALID.replace("steps: 8", "run: somewhere"), 15, "parameter 'run' is set by the pipeline");
        rejected(VALID.replace("steps: 8", "master: yarn"), 15, "set 'master' at the top of the pipeline");
    }

    @Test
    void malformedFiles() {
        rejected("pipeline: t\nstages:\n  a:\n    type: tokenize\n    params: [1]\n", 5, "stage 'a' params: expected "
                + "a mapping");
        rejected("pipeline: t\nstages:\n  a:\n    type: tokenize\n    typo: 1\n", 5, "unknown key 'typo'");
        rejected("pipeline: t\nstages:\n  a:\n    type: tokenize\n    type: train\n", 5, "'type' is given twice");
        rejected("pipeline: t\nstages: {a: {type: tokenize, params: {input: x, seq-len: [}}}\n", 2, "not valid YAML");
        rejected("stages:\n  a:\n    type: tokenize\n", 1, "missing 'pipeline'");
        rejected("pipeline: t\nstages:\n  Data:\n    type: tokenize\n", 3, "stage name 'Data'");
    }

    @Test
    void runRejectsAnInvalidFileBeforeWritingAnything() throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.yaml"), VALID.replace("steps: 8", "steps: many"));
        Path workdir = tmp.resolve("work");
        Cli cli = Cli.run("pipeline", "run", file.toString(), "--workdir", workdir.toString());
        assertEquals(2, cli.exit(), cli.out());
        assertTrue(cli.err().contains(file + ":15: stage 'train' (train): parameter 'steps': 'many' is not valid"),
                cli.err());
        assertFalse(Files.exists(workdir), "nothing ran, nothing was written");
    }
}
