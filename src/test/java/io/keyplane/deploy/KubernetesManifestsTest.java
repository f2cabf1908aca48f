package io.keyplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** deploy/kubernetes/*.yaml against API.md sections 7 and 8: probes, ports, env names, secrets, hardening. */
class KubernetesManifestsTest {

    static final Path DIR = Path.of("deploy", "kubernetes");

    /** API.md sections 8 and 9, plus KEYPLANE_LOG_JSON: the only variables a manifest may set. */
    static final Set<String> CONTRACT_ENV = Set.of("QUARKUS_HTTP_PORT", "KEYPLANE_DB_HOST", "KEYPLANE_DB_PORT",
            "KEYPLANE_DB_NAME", "KEYPLANE_DB_USER", "KEYPLANE_DB_PASSWORD", "KEYPLANE_OPERATOR_TOKEN", "KEYPLANE_PEPPER",
            "KEYPLANE_ENCRYPTION_KEY", "KEYPLANE_AUDIT_KEY", "KEYPLANE_LOG_JSON",
            "KEYPLANE_REDIS_URL"); // section 9

    static final Set<String> SECRETS = Set.of("KEYPLANE_OPERATOR_TOKEN", "KEYPLANE_PEPPER", "KEYPLANE_ENCRYPTION_KEY",
            "KEYPLANE_AUDIT_KEY", "KEYPLANE_DB_PASSWORD");

    static List<Doc> docs;

    /** One parsed YAML document and the file it came from, for messages. */
    record Doc(String file, Map<String, Object> body) {
        String kind() {
            return (String) body.get("kind");
        }

        String name() {
            return str(body, "metadata", "name");
        }

        @Override
        public String toString() {
            return file + ": " + kind() + " " + name();
        }
    }

