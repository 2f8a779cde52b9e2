package dev.mhcspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mhc experiment}: fixed comparisons between the connections, each a few ordinary commands wired together. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Experiments that compare the residual, HC and mHC connections.",
        subcommands = {ExperimentCommand.Stability.class})
final class ExperimentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: stability");
    }

    /**
     * {@code mhc experiment stability}: the paper's stability comparison in kind. The same data, seed and a stressed
     * configuration (deep and narrow, high learning rate) for each connection, then one report.
     */
    @Command(name = "stability", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train residual, hc and mhc on the same tokenized data with the same seed and a deliberately "
                    + "stressed configuration (deep and narrow, high learning rate), then write the report (loss, "
                    + "gradient norm, composite gain per layer and over steps).",
                "Writes <out>/data (unless --data is given), <out>/runs/<connection> and <out>/report. A finished "
                        + "run (summary.json present) is reused; an interrupted one is resumed."})
    static final class Stability implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Experiment directory.")
        Path out;

        @Option(names = "--data", paramLabel = "DIR", description = "Tokenized dataset (default: the bundled corpus, "
                + "byte tokens, tokenized into <out>/data).")
        String data;

        @Option(names = "--master", defaultValue = "local[*]", description = "Spark master. Default: ${DEFAULT-VALUE}.")
        String master;

        @Option(names = "--workers", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
        int workers;

        @Option(names = "--blocks", defaultValue = "12", description = "Blocks (2 sublayers each). Default: "
                + "${DEFAULT-VALUE} (24 sublayers).")
        int blocks;

        @Option(names = "--d-model", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
        int dModel;

        @Option(names = "--seq-len", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
        int seqLen;

        @Option(names = "--batch", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
        int batch;

        @Option(names = "--steps", defaultValue = "240", description = "Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(names = "--lr", defaultValue = "1e-2", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
        String lr;

        @Option(names = "--on-divergence", defaultValue = "stop", description = "As for train. Default: "
                + "${DEFAULT-VALUE}.")
        String onDivergence;

        @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
        long seed;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter console = spec.commandLine().getOut();
            String dataset = data != null ? data : out.resolve("data").toString();
            if (data == null && !Files.exists(out.resolve("data/manifest.json"))) {
                run("tokenize", "--input", Launcher.home().resolve("data/corpora/tinyshakespeare.txt").toString(),
                        "--output", dataset, "--tokenizer", "byte", "--seq-len", Integer.toString(seqLen),
                        "--doc-split", "blank-line", "--master", master);
            }
            List<String> runs = new ArrayList<>();
            for (String connection : List.of("residual", "hc", "mhc")) {
                Path run = out.resolve("runs").resolve(connection);
                runs.add(run.toString());
                if (Files.exists(run.resolve(RunDirectory.SUMMARY))) {
                    console.println("experiment: " + connection + " already trained in " + run);
                    continue;
                }
                List<String> args = new ArrayList<>(List.of("train", "--data", dataset, "--run", run.toString(),
                        "--master", master, "--workers", Integer.toString(workers), "--connection", connection,
                        "--blocks", Integer.toString(blocks), "--d-model", Integer.toString(dModel), "--heads", "2",
                        "--seq-len", Integer.toString(seqLen), "--batch", Integer.toString(batch), "--steps",
                        Integer.toString(steps), "--lr", lr, "--warmup", Integer.toString(Math.max(1, steps / 20)),
                        "--averaging-frequency", "4", "--metrics-every", "4", "--eval-every",
                        Integer.toString(Math.max(4, steps / 6)), "--checkpoint-every", Integer.toString(steps / 4 + 1),
                        "--on-divergence", onDivergence, "--seed", Long.toString(seed)));
                if (Files.exists(run.resolve(RunDirectory.CONFIG))) {
                    args.add("--resume");
                }
                run(args.toArray(String[]::new));
            }
            List<String> report = new ArrayList<>(List.of("report"));
            report.addAll(runs);
            report.addAll(List.of("--out", out.resolve("report").toString(), "--overwrite"));
            run(report.toArray(String[]::new));
            return 0;
        }

        private void run(String... args) {
            CommandLine main = Main.commandLine();
            main.setOut(spec.commandLine().getOut());
            main.setErr(spec.commandLine().getErr());
            int exit = main.execute(args);
            if (exit != 0) {
                throw new IllegalStateException("experiment stability: 'mhc " + String.join(" ", args)
                        + "' failed with exit code " + exit);
            }
        }
    }
}
