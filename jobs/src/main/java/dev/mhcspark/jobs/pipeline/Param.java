package dev.mhcspark.jobs.pipeline;

import java.util.List;
import java.util.Map;

/**
 * One parameter of a stage: the command's option {@code --name} (or the positional {@code runs} of report).
 * Exactly one of {@code scalar}, {@code list} and {@code map} is set.
 *
 * @param name option name without the dashes
 * @param line 1-based line of the key in the pipeline file
 */
public record Param(String name, int line, Scalar scalar, List<Scalar> list, Map<String, Scalar> map) {
    public Param {
        if ((scalar != null ? 1 : 0) + (list != null ? 1 : 0) + (map != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException(name + ": exactly one of scalar, list, map");
        }
        list = list == null ? null : List.copyOf(list);
        map = map == null ? null : Map.copyOf(map);
    }

    /** Every scalar of the value, in order (a map's values by key). */
    public List<Scalar> scalars() {
        if (scalar != null) {
            return List.of(scalar);
        }
        if (list != null) {
            return list;
        }
        return map.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
    }
}
