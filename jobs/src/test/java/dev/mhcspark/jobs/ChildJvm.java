package dev.mhcspark.jobs;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code mhc <args>} in a JVM of its own (this JVM's module flags, the test classpath), output to a log. */
final class ChildJvm {
    private ChildJvm() {
    }

    static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    static Process start(String[] args, Path log, Map<String, String> env) throws java.io.IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("--add-modules")
                    || arg.startsWith("-Djdk.reflect")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(classpath());
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().putAll(env);
        return pb.start();
    }
}