    @BeforeAll
    static void parseEveryDocument() throws IOException {
        docs = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no manifests in " + DIR.toAbsolutePath());
        for (Path file : files) {
            try (Reader in = Files.newBufferedReader(file)) {
                for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                    if (doc == null) {
                        continue; // an empty document (a stray ---): kubectl skips it too
                    }
                    assertTrue(doc instanceof Map, file + ": a document is not a mapping");
                    docs.add(new Doc(file.getFileName().toString(), map(doc)));
                }
            }
        }
    }

    @Test
    void everyDocumentHasApiVersionKindAndName() {
        for (Doc doc : docs) {
            assertNotBlank(doc.body().get("apiVersion"), doc + ": apiVersion");
            assertNotBlank(doc.kind(), doc + ": kind");
            assertNotBlank(doc.name(), doc + ": metadata.name");
        }
    }

    @Test
    void everyExpectedObjectIsThereWithItsApiVersion() {
        assertEquals("v1", one("Secret").body().get("apiVersion"));
        assertEquals("keyplane-secrets", one("Secret").name());
        assertEquals("v1", one("ConfigMap").body().get("apiVersion"));
        assertEquals("apps/v1", one("Deployment").body().get("apiVersion"));
        assertEquals("v1", one("Service").body().get("apiVersion"));
        assertEquals("autoscaling/v2", one("HorizontalPodAutoscaler").body().get("apiVersion"));
        assertEquals("policy/v1", one("PodDisruptionBudget").body().get("apiVersion"));
    }

    @Test
    void probesUseTheQuarkusHealthPathsOnTheManagementPort() {
        var container = container();
        assertEquals("/q/health/started", str(container, "startupProbe", "httpGet", "path"));
        assertEquals("/q/health/live", str(container, "livenessProbe", "httpGet", "path"));
        assertEquals("/q/health/ready", str(container, "readinessProbe", "httpGet", "path"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals(9000, resolvePort(container, get(container, probe, "httpGet", "port")), probe + " port");
        }
    }

    @Test
    void serviceSendsPort80ToTheContainerPortAndNeverTheManagementPort() {
        var container = container();
        var ports = list(get(container, "ports"));
        assertEquals(2, ports.size(), "the API and the management interface");
        assertEquals(8080, resolvePort(container, "http"));
        assertEquals(9000, resolvePort(container, "management"));

        var service = one("Service").body();
        var servicePorts = list(get(service, "spec", "ports"));
        assertEquals(1, servicePorts.size(), "one service port");
        var port = map(servicePorts.get(0));
        assertEquals(80, port.get("port"));
        assertEquals(8080, resolvePort(container, port.get("targetPort")), "Service targetPort");
        assertEquals(podLabels(), get(service, "spec", "selector"), "Service selector = pod labels");
    }

    @Test
    void everyEnvironmentVariableIsAContractName() {
        var names = new HashSet<String>();
        var container = container();
        for (Object env : list(container.getOrDefault("env", List.of()))) {
            names.add((String) map(env).get("name"));
        }
        for (Object source : list(container.getOrDefault("envFrom", List.of()))) {
            var from = map(source);
            assertNull(from.get("prefix"), "envFrom prefix would rename the contract variables");
            if (from.containsKey("configMapRef")) {
                names.addAll(keys(one("ConfigMap", str(from, "configMapRef", "name")).body()));
            }
            if (from.containsKey("secretRef")) {
                names.addAll(keys(one("Secret", str(from, "secretRef", "name")).body()));
            }
        }
        for (Doc doc : docs) {
            if ("ConfigMap".equals(doc.kind()) || "Secret".equals(doc.kind())) {
                names.addAll(keys(doc.body()));
            }
        }
        var unknown = new HashSet<>(names);
        unknown.removeAll(CONTRACT_ENV);
        assertTrue(unknown.isEmpty(), "not in API.md section 8: " + unknown);
        assertTrue(names.containsAll(SECRETS), "every secret is provided: " + names);
        assertTrue(names.containsAll(Set.of("KEYPLANE_DB_HOST", "KEYPLANE_DB_PORT", "KEYPLANE_DB_NAME",
                "KEYPLANE_DB_USER", "KEYPLANE_LOG_JSON")), "database settings and JSON logs: " + names);
    }

    @Test
    void secretsComeFromTheSecretNeverFromLiterals() {
        var container = container();
        var secretName = one("Secret").name();
        var provided = new HashSet<String>();
        for (Object item : list(container.getOrDefault("env", List.of()))) {
            var env = map(item);
            var name = (String) env.get("name");
            if (SECRETS.contains(name)) {
                assertFalse(env.containsKey("value"), name + " is a literal value in the Deployment");
                assertEquals(secretName, str(env, "valueFrom", "secretKeyRef", "name"), name + " secretKeyRef");
                assertEquals(name, str(env, "valueFrom", "secretKeyRef", "key"), name + " secretKeyRef key");
                provided.add(name);
            }
        }
        for (Object source : list(container.getOrDefault("envFrom", List.of()))) {
            var from = map(source);
            if (from.containsKey("secretRef")) {
                provided.addAll(keys(one("Secret", str(from, "secretRef", "name")).body()));
            }
        }
        assertTrue(provided.containsAll(SECRETS), "from the Secret: " + provided);
        for (Doc doc : docs) {
            if ("ConfigMap".equals(doc.kind())) {
                var leaked = new HashSet<>(keys(doc.body()));
                leaked.retainAll(SECRETS);
                assertTrue(leaked.isEmpty(), doc + " holds secrets: " + leaked);
            }
        }
    }

    @Test
    void committedSecretHoldsOnlyPlaceholders() {
        var secret = one("Secret").body();
        var values = map(secret.getOrDefault("stringData", Map.of()));
        assertNull(secret.get("data"), "base64 data would hide real values: use stringData placeholders");
        assertEquals(SECRETS, values.keySet());
        values.forEach((key, value) -> assertEquals("CHANGE_ME", value, key + " must stay a placeholder in git"));
    }

    @Test
    void containerRunsHardened() {
        var pod = podSpec();
        var container = container();
        var podSecurity = map(pod.getOrDefault("securityContext", Map.of()));
        var security = map(container.get("securityContext"));
        assertTrue(Boolean.TRUE.equals(security.get("runAsNonRoot")) || Boolean.TRUE.equals(podSecurity.get("runAsNonRoot")),
                "runAsNonRoot");
        assertEquals(Boolean.TRUE, security.get("readOnlyRootFilesystem"), "readOnlyRootFilesystem");
        assertEquals(Boolean.FALSE, security.get("allowPrivilegeEscalation"), "allowPrivilegeEscalation");
        assertEquals(List.of("ALL"), get(security, "capabilities", "drop"), "capabilities.drop");
        assertEquals("RuntimeDefault", str(security, "seccompProfile", "type"), "seccompProfile");
        assertNull(security.get("privileged"), "privileged");
        assertFalse(Integer.valueOf(0).equals(security.get("runAsUser")) || Integer.valueOf(0).equals(podSecurity.get("runAsUser")),
                "runAsUser 0");

        // a read-only root needs a writable /tmp
        var mount = list(container.get("volumeMounts")).stream().map(KubernetesManifestsTest::map)
                .filter(m -> "/tmp".equals(m.get("mountPath"))).findFirst().orElseThrow(() -> new AssertionError("no /tmp mount"));
        var volume = list(pod.get("volumes")).stream().map(KubernetesManifestsTest::map)
                .filter(v -> mount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
        assertTrue(volume.containsKey("emptyDir"), "/tmp is an emptyDir");
    }

    @Test
    void deploymentSizingAndScaling() {
        var deployment = one("Deployment");
        assertEquals(2, get(deployment.body(), "spec", "replicas"));
        assertEquals("keyplane:latest", container().get("image"));
        assertEquals("100m", str(container(), "resources", "requests", "cpu"));
        assertEquals(List.of("-Xmx64m"), container().get("args"), "the native executable's heap cap");
        assertEquals("96Mi", str(container(), "resources", "requests", "memory"));
        assertEquals("160Mi", str(container(), "resources", "limits", "memory"));
        assertEquals(podLabels(), get(deployment.body(), "spec", "selector", "matchLabels"));

        var hpa = one("HorizontalPodAutoscaler").body();
        assertEquals("Deployment", str(hpa, "spec", "scaleTargetRef", "kind"));
        assertEquals(deployment.name(), str(hpa, "spec", "scaleTargetRef", "name"));
        assertEquals(2, get(hpa, "spec", "minReplicas"));
        assertEquals(10, get(hpa, "spec", "maxReplicas"));
        var metric = map(list(get(hpa, "spec", "metrics")).get(0));
        assertEquals("cpu", str(metric, "resource", "name"));
        assertEquals("Utilization", str(metric, "resource", "target", "type"));
        assertEquals(70, get(metric, "resource", "target", "averageUtilization"));

        var pdb = one("PodDisruptionBudget").body();
        assertEquals(1, get(pdb, "spec", "minAvailable"));
        assertEquals(podLabels(), get(pdb, "spec", "selector", "matchLabels"));
    }

    @Test
    void podsAreScrapedAtQMetrics() {
        var annotations = map(get(one("Deployment").body(), "spec", "template", "metadata", "annotations"));
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals("/q/metrics", annotations.get("prometheus.io/path"));
        assertEquals("9000", annotations.get("prometheus.io/port"), "the management interface");
    }

    @Test
    void configMapAndSecretValuesAreStrings() {
        // the API server rejects a bare 5432 or true here
        for (Doc doc : docs) {
            if ("ConfigMap".equals(doc.kind()) || "Secret".equals(doc.kind())) {
                for (String field : List.of("data", "stringData")) {
                    map(doc.body().getOrDefault(field, Map.of())).forEach(
                            (key, value) -> assertTrue(value instanceof String, doc + ": " + key + " must be quoted"));
                }
            }
        }
    }

    @Test
    void jsonLogsAreOn() {
        assertEquals("true", map(one("ConfigMap").body().get("data")).get("KEYPLANE_LOG_JSON"));
    }

    // --- helpers ---

    static Doc one(String kind) {
        var found = docs.stream().filter(d -> kind.equals(d.kind())).toList();
        assertEquals(1, found.size(), "exactly one " + kind + " in " + DIR);
        return found.get(0);
    }

    static Doc one(String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.kind()) && name.equals(d.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    static Map<String, Object> podSpec() {
        return map(get(one("Deployment").body(), "spec", "template", "spec"));
    }

    static Map<String, Object> podLabels() {
        return map(get(one("Deployment").body(), "spec", "template", "metadata", "labels"));
    }

    static Map<String, Object> container() {
        var containers = list(podSpec().get("containers"));
        assertEquals(1, containers.size(), "one container");
        return map(containers.get(0));
    }

    /** A port given by number, or by the name of a container port. */
    static int resolvePort(Map<String, Object> container, Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        for (Object item : list(container.get("ports"))) {
            var p = map(item);
            if (port.equals(p.get("name"))) {
                return (Integer) p.get("containerPort");
            }
        }
        return fail("no container port named " + port);
    }

    /** Keys of a ConfigMap's or Secret's data and stringData. */
    static Set<String> keys(Map<String, Object> configMapOrSecret) {
        var keys = new HashSet<String>();
        keys.addAll(map(configMapOrSecret.getOrDefault("data", Map.of())).keySet());
        keys.addAll(map(configMapOrSecret.getOrDefault("stringData", Map.of())).keySet());
        return keys;
    }

    static Object get(Map<String, Object> root, String... path) {
        Object at = root;
        for (String key : path) {
            assertTrue(at instanceof Map, "missing " + String.join(".", path));
            at = map(at).get(key);
        }
        assertNotNull(at, "missing " + String.join(".", path));
        return at;
    }

    static String str(Map<String, Object> root, String... path) {
        return String.valueOf(get(root, path));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "expected a mapping, got " + value);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertTrue(value instanceof List, "expected a list, got " + value);
        return (List<Object>) value;
    }

    static void assertNotBlank(Object value, String what) {
        assertTrue(value instanceof String s && !s.isBlank(), what + " is missing");
    }
}
