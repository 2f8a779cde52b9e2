package dev.mhcspark.jobs.pipeline;

/**
 * One YAML scalar of a pipeline file as written, with the type YAML resolved it to and its line.
 *
 * @param text the scalar's text ({@code 1e-3}, {@code mhc}, {@code ${data}})
 * @param kind what YAML's core schema makes of it
 * @param line 1-based line in the pipeline file
 */
public record Scalar(String text, Kind kind, int line) {
    public enum Kind { STRING, INT, FLOAT, BOOL, NULL }
}
