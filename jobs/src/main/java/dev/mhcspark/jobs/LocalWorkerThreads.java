package dev.mhcspark.jobs;

import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Native (OpenMP and BLAS) threads for Spark tasks that run as threads of this JVM ({@code local},
 * {@code local[N]}, {@code local[*]}, {@code local[N,retries]}): they share one set of native thread pools, so
 * each gets the cores divided among the tasks that run at once. With every task's ND4J using every core, 2
 * training workers on 2 cores ran 1.6x slower (BENCHMARKS.md). Executors in JVMs of their own get
 * {@code OMP_NUM_THREADS} from their Spark conf instead.
 */
final class LocalWorkerThreads {
    private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

    private LocalWorkerThreads() {
    }

    /** Threads per task, at least 1; 0 when {@code master} does not run tasks in this JVM. */
    static int perTask(String master, int tasks, int cores) {
        Matcher m = LOCAL_MASTER.matcher(master);
        if (!m.matches()) {
            return 0;
        }
        int slots = m.group(1) == null ? 1 : m.group(1).equals("*") ? cores : Integer.parseInt(m.group(1));
        return Math.max(1, cores / Math.max(1, Math.min(slots, tasks)));
    }

    /** Sets ND4J's thread counts for {@code tasks} concurrent tasks on a local master, and says so. */
    static void apply(String master, int tasks, PrintStream out, String command) {
        int threads = perTask(master, tasks, Runtime.getRuntime().availableProcessors());
        if (threads > 0) {
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
            out.printf("%s: %s runs its tasks in this JVM: %d native thread(s) each%n", command, master, threads);
        }
    }
}
