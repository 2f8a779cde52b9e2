package dev.mhcspark.jobs.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a stage runs: an {@code mhc} command, the option the pipeline sets to the stage's output, and what proves the
 * output complete. Every command writes its output atomically (or, for train, its summary last), so a complete
 * output can be trusted whoever wrote it.
 */
public enum StageType {
    TOKENIZER_TRAIN("tokenizer-train", List.of("tokenizer", "train"), "--output", "tokenizer.json", ""),
    TOKENIZE("tokenize", List.of("tokenize"), "--output", "data", "manifest.json"),
    TRAIN("train", List.of("train"), "--run", null, "summary.json"),
    EVAL("eval", List.of("eval"), "--out", null, "summary.json"),
    DROP_STYLE("drop-style", List.of("eval", "make-drop-style"), "--out", "drop_style.json", ""),
    REPORT("report", List.of("report"), "--out", "report", "report.md");

    private final String id;
    private final List<String> command;
    private final String outputOption;
    private final String outputName;
    private final String completeMarker;

    StageType(String id, List<String> command, String outputOption, String outputName, String completeMarker) {
        this.id = id;
        this.command = command;
        this.outputOption = outputOption;
        this.outputName = outputName;
        this.completeMarker = completeMarker;
    }

    public String id() {
        return id;
    }

    /** The {@code mhc} subcommand words, e.g. {@code [eval, make-drop-style]}. */
    public List<String> command() {
        return command;
    }

    /** The option the pipeline sets to the output path; a pipeline file may not set it. */
    public String outputOption() {
        return outputOption;
    }

    /**
     * The output's name inside the member's directory: fixed, or (null) the member's label, so that runs and
     * evaluations carry a telling name ({@code mhc}, {@code residual}) into reports.
     */
    public String outputName(String memberLabel) {
        return outputName != null ? outputName : memberLabel;
    }

    /** The file whose presence proves the output complete: relative to the output, or "" for the output itself. */
    public String completeMarker() {
        return completeMarker;
    }

    /** The parameter that holds the command's positional arguments (report's run directories), or null. */
    public String positionalParam() {
        return this == REPORT ? "runs" : null;
    }

    /** Whether the command takes {@code --master} (the pipeline then sets it). */
    public boolean sparkMaster() {
        return this == TOKENIZER_TRAIN || this == TOKENIZE || this == TRAIN || this == EVAL;
    }

    static StageType of(String id) {
        for (StageType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }

    static String ids() {
        return Arrays.stream(values()).map(StageType::id).collect(Collectors.joining(", "));
    }
}
