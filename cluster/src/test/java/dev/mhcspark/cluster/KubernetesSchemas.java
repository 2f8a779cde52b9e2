package dev.mhcspark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checks Kubernetes objects two ways, because each alone lets typos through:
 * <ol>
 *   <li>the Kubernetes OpenAPI schemas compiled into the npm package {@code kubernetes-models} (run with Node):
 *   types, enums, required fields, quantity formats. It ignores unknown fields, so {@code nodeSelecter} passes;</li>
 *   <li>fabric8's model classes, which keep every field they do not know in {@code additionalProperties}: any
 *   non-empty one is an unknown (misspelled or misplaced) field.</li>
 * </ol>
 * The npm package is installed once into {@code $MHC_NODE_CACHE} (default
 * {@code ~/.cache/mhc-spark/node/kubernetes-models-5.1.0}), outside target/ so that {@code mvn clean} does not
 * download it again.
 */
public final class KubernetesSchemas {
    static final String PACKAGE = "kubernetes-models@5.1.0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private KubernetesSchemas() {
    }

    /** Every document of a (multi-document) YAML file. */
    public static List<JsonNode> readYaml(Path file) {
        try {
            List<JsonNode> documents = new ArrayList<>();
            for (JsonNode doc : YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll()) {
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    documents.add(doc);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return one line per problem; empty when every object is valid */
    public static List<String> problems(Map<String, List<JsonNode>> objectsBySource, Path workDirectory) {
        List<String> problems = new ArrayList<>();
        ArrayNode entries = JSON.createArrayNode();
        objectsBySource.forEach((source, objects) -> {
            for (JsonNode object : objects) {
                ObjectNode entry = entries.addObject();
                entry.put("source", source);
                entry.set("object", object);
                problems.addAll(unknownFields(source, object));
            }
        });
        problems.addAll(schemaProblems(entries, workDirectory));
        return problems;
    }

    private static List<String> unknownFields(String source, JsonNode object) {
        List<String> found = new ArrayList<>();
        KubernetesResource resource;
        try {
            resource = Serialization.unmarshal(JSON.writeValueAsString(object), KubernetesResource.class);
        } catch (RuntimeException | IOException e) {
            return List.of(source + ": not a Kubernetes object fabric8 can read: " + e.getMessage());
        }
        walk(resource, object.path("kind").asText("?"), source, found);
        return found;
    }

    /** Depth-first over fabric8 model getters; model objects form a tree, so no cycle check is needed. */
    private static void walk(Object value, String path, String source, List<String> found) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", source, found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, source, found));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(source + ": unknown field(s) " + extra.keySet() + " in " + path);
                }
                continue;
            }
            String name = getter.getName().substring(3);
            walk(child, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), source, found);
        }
    }

    private static List<String> schemaProblems(ArrayNode entries, Path workDirectory) {
        Path packageDir = installedPackage();
        try {
            Path script = packageDir.resolve("validate-manifests.mjs");
            Files.copy(Path.of("src/test/node/validate-manifests.mjs"), script,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path input = Files.createTempFile(workDirectory, "k8s-objects", ".json");
            JSON.writeValue(input.toFile(), entries);
            Process node = new ProcessBuilder("node", script.toString(), input.toString()).redirectErrorStream(true)
                    .start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(120, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw new AssertionError("node validate-manifests.mjs did not finish in 120 s");
            }
            List<String> problems = new ArrayList<>();
            if (node.exitValue() != 0) {
                output.lines().filter(l -> !l.startsWith("validated ")).forEach(problems::add);
                if (problems.isEmpty()) {
                    problems.add("node exited with " + node.exitValue() + ": " + output);
                }
            } else if (!output.contains("validated " + entries.size() + " object(s), 0 invalid")) {
                problems.add("unexpected validator output: " + output);
            }
            return problems;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Installs the npm package on first use (needs Node.js and npm: apt-get install nodejs npm). */
    static synchronized Path installedPackage() {
        String configured = System.getenv("MHC_NODE_CACHE");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "mhc-spark", "node", "kubernetes-models-5.1.0");
        if (Files.isRegularFile(dir.resolve("node_modules/kubernetes-models/package.json"))) {
            return dir;
        }
        try {
            Files.createDirectories(dir);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
                    "--loglevel=error", PACKAGE).redirectErrorStream(true).start();
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                throw new AssertionError("npm install " + PACKAGE + " into " + dir + " failed: " + output);
            }
            return dir;
        } catch (IOException e) {
            throw new AssertionError("validating Kubernetes manifests needs Node.js (18+) and npm on the PATH "
                    + "(apt-get install nodejs npm): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
