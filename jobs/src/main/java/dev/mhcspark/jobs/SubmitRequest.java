package dev.mhcspark.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the user asked {@code mhc submit} for, before any check.
 *
 * @param deployMode "cluster" or "client"
 * @param gpuDiscoveryScript null for the shipped {@code cluster/gpu/getGpusResources.sh}
 * @param hadoopConfDirectory null when neither {@code --hadoop-conf-dir}, HADOOP_CONF_DIR nor YARN_CONF_DIR is set
 * @param jarsOnNodes the dependency jars exist at the same paths on every node (one machine, or a shared mount):
 *     reference them instead of uploading ~1 GB per application
 * @param conf {@code --conf} settings, in command-line order; they win over the shipped defaults
 */
record SubmitRequest(String master, String deployMode, boolean gpu, Path gpuDiscoveryScript, Path hadoopConfDirectory,
        boolean jarsOnNodes, Map<String, String> conf, String job, List<String> jobArguments) {
    SubmitRequest {
        conf = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(conf));
        jobArguments = List.copyOf(jobArguments);
    }
}
