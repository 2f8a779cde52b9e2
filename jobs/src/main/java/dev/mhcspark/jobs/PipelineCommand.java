package dev.mhcspark.jobs;

import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.jobs.pipeline.CodeFingerprint;
import dev.mhcspark.jobs.pipeline.MemberState;
import dev.mhcspark.jobs.pipeline.Pipeline;
import dev.mhcspark.jobs.pipeline.PipelineFile;
import dev.mhcspark.jobs.pipeline.PipelinePlanner;
import dev.mhcspark.jobs.pipeline.PipelineRunner;
import dev.mhcspark.jobs.pipeline.StageRun;
import dev.mhcspark.model.ModelConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mhc pipeline run|status}: declarative pipelines of mhc commands with content-keyed stage caching. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run a pipeline file: named stages (tokenizer-train, tokenize, train, eval, drop-style, "
                + "report) whose inputs are other stages' outputs, in dependency order, each in its own JVM.",
            "Each stage member's output lives in <workdir>/<stage>/<key>/, the key a hash of its command, "
                + "parameters, the code version, its input files' contents and its inputs' keys: a member whose "
                + "output under its key is complete is skipped; a changed parameter re-runs it and everything "
                + "downstream. The file format is documented in pipelines/README.md."},
        subcommands = {PipelineCommand.Run.class, PipelineCommand.Status.class},
        footer = {"", "Examples:", "  mhc pipeline run pipelines/stability-sweep.yaml --dry-run",
            "  mhc pipeline run pipelines/stability-sweep.yaml --max-parallel 2",
            "  mhc pipeline status pipelines/stability-sweep.yaml"})
final class PipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: run or status");
    }

    /** The options both subcommands share. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline file (YAML).")
        Path file;

        @Option(names = "--workdir", paramLabel = "DIR", description = "Where stage outputs live (local or "
                + "hdfs://). Default: the file's 'workdir' (out/<pipeline name>).")
        String workdir;

        Pipeline pipeline() {
            return PipelineFile.read(file);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Print the plan, then run the stages that are not done, in dependency order.",
                "Interrupt it at any point (Ctrl-C, or kill): the next run skips finished members, resumes an "
                        + "interrupted training run from its last checkpoint and redoes any other unfinished member."})
    static final class Run implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @Option(names = "--master", paramLabel = "URL", description = "Spark master of every Spark stage "
                + "(local[N], local-cluster[...], or yarn / k8s://... / spark://..., reached through mhc submit). "
                + "Default: the file's 'master' (local[*]). Not part of the stage keys.")
        String master;

        @Option(names = "--only", split = ",", paramLabel = "STAGE", description = "Run only these stages (their "
                + "inputs must be done).")
        List<String> only = new ArrayList<>();

        @Option(names = "--from", paramLabel = "STAGE", description = "Run this stage and its dependants only (its "
                + "inputs must be done).")
        String from;

        @Option(names = "--max-parallel", defaultValue = "1", paramLabel = "N", description = "Members run at once "
                + "(each its own Spark application; on local masters they share this machine's cores). Default: "
                + "${DEFAULT-VALUE}.")
        int maxParallel;

        @Option(names = "--dry-run", description = "Print the plan (each member's state and command) and stop.")
        boolean dryRun;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            return execute(target.pipeline(), target.workdir, master, new LinkedHashSet<>(only), from, maxParallel,
                    dryRun, spec.commandLine().getOut());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show each stage member as done / running / failed / stale / pending, where its output "
                    + "lives, and why it is stale or failed.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Pipeline pipeline = target.pipeline();
            String workdir = target.workdir != null ? target.workdir : pipeline.workdir();
            List<StageRun> plan = PipelinePlanner.plan(pipeline, context(), workdir);
            PipelineRunner runner = new PipelineRunner(plan, workdir, new Configuration(), Main.class.getName(),
                    spec.commandLine().getOut());
            printStates(pipeline, workdir, runner.status(), null, spec.commandLine().getOut());
            return 0;
        }
    }

    /** Plans {@code pipeline}, prints the plan and, unless a dry run, runs it: 0 when every member is done. */
    static int execute(Pipeline pipeline, String workdirOverride, String masterOverride, Set<String> only,
            String from, int maxParallel, boolean dryRun, PrintWriter out) throws InterruptedException {
        long started = System.nanoTime();
        String workdir = workdirOverride != null ? workdirOverride : pipeline.workdir();
        String master = masterOverride != null ? masterOverride : pipeline.master();
        List<StageRun> plan = PipelinePlanner.plan(pipeline, context(), workdir);
        PipelineRunner.Options options = new PipelineRunner.Options(master, maxParallel, only, from);
        PipelineRunner runner = new PipelineRunner(plan, workdir, new Configuration(), Main.class.getName(), out);
        List<StageRun> selected = runner.selection(options, pipeline.stages().keySet());
        printStates(pipeline, workdir, runner.status(), dryRun ? master : null, out);
        if (dryRun) {
            return 0;
        }
        Map<StageRun, PipelineRunner.Outcome> outcomes = runner.run(selected, options);
        boolean ok = outcomes.values().stream().noneMatch(o -> o == PipelineRunner.Outcome.FAILED
                || o == PipelineRunner.Outcome.BLOCKED);
        out.printf(Locale.ROOT, "pipeline %s: %d members: %s in %.1f s; outputs under %s%n", pipeline.name(),
                outcomes.size(), PipelineRunner.summary(outcomes), (System.nanoTime() - started) / 1e9, workdir);
        return ok ? 0 : 1;
    }

    /** One line per member: state, id, output (and the command on a dry run), then why it is stale or failed. */
    private static void printStates(Pipeline pipeline, String workdir, Map<StageRun, MemberState> states,
            String commandMaster, PrintWriter out) {
        out.printf("pipeline %s (%s), work directory %s:%n", pipeline.name(), pipeline.file(), workdir);
        for (Map.Entry<StageRun, MemberState> e : states.entrySet()) {
            StageRun r = e.getKey();
            MemberState s = e.getValue();
            out.printf("  %-8s %-36s %s%n", s.state().name().toLowerCase(Locale.ROOT), r.id(), r.output());
            if (!s.reason().isEmpty()) {
                out.println("           " + s.reason());
            }
            if (commandMaster != null) {
                out.println("           mhc " + PipelineRunner.withMaster(r, r.args(), commandMaster).stream()
                        .map(PipelineCommand::shellWord).collect(Collectors.joining(" ")));
            }
        }
        out.flush();
    }

    /** {@code arg} as a shell would need it typed: quoted if it holds anything but plain path characters. */
    private static String shellWord(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@,+\\[\\]*-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    static PipelinePlanner.Context context() {
        return new PipelinePlanner.Context(Main::commandLine, Launcher.home(),
                CodeFingerprint.of(List.of(Main.class, DatasetManifest.class, ModelConfig.class)));
    }
}
