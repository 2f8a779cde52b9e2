package dev.mhcspark.jobs.pipeline;

/** A pipeline file that cannot run: names the file, the line and what was expected. */
public final class PipelineException extends IllegalArgumentException {
    public PipelineException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
    }
}
