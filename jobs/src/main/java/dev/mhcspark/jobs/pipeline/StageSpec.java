package dev.mhcspark.jobs.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage as written in a pipeline file.
 *
 * @param name   unique name, also the stage's directory under the work directory
 * @param type   what runs
 * @param params the command's options (values may reference other stages' outputs)
 * @param grid   options with several values: the stage runs once per combination (a sweep)
 * @param submit options of {@code mhc submit} used when the pipeline runs on a cluster master
 * @param line   line of the stage's name in the file
 */
public record StageSpec(String name, StageType type, Map<String, Param> params, Map<String, List<Scalar>> grid,
        Map<String, Param> submit, int line) {
    public StageSpec {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        grid = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grid));
        submit = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(submit));
    }
}
