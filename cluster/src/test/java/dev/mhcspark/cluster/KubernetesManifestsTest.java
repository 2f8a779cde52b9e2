package dev.mhcspark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every manifest and pod template under cluster/kubernetes is a valid Kubernetes object; typos fail the build. */
class KubernetesManifestsTest {
    @TempDir
    Path tmp;

    @Test
    void everyShippedManifestIsValid() throws IOException {
        Map<String, List<JsonNode>> objects = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Path.of("kubernetes"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .forEach(f -> objects.put(f.toString(), KubernetesSchemas.readYaml(f)));
        }
        assertTrue(objects.keySet().containsAll(List.of("kubernetes/rbac.yaml", "kubernetes/driver-pod-template.yaml",
                "kubernetes/executor-pod-template.yaml", "kubernetes/executor-gpu-pod-template.yaml")),
                objects.keySet().toString());
        assertEquals(4, objects.get("kubernetes/rbac.yaml").size(), "Namespace, ServiceAccount, Role, RoleBinding");
        List<String> problems = KubernetesSchemas.problems(objects, tmp);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void typosAndWrongValuesAreCaught() throws IOException {
        String valid = """
                apiVersion: v1
                kind: Pod
                spec:
                  nodeSelector: {kubernetes.io/arch: amd64}
                  tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
                  containers:
                    - name: mhc-executor
                      resources: {limits: {nvidia.com/gpu: 1}}
                """;
        Map<String, String> broken = Map.of(
                "misspelled field", valid.replace("nodeSelector", "nodeSelecter"),
                "misplaced field", valid.replace("      resources:", "      limits: {cpu: 1}\n      resources:"),
                "wrong enum", valid.replace("operator: Exists", "operator: Exist"),
                "bad quantity", valid.replace("nvidia.com/gpu: 1}", "nvidia.com/gpu: one}"),
                "missing container name", valid.replace("- name: mhc-executor", "- image: x"));
        YAMLMapper yaml = new YAMLMapper();
        Map<String, List<JsonNode>> objects = new LinkedHashMap<>();
        objects.put("valid", List.of(yaml.readTree(valid)));
        for (Map.Entry<String, String> e : broken.entrySet()) {
            objects.put(e.getKey(), List.of(yaml.readTree(e.getValue())));
        }
        List<String> problems = KubernetesSchemas.problems(objects, tmp);
        for (String name : broken.keySet()) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(name + ":")), name + " not caught: " + problems);
        }
        assertTrue(problems.stream().noneMatch(p -> p.startsWith("valid:")), problems.toString());
    }
}
