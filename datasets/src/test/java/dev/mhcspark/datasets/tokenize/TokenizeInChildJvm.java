package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.tokenizer.ByteTokenizer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Runs a byte-level tokenize job in a JVM of its own, so tests can bound its heap or kill it. */
public final class TokenizeInChildJvm {
    /** args: input, output. */
    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("child")
                .config("spark.ui.enabled", "false").getOrCreate();
        TokenizeSettings settings = new TokenizeSettings(CorpusSettings.of(List.of(args[0])), args[1], "byte", 1023,
                0.0, 2, false, false);
        TokenizeJob job = new TokenizeJob(spark, settings, (spec, docs, dir) -> ByteTokenizer.INSTANCE,
                System.out::println);
        job.progressMillis = 1000;
        job.run();
        spark.stop();
    }

    /** A started child: {@code java -Xmx<heap> <this JVM's module flags> -cp <test classpath> TokenizeInChildJvm}. */
    static Process start(String heap, Path input, Path output, Path log) throws java.io.IOException {
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
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }
}
