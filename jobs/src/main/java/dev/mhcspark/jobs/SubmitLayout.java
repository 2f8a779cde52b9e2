package dev.mhcspark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where {@code mhc submit} finds what it ships, relative to the checkout ({@code -Dmhc.home}, set by bin/mhc): the
 * application jar and its dependency list (built by {@code mvn -pl jobs -am package}), the cluster-manager client
 * jars (built by {@code mvn -pl cluster -am package}), and the shipped defaults and scripts under {@code cluster/}.
 */
record SubmitLayout(Path home) {
    static final String BUILD_APPLICATION = "mvn -B -DskipTests -pl jobs -am package";
    static final String BUILD_CLUSTER_CLIENTS = "mvn -B -DskipTests -pl cluster -am package";

    static SubmitLayout fromSystemProperties() {
        return new SubmitLayout(Path.of(System.getProperty("mhc.home", ".")).toAbsolutePath().normalize());
    }

    /** The one {@code jobs/target/mhc-jobs_2.12-*.jar}; missing (or ambiguous) is a clear error. */
    Path applicationJar() {
        Path target = home.resolve("jobs/target");
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                files.filter(p -> p.getFileName().toString().matches("mhc-jobs_2\\.12-.*\\.jar"))
                        .filter(p -> !p.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
                        .forEach(jars::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (jars.isEmpty()) {
            throw new IllegalArgumentException("application jar not found: expected " + target
                    + "/mhc-jobs_2.12-<version>.jar; build it with: " + BUILD_APPLICATION);
        }
        if (jars.size() > 1) {
            throw new IllegalArgumentException("more than one application jar in " + target + ": " + jars
                    + "; remove the stale ones (mvn clean) and rebuild");
        }
        return jars.get(0);
    }

    /** The application's runtime dependencies ({@code jobs/target/classpath.txt}). */
    List<Path> applicationDependencies() {
        return readClasspathFile(home.resolve("jobs/target/classpath.txt"), BUILD_APPLICATION);
    }

    /** Spark's YARN and Kubernetes clients and what they need beyond the application ({@code cluster/target}). */
    List<Path> clusterClientJars() {
        return readClasspathFile(home.resolve("cluster/target/classpath.txt"), BUILD_CLUSTER_CLIENTS);
    }

    Path confDirectory(SubmitMaster.Manager manager) {
        return home.resolve("cluster/conf").resolve(manager.confDirectory());
    }

    Path defaultGpuDiscoveryScript() {
        return home.resolve("cluster/gpu/getGpusResources.sh");
    }

    private static List<Path> readClasspathFile(Path file, String buildCommand) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("jar list " + file + " not found; build it with: " + buildCommand);
        }
        String text;
        try {
            text = Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> jars = new ArrayList<>();
        for (String entry : text.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path jar = Path.of(entry);
            // a jar deleted since the build (e.g. a cleaned ~/.m2) would otherwise fail on the cluster, much later
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("dependency jar " + jar + " (listed in " + file
                        + ") not found; rebuild with: " + buildCommand);
            }
            jars.add(jar);
        }
        return jars;
    }
}
