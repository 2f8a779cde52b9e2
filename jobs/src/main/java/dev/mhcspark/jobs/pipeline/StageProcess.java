package dev.mhcspark.jobs.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one stage member's command as {@code mhc <args>} in a JVM of its own: this JVM's flags and classpath, its
 * output copied to the member's log and, prefixed with the member's id, to the console. A JVM per member keeps a
 * failing or crashing command from taking the pipeline with it, gives every Spark job its own application (so
 * members can run side by side), and returns all native memory when the member ends.
 *
 * <p>The child watches its standard input: when this process dies (even by SIGKILL) the pipe closes and the child
 * exits, so no stage outlives the pipeline that started it.
 */
public final class StageProcess {
    /** System property the child sees: exit when standard input closes (read by {@code Main}). */
    public static final String EXIT_WITH_PARENT = "mhc.exitWithParent";

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile boolean stopping;

    static {
        // Ctrl-C: stop the children now rather than when they notice their input closing
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            RUNNING.forEach(Process::destroy);
        }, "stage-children"));
    }

    /** This JVM is shutting down (Ctrl-C, kill): a stage that ends now was stopped, it did not fail. */
    static boolean stopping() {
        return stopping;
    }

    private final String mainClass;

    StageProcess(String mainClass) {
        this.mainClass = mainClass;
    }

    /** Runs {@code mhc args} to completion; returns its exit code. */
    int run(String id, List<String> args, OutputStream log, PrintWriter console) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")
                    && !arg.startsWith("-D" + EXIT_WITH_PARENT)) {
                command.add(arg);
            }
        }
        command.add("-D" + EXIT_WITH_PARENT + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        RUNNING.add(process);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String prefix = "[" + id + "] ";
            for (String line; (line = out.readLine()) != null; ) {
                log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                log.flush();
                synchronized (console) {
                    console.println(prefix + line);
                    console.flush();
                }
            }
            return process.waitFor();
        } finally {
            RUNNING.remove(process);
            if (process.isAlive()) {
                process.destroy();
            }
            process.getOutputStream().close();
        }
    }

    /** In the child: exit when the parent's end of standard input closes. */
    public static void exitWithParent() {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // nothing is sent; reading only waits for the pipe to close
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of input
            }
            System.err.println("mhc: the pipeline that started this stage has stopped; stopping too");
            System.exit(143);
        }, "exit-with-parent");
        watch.setDaemon(true);
        watch.start();
    }
}
