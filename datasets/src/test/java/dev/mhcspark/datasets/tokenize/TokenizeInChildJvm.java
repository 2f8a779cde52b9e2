package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.tokenizer.ByteTokenizer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Runs a byte-level tokenize job in a JVM of its own, so tests can bound its heap or kill it. */
public final class TokenizeInChildJvm {
    /** What the child prints when it holds the job half-way (see {@link #main}). */
    static final String HALF_WAY = "child: half-way, waiting to be killed";

    /**
     * args: input, output [, {@code half-way}]. With {@code half-way} the job stops for good once the tokenize
     * stage has reported (tokens spilled into the hidden temporary dataset, no shard written, nothing
     * committed), so a test can kill it there whatever the machine's speed.
     */
    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("child")
                .config("spark.ui.enabled", "false").getOrCreate();
        TokenizeSettings settings = new TokenizeSettings(CorpusSettings.of(List.of(args[0])), args[1], "byte", 1023,
                0.0, 2, false, false);
        boolean holdHalfWay = args.length > 2 && args[2].equals("half-way");
        TokenizeJob job = new TokenizeJob(spark, settings, (spec, docs, dir) -> ByteTokenizer.INSTANCE, line -> {
            System.out.println(line);
            if (holdHalfWay && line.startsWith("tokenize: tokenized in")) {
                System.out.println(HALF_WAY);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        job.progressMillis = 1000;
        job.run();
        spark.stop();
    }

    /** A started child: {@code java -Xmx<heap> <this JVM's module flags> -cp <test classpath> TokenizeInChildJvm}. */
    static Process start(String heap, Path input, Path output, Path log, String... extraArgs)
            throws java.io.IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Djdk.reflect")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(TokenizeInChildJvm.class.getName());
        command.add(input.toString());
        command.add(output.toString());
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }
}
