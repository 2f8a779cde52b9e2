package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mhcspark.cluster.KubernetesSchemas;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import okhttp3.mockwebserver.MockWebServer;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.KubernetesConf;
import org.apache.spark.deploy.k8s.KubernetesExecutorConf;
import org.apache.spark.resource.ResourceProfile$;
import org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code spark-submit --master k8s://http://127.0.0.1:<port> --deploy-mode cluster} (through
 * {@code mhc submit}, with the shipped cluster/conf/kubernetes settings and pod templates) against fabric8's mock
 * API server in CRUD mode; the assertions read back what Spark created. No pod ever runs.
 */
class KubernetesSubmitTest {
    static final String NAMESPACE = "mhc";
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    KubernetesMockServer server;
    NamespacedKubernetesClient client;

    @BeforeEach
    void startApiServer() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new ServerSideApplyAsCreate(), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        client = server.createClient();
    }

    @AfterEach
    void stopApiServer() {
        client.close();
        server.destroy();
    }

    private Checkout.Result submit(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("submit", "--master",
                "k8s://http://127.0.0.1:" + server.getPort(), "--deploy-mode", "cluster",
                // return once the driver pod exists: nothing will ever run it
                "--conf", "spark.kubernetes.submission.waitAppCompletion=false"));
        args.addAll(List.of(extra));
        args.addAll(List.of("tokenize", "--input", "/data/corpora/shakespeare.txt", "--output",
                "/data/datasets/shakespeare", "--tokenizer", "byte"));
        Checkout.Result result = Checkout.mhc(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), () -> "spark-submit failed: " + result.err());
        return result;
    }

    private Pod driverPod() {
        List<Pod> drivers = client.pods().inNamespace(NAMESPACE).withLabel("spark-role", "driver").list().getItems();
        assertEquals(1, drivers.size(), "driver pods");
        return drivers.get(0);
    }

    private Properties sparkProperties() throws Exception {
        for (ConfigMap map : client.configMaps().inNamespace(NAMESPACE).list().getItems()) {
            String text = map.getData() == null ? null : map.getData().get("spark.properties");
            if (text != null) {
                Properties properties = new Properties();
                properties.load(new StringReader(text));
                return properties;
            }
        }
        throw new AssertionError("no ConfigMap with spark.properties");
    }

    private String executorTemplateFromConfigMap() {
        for (ConfigMap map : client.configMaps().inNamespace(NAMESPACE).list().getItems()) {
            for (Map.Entry<String, String> entry : map.getData().entrySet()) {
                if (entry.getValue().contains("component: executor")) {
                    return entry.getValue();
                }
            }
        }
        throw new AssertionError("no ConfigMap carries the executor pod template");
    }

    @Test
    void driverPodComesFromTheShippedTemplateAndSettings() throws Exception {
        submit();
        Pod pod = driverPod();
        Map<String, String> labels = pod.getMetadata().getLabels();
        assertEquals("mhc-spark", labels.get("app.kubernetes.io/name"), "label from the pod template");
        assertEquals("driver", labels.get("app.kubernetes.io/component"), "label from the pod template");
        assertEquals("mhc-spark", labels.get("app.kubernetes.io/part-of"), "label from spark.kubernetes.driver.label");
        assertEquals("mhc-spark-driver", pod.getSpec().getServiceAccountName());
        assertEquals("amd64", pod.getSpec().getNodeSelector().get("kubernetes.io/arch"));
        assertEquals("mhc-data", pod.getSpec().getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null).findFirst().orElseThrow()
                .getPersistentVolumeClaim().getClaimName());
        assertTrue(pod.getSpec().getVolumes().size() >= 2, "template volume merged with Spark's own (conf volume)");

        Container driver = pod.getSpec().getContainers().get(0);
        assertEquals("mhc-driver", driver.getName(), "the template's container, filled in by Spark");
        assertEquals("registry.example.com/mhc-spark:0.1.0", driver.getImage());
        assertTrue(driver.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/data")));
        assertTrue(driver.getEnv().stream().anyMatch(e -> e.getName().equals("MHC_DATA")), "template env kept");
        assertTrue(driver.getEnv().stream().anyMatch(e -> e.getName().equals("SPARK_DRIVER_BIND_ADDRESS")),
                "Spark's env added");
        // spark.driver.memory 4g + spark.driver.memoryOverhead 3g
        assertEquals(new Quantity("7168Mi"), driver.getResources().getLimits().get("memory"));
        assertEquals(new Quantity("7168Mi"), driver.getResources().getRequests().get("memory"));
        assertEquals(new Quantity("2"), driver.getResources().getLimits().get("cpu"));
        List<String> args = driver.getArgs();
        assertEquals("driver", args.get(0));
        assertTrue(args.contains(SubmitDriverMain.class.getName()), args.toString());
        assertTrue(args.contains("local:///opt/mhc/jars/mhc-jobs_2.12-0.1.0-SNAPSHOT.jar"), args.toString());
        assertEquals(List.of("tokenize", "--input", "/data/corpora/shakespeare.txt"),
                args.subList(args.indexOf("tokenize"), args.indexOf("tokenize") + 3));

        Properties spark = sparkProperties();
        assertEquals(SubmitKryoRegistrator.class.getName(), spark.getProperty("spark.kryo.registrator"));
        assertEquals("7g", spark.getProperty("spark.executor.memoryOverhead"));
        assertEquals("1", spark.getProperty("spark.executorEnv.OMP_NUM_THREADS"));
        assertTrue(spark.getProperty("spark.executor.extraJavaOptions").contains("java.base/sun.nio.ch=ALL-UNNAMED"));
        assertTrue(executorTemplateFromConfigMap().contains("dedicated"), "CPU executor template shipped to driver");

        // what Spark made of our templates is itself a valid Kubernetes object
        Map<String, List<JsonNode>> created = new LinkedHashMap<>();
        created.put("driver pod", List.of(JSON.readTree(Serialization.asJson(pod))));
        for (ConfigMap map : client.configMaps().inNamespace(NAMESPACE).list().getItems()) {
            created.put("config map " + map.getMetadata().getName(), List.of(JSON.readTree(Serialization.asJson(map))));
        }
        List<String> problems = KubernetesSchemas.problems(created, tmp);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void gpuVariantGivesExecutorsOneNvidiaGpu() throws Exception {
        submit("--gpu");
        Pod driverPod = driverPod();
        assertEquals("registry.example.com/mhc-spark:0.1.0-cuda11.6",
                driverPod.getSpec().getContainers().get(0).getImage());
        Properties spark = sparkProperties();
        assertEquals("1", spark.getProperty("spark.executor.resource.gpu.amount"));
        assertEquals("nvidia.com", spark.getProperty("spark.executor.resource.gpu.vendor"));
        assertEquals("/opt/mhc/gpu/getGpusResources.sh",
                spark.getProperty("spark.executor.resource.gpu.discoveryScript"));
        assertTrue(executorTemplateFromConfigMap().contains("nvidia.com/gpu"), "GPU executor template shipped");

        // the executor pod the driver would create, built by Spark's own code from the same settings and template
        SparkConf conf = new SparkConf(false);
        spark.stringPropertyNames().forEach(k -> conf.set(k, spark.getProperty(k)));
        conf.set("spark.kubernetes.executor.podTemplateFile",
                Checkout.HOME.resolve("cluster/kubernetes/executor-gpu-pod-template.yaml").toString());
        KubernetesExecutorConf executorConf = KubernetesConf.createExecutorConf(conf, "1", "spark-app-test",
                scala.Option.apply(driverPod), 0);
        SecurityManager security = new SecurityManager(conf, SecurityManager.$lessinit$greater$default$2(),
                SecurityManager.$lessinit$greater$default$3());
        org.apache.spark.deploy.k8s.SparkPod built = new KubernetesExecutorBuilder().buildFromFeatures(executorConf,
                security, client, ResourceProfile$.MODULE$.getOrCreateDefaultProfile(conf)).pod();
        Pod executor = built.pod(); // Spark keeps the main container apart until it submits the pod
        Container container = built.container();
        assertEquals("mhc-executor", container.getName());
        assertEquals(new Quantity("1"), container.getResources().getLimits().get("nvidia.com/gpu"));
        // spark.executor.memory 4g + spark.executor.memoryOverhead 5g (spark-gpu.conf)
        assertEquals(new Quantity("9216Mi"), container.getResources().getLimits().get("memory"));
        assertEquals(new Quantity("2"), container.getResources().getLimits().get("cpu"));
        assertEquals("true", executor.getSpec().getNodeSelector().get("nvidia.com/gpu.present"));
        assertTrue(executor.getSpec().getTolerations().stream().anyMatch(t -> "nvidia.com/gpu".equals(t.getKey())));
        assertEquals("registry.example.com/mhc-spark:0.1.0-cuda11.6", container.getImage());
        Pod whole = new io.fabric8.kubernetes.api.model.PodBuilder(executor).editSpec().addToContainers(container)
                .endSpec().build();
        List<String> problems = KubernetesSchemas.problems(Map.of("GPU executor pod",
                List.of(JSON.readTree(Serialization.asJson(whole)))), tmp);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
