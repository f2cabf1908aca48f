package io.keyplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The images cannot be built here (no container engine), so this reads the Dockerfiles for Quarkus'
 * conventions: fast-jar or runner paths, a numeric non-root USER, port 8080, and a context kept to target/.
 */
class DockerfilesTest {

    static final Path DOCKER = Path.of("src", "main", "docker");

    @Test
    void jvmImageRunsTheFastJarAsUser185() throws IOException {
        var lines = instructions(DOCKER.resolve("Dockerfile.jvm"));
        assertTrue(first(lines, "FROM ").matches("FROM registry\\.access\\.redhat\\.com/ubi9/openjdk-(17|21)-runtime(:[\\w.-]+)?"),
                first(lines, "FROM "));
        for (String layer : List.of("target/quarkus-app/lib/ /deployments/lib/", "target/quarkus-app/*.jar /deployments/",
                "target/quarkus-app/app/ /deployments/app/", "target/quarkus-app/quarkus/ /deployments/quarkus/")) {
            assertTrue(lines.contains("COPY --chown=185 " + layer), "copies " + layer);
        }
        assertEquals("USER 185", last(lines, "USER "));
        assertTrue(lines.contains("EXPOSE 8080"));
        assertTrue(lines.contains("EXPOSE 9000"), "the management interface");
        assertTrue(lines.contains("ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\""));
        assertTrue(first(lines, "ENV JAVA_OPTS_APPEND=").contains("-Dquarkus.http.host=0.0.0.0"));
        assertEquals("ENTRYPOINT [ \"/opt/jboss/container/java/run/run-java.sh\" ]", last(lines, "ENTRYPOINT "));
    }

    @Test
    void nativeImageRunsTheRunnerAsUser1001() throws IOException {
        var lines = instructions(DOCKER.resolve("Dockerfile.native-micro"));
        assertEquals("FROM quay.io/quarkus/quarkus-micro-image:2.0", first(lines, "FROM "));
        assertTrue(lines.contains("COPY --chown=1001:root --chmod=0755 target/*-runner /work/application"));
        assertEquals("WORKDIR /work/", first(lines, "WORKDIR "));
        assertEquals("USER 1001", last(lines, "USER "));
        assertTrue(lines.contains("EXPOSE 8080"));
        assertTrue(lines.contains("EXPOSE 9000"), "the management interface");
        assertEquals("ENTRYPOINT [\"./application\", \"-Dquarkus.http.host=0.0.0.0\"]", last(lines, "ENTRYPOINT "));
    }

    @Test
    void buildContextIsOnlyTheTargetArtefacts() throws IOException {
        var rules = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", rules.get(0), "everything is excluded first");
        assertTrue(rules.contains("!target/quarkus-app/*"), "fast-jar re-included");
        assertTrue(rules.contains("!target/*-runner"), "native runner re-included");
        assertTrue(rules.stream().skip(1).allMatch(r -> r.startsWith("!target/")), "only target/ comes back: " + rules);
    }

    /** Instructions with line continuations joined and comments dropped. */
    static List<String> instructions(Path dockerfile) throws IOException {
        assertTrue(Files.isRegularFile(dockerfile), dockerfile + " exists");
        var joined = String.join("\n", Files.readAllLines(dockerfile).stream()
                .filter(l -> !l.trim().startsWith("#")).toList()).replaceAll("\\\\\\s*\n\\s*", " ");
        var lines = joined.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        assertFalse(lines.isEmpty());
        return lines;
    }

    static String first(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no " + prefix));
    }

    static String last(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + prefix));
    }
}
