package dev.mhcspark.jobs;

/**
 * The main class {@code mhc submit} gives spark-submit: {@link Main} without its {@code System.exit}. In YARN cluster
 * mode the ApplicationMaster runs the driver's main in a thread and reports SUCCEEDED when it returns; a
 * {@code System.exit(0)} instead runs the AM's shutdown hook first, which marks the application FAILED ("Shutdown
 * hook called before final status was reported") even though the job finished. A failed command throws, so the
 * cluster manager records the failure and its message.
 */
public final class SubmitDriverMain {
    private SubmitDriverMain() {
    }

    public static void main(String[] args) {
        int exitCode = Main.commandLine().execute(args);
        if (exitCode != 0) {
            throw new IllegalStateException("mhc " + (args.length > 0 ? args[0] : "")
                    + " failed with exit code " + exitCode + " (its error is printed above)");
        }
    }
}
