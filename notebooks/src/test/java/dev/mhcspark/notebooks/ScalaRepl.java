package dev.mhcspark.notebooks;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import scala.Console$;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction0;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;

/**
 * Spark's Scala 2.12 REPL compiler ({@link IMain}) set up the way Zeppelin 0.10's Spark interpreter sets it up:
 * class-based wrappers (so closures serialise to executors), compiled classes in {@code outputDir} (which the
 * SparkContext serves to executors through {@code spark.repl.class.outputDir}), {@code spark}, {@code sc} and
 * {@code sqlContext} bound, and the same four imports. Not bound: Zeppelin's {@code z} context (no Zeppelin here).
 */
final class ScalaRepl implements AutoCloseable {
    /** What a paragraph printed and whether it compiled and ran. */
    record Result(boolean success, String output) {
    }

    private final IMain imain;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream outputStream = new PrintStream(output, true, StandardCharsets.UTF_8);

    ScalaRepl(Path outputDir, org.apache.spark.sql.SparkSession spark) {
        Settings settings = new Settings();
        settings.processArguments(scalaList(List.of("-Yrepl-class-based", "-Yrepl-outdir", outputDir.toString(),
                "-classpath", classpath())), true);
        imain = new IMain(settings, new PrintWriter(outputStream, true));
        imain.initializeSynchronous();
        List<String> transientOnly = List.of("@transient");
        require(imain.bind("spark", "org.apache.spark.sql.SparkSession", spark, scalaList(transientOnly)), "bind spark");
        require(imain.bind("sc", "org.apache.spark.SparkContext", spark.sparkContext(), scalaList(transientOnly)),
                "bind sc");
        require(imain.bind("sqlContext", "org.apache.spark.sql.SQLContext", spark.sqlContext(),
                scalaList(transientOnly)), "bind sqlContext");
        for (String line : List.of("import org.apache.spark.SparkContext._", "import spark.implicits._",
                "import spark.sql", "import org.apache.spark.sql.functions._")) {
            require(imain.interpret(line), line);
        }
    }

    /**
     * Compiles and runs one paragraph as a whole, with {@code Console.out} and {@code System.out} captured. As in
     * Zeppelin, an incomplete paragraph (e.g. ending in a comment) is retried with {@code print("")} appended, and is
     * an error if it is still incomplete.
     */
    Result run(String code) {
        output.reset();
        PrintStream originalOut = System.out;
        System.setOut(outputStream);
        try {
            Results.Result result = Console$.MODULE$.withOut(outputStream, new AbstractFunction0<Results.Result>() {
                @Override
                public Results.Result apply() {
                    Results.Result first = imain.interpret(code);
                    return first instanceof Results.Incomplete$ ? imain.interpret(code + "\nprint(\"\")") : first;
                }
            });
            outputStream.flush();
            return new Result(result instanceof Results.Success$, output.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
        }
    }

    /**
     * The class loader of the classes the REPL compiled. Spark's code generator (Janino) resolves classes through the
     * thread's context class loader, so a query over a REPL-defined case class needs it there, as in spark-shell and
     * Zeppelin.
     */
    ClassLoader classLoader() {
        return imain.classLoader();
    }

    @Override
    public void close() {
        imain.close();
    }

    private void require(Results.Result result, String what) {
        if (!(result instanceof Results.Success$)) {
            throw new IllegalStateException("Scala REPL set-up failed at '" + what + "': "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static scala.collection.immutable.List<String> scalaList(List<String> list) {
        return JavaConverters.asScalaBuffer(list).toList();
    }

    /**
     * The test JVM's classpath for the compiler. Surefire may start the JVM from a manifest-only jar, whose
     * {@code Class-Path} entries the Scala compiler does not follow: expand that one.
     */
    private static String classpath() {
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        if (entries.length != 1 || !entries[0].endsWith(".jar")) {
            return String.join(File.pathSeparator, entries);
        }
        try (JarFile jar = new JarFile(entries[0])) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return entries[0];
            }
            StringBuilder cp = new StringBuilder(entries[0]);
            java.net.URI base = new File(entries[0]).getParentFile().toURI();
            for (String url : classPath.trim().split("\\s+")) {
                appendEntry(cp, new File(base.resolve(url)).getPath());
            }
            return cp.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entries[0] + ": " + e.getMessage(), e);
        }
    }

    private static void appendEntry(StringBuilder cp, String entry) {
        if (!entry.isEmpty()) {
            cp.append(cp.isEmpty() ? "" : File.pathSeparator).append(entry);
        }
    }
}
