package dev.mhcspark.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine;

/** The checkout the tests run in (surefire's working directory is the module), and bin/mhc run in process. */
final class Checkout {
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    private Checkout() {
    }

    /** As bin/mhc sets it: SubmitLayout finds jars and shipped configs from it. */
    static void useAsMhcHome() {
        System.setProperty("mhc.home", HOME.toString());
    }

    /** {@code bin/mhc args...} in this JVM (spark-submit itself still runs as the child process it always is). */
    static Result mhc(String... args) {
        useAsMhcHome();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previousOut = System.out;
        int code;
        try {
            // before the CommandLine exists: picocli's default writer (eval compare, --help) wraps the System.out of
            // that moment, the jobs print to System.out directly; both must land here
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            code = cl.execute(args);
        } finally {
            System.setOut(previousOut);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int exitCode, String out, String err) {
    }
}
