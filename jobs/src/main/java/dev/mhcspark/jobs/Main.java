package dev.mhcspark.jobs;

import dev.mhcspark.jobs.pipeline.StageProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/mhc}: the one entry point. Each subcommand is a short class that wires library code. */
@Command(name = "mhc",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Train and study residual, Hyper-Connection (HC) and manifold-constrained HC (mHC) "
                + "Transformers.",
        subcommands = {EvalCommand.class, ExperimentCommand.class, PipelineCommand.class, QuickstartCommand.class,
                ReportCommand.class, ScoreCommand.class, SubmitCommand.class, TokenizeCommand.class,
                TokenizerCommand.class, TrainCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'mhc <command> --help' for the options of a command."})
public final class Main {
    public static void main(String[] args) {
        if (Boolean.getBoolean(StageProcess.EXIT_WITH_PARENT)) {
            StageProcess.exitWithParent();
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mhc-spark " + (v == null ? "development build" : v)};
        }
    }
}
