package dev.mhcspark.jobs.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One member of a planned stage (a stage without a grid has one): what runs, its key and where its output lives.
 *
 * @param stage    the stage as written
 * @param label    the member's name: the stage's name, or its grid values and those of the upstream members it
 *                 fans out over ({@code mhc}, {@code connection-hc_lr-0.01})
 * @param key      hash of the command, its parameters, the code version, its inputs' contents and its upstream
 *                 members' keys: equal keys mean equal outputs
 * @param dir      {@code <workdir>/<stage>/<key>}: {@code stage.json}, {@code stage.log} and the output
 * @param output   the output path the command writes (inside {@code dir})
 * @param args     the {@code mhc} arguments, without the master (set when run)
 * @param upstream the members whose outputs this one reads
 * @param record   what the key was computed from, as stored in {@code stage.json} (status explains staleness by it)
 */
public record StageRun(StageSpec stage, String label, String key, String dir, String output, List<String> args,
        List<StageRun> upstream, ObjectNode record) {
    public StageRun {
        args = List.copyOf(args);
        upstream = List.copyOf(upstream);
    }

    /** {@code stage} or {@code stage[label]} for messages. */
    public String id() {
        return label.equals(stage.name()) ? stage.name() : stage.name() + "[" + label + "]";
    }
}
