package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic cluster/README.md explains, kept true by a test: off-heap caps fit the memory the cluster manager
 * accounts for, every JVM gets the Java 17 flags and Kryo, and every file a setting names exists.
 */
class ShippedSettingsTest {
    private static final Pattern MAX_BYTES = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.maxbytes=(\\S+)");
    private static final Pattern MAX_PHYSICAL = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.maxphysicalbytes=(\\S+)");
    private static final long GIB = 1L << 30;

    static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([kmgt]?)i?b?").matcher(size.toLowerCase(Locale.ROOT));
        assertTrue(m.matches(), size);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            case "t" -> n << 40;
            default -> n;
        };
    }

    private static Map<String, String> settings(String manager, boolean gpu) {
        Path dir = Checkout.HOME.resolve("cluster/conf").resolve(manager);
        Map<String, String> conf = new LinkedHashMap<>(SubmitDefaults.read(dir.resolve("spark-defaults.conf"),
                Checkout.HOME));
        if (gpu) {
            conf.putAll(SubmitDefaults.read(dir.resolve("spark-gpu.conf"), Checkout.HOME));
        }
        return conf;
    }

    private static String javaOption(Pattern option, String javaOptions) {
        Matcher m = option.matcher(javaOptions);
        assertTrue(m.find(), option + " in " + javaOptions);
        return m.group(1);
    }

    @Test
    void offHeapCapsFitTheAccountedMemory() {
        for (String manager : List.of("yarn", "kubernetes")) {
            for (boolean gpu : List.of(false, true)) {
                Map<String, String> conf = settings(manager, gpu);
                for (String role : List.of("driver", "executor")) {
                    String where = manager + (gpu ? " gpu " : " ") + role;
                    String options = conf.get("spark." + role + ".extraJavaOptions");
                    long heap = bytes(conf.get("spark." + role + ".memory"));
                    long overhead = bytes(conf.get("spark." + role + ".memoryOverhead"));
                    long maxBytes = bytes(javaOption(MAX_BYTES, options));
                    long maxPhysical = bytes(javaOption(MAX_PHYSICAL, options));
                    // overhead = JavaCPP's cap + 1 GiB for the JVM's own native memory
                    assertEquals(maxBytes + GIB, overhead, where + ": memoryOverhead");
                    // JavaCPP fails cleanly before the container limit (heap + overhead) is reached
                    assertTrue(maxPhysical < heap + overhead, where + ": maxphysicalbytes");
                    assertTrue(maxPhysical >= heap + maxBytes, where + ": maxphysicalbytes leaves room for the heap");
                }
            }
        }
    }

    @Test
    void everyJvmGetsTheModuleFlagsKryoAndOneThreadPerTask() throws Exception {
        for (String manager : List.of("yarn", "kubernetes", "standalone")) {
            for (boolean gpu : List.of(false, true)) {
                Map<String, String> conf = settings(manager, gpu);
                for (String role : List.of("driver", "executor")) {
                    String options = conf.get("spark." + role + ".extraJavaOptions");
                    assertNotNull(options, manager + " " + role);
                    for (String flag : SubmitPlanner.JAVA17_MODULE_FLAGS) {
                        assertTrue(options.contains(flag), manager + " " + role + " lacks " + flag);
                    }
                }
                assertEquals("org.apache.spark.serializer.KryoSerializer", conf.get("spark.serializer"));
                Class.forName(conf.get("spark.kryo.registrator"));
                int cores = Integer.parseInt(conf.get("spark.executor.cores"));
                int taskCpus = Integer.parseInt(conf.get("spark.task.cpus"));
                assertEquals(0, cores % taskCpus, manager + ": task.cpus divides executor.cores");
                assertEquals(String.valueOf(taskCpus), conf.get("spark.executorEnv.OMP_NUM_THREADS"),
                        manager + (gpu ? " gpu" : "") + ": one native thread per task core");
                if (manager.equals("kubernetes")) {
                    assertEquals(String.valueOf(cores), conf.get("spark.kubernetes.executor.request.cores"));
                    assertEquals(String.valueOf(cores), conf.get("spark.kubernetes.executor.limit.cores"));
                    for (String key : List.of("spark.kubernetes.driver.podTemplateFile",
                            "spark.kubernetes.executor.podTemplateFile")) {
                        assertTrue(Files.isRegularFile(Path.of(conf.get(key))), key + " = " + conf.get(key));
                    }
                }
                if (gpu) {
                    assertEquals("1", conf.get("spark.executor.resource.gpu.amount"));
                    assertEquals(conf.get("spark.executor.resource.gpu.amount"),
                            conf.get("spark.task.resource.gpu.amount"), "one task per GPU");
                    assertEquals(cores, taskCpus, manager + ": one task slot per GPU executor");
                }
            }
        }
    }

    @Test
    void shippedScriptsAreExecutableAndParse() throws Exception {
        for (String script : List.of("cluster/gpu/getGpusResources.sh", "cluster/kubernetes/entrypoint.sh",
                "cluster/kubernetes/build-image.sh")) {
            Path file = Checkout.HOME.resolve(script);
            assertTrue(Files.isExecutable(file), script);
            Process bash = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
            String output = new String(bash.getInputStream().readAllBytes());
            assertEquals(0, bash.waitFor(), script + ": " + output);
        }
    }
}
