package dev.mhcspark.jobs.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed, validated pipeline file.
 *
 * @param file    where it was read from (for messages)
 * @param name    the pipeline's name
 * @param workdir where stage outputs live, unless {@code --workdir} says otherwise (local or hdfs://)
 * @param master  the Spark master of every Spark stage, unless {@code --master} says otherwise
 * @param stages  by name, in file order
 */
public record Pipeline(String file, String name, String workdir, String master, Map<String, StageSpec> stages) {
    public Pipeline {
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }
}
