package dev.mhcspark.jobs;

import dev.mhcspark.jobs.pipeline.PipelineFile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mhc quickstart}: the whole platform on the bundled corpus, as the pipeline {@code pipelines/quickstart.yaml}.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the platform end to end on the bundled corpus with Spark local[*]: train a BPE tokenizer "
                + "and tokenize into Parquet shards, train residual and mhc models with parameter averaging (2 "
                + "workers), evaluate both on BBH tasks (log-likelihood) and a DROP-style sample, and write the "
                + "report (PNG charts and report.md).",
            "It is the pipeline pipelines/quickstart.yaml: finished stages are reused (interrupt it and run it again "
                + "to continue), --fresh redoes everything."})
final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--workdir", defaultValue = "out/quickstart", paramLabel = "DIR",
            description = "Where everything is written. Default: ${DEFAULT-VALUE}.")
    Path workdir;

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL",
            description = "Spark master. Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--fresh", description = "Delete the work directory first and redo every stage.")
    boolean fresh;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (fresh && Files.exists(workdir)) {
            out.println("quickstart: --fresh: deleting " + workdir);
            HadoopPaths.fileSystem("--workdir", workdir.toString(), new Configuration())
                    .delete(new org.apache.hadoop.fs.Path(workdir.toAbsolutePath().toString()), true);
        }
        Path file = Launcher.home().resolve("pipelines/quickstart.yaml");
        int exit = PipelineCommand.execute(PipelineFile.read(file), workdir.toString(), master, Set.of(), null, 1,
                false, out);
        if (exit == 0) {
            try (Stream<Path> reports = Files.walk(workdir.resolve("report"), 3)) {
                reports.filter(p -> p.getFileName().toString().equals("report.md")).findFirst().ifPresent(r -> {
                    out.println();
                    out.println("quickstart: the report: " + r.toAbsolutePath());
                    out.println("quickstart: its charts: " + r.getParent().toAbsolutePath() + "/*.png");
                });
            }
            out.println("quickstart: every stage's output: bin/mhc pipeline status " + file + " --workdir " + workdir);
        }
        return exit;
    }
}
