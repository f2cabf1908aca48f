package io.keyplane.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.deployment.pkg.steps.GraalVM;

/**
 * The driver stand-in of the assembled GraalVM home (tools/native/native-image, tools/native/TranslateArgs.java): Quarkus must
 * accept its version, and the driver options Quarkus passes must reach the builder translated, none dropped.
 */
class NativeToolingTest {

    static final Path NATIVE = Path.of("").toAbsolutePath(); // tools/native: this build's base directory

    @Test
    void quarkusReadsTheVersionAsGraalVm25() throws Exception {
        var run = run(Path.of("."), List.of(NATIVE.resolve("native-image").toString(), "--version"));
        assertEquals(0, run.exitCode);
        var version = GraalVM.Version.of(run.stdout.lines());
        assertEquals("25.0.2", version.getVersionAsString());
        assertEquals(25, version.javaVersion.feature());
        assertTrue(version.compareTo(io.quarkus.runtime.graal.GraalVM.Version.VERSION_25_0_0) >= 0);
    }

    @Test
    void translatesDriverOptionsJarManifestAndJarSettings(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.example.Main");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/dep.jar");
        manifest.getMainAttributes().putValue("Add-Opens", "java.base/java.lang");
        jar(dir.resolve("app-runner.jar"), manifest);
        jar(dir.resolve("lib/dep.jar"), null,
                "META-INF/native-image/org.example/dep/native-image.properties",
                "Args = --initialize-at-build-time=org.example --features=org.example.Feature",
                "META-INF/native-image/org.example/dep/reflect-config.json", "[]",
                "META-INF/native-image/org.example/dep/resource-config.json", "{}");

        var run = translate(dir, "-J-Dfoo=bar", "--no-fallback", "-Os", "--link-at-build-time", "-H:+ReportExceptionStackTraces",
                "--exclude-config", "dep\\.jar", "/META-INF/native-image/org\\.example/dep/reflect-config\\.json",
                "app-runner", "-jar", "app-runner.jar");

        assertEquals(0, run.exitCode, run.stderr);
        var jvm = Files.readAllLines(dir.resolve("out/jvm.args"));
        var image = Files.readAllLines(dir.resolve("out/image.args"));
        assertTrue(jvm.containsAll(List.of("-Dfoo=bar", "--add-opens=java.base/java.lang=ALL-UNNAMED")), jvm.toString());
        assertTrue(image.containsAll(List.of("-H:FallbackThreshold=0", "-H:Optimize=s", "-H:LinkAtBuildTime=",
                "-H:+ReportExceptionStackTraces", "-H:ClassInitialization=org.example:build_time",
                "-H:Features=org.example.Feature",
                "-H:ResourceConfigurationResources=META-INF/native-image/org.example/dep/resource-config.json",
                "-H:Class=io.example.Main", "-H:Name=app-runner")), image.toString());
        assertFalse(image.stream().anyMatch(a -> a.contains("reflect-config.json")), "excluded by --exclude-config");
        assertEquals(dir.resolve("app-runner.jar") + ":" + dir.resolve("lib/dep.jar"),
                Files.readString(dir.resolve("out/imagecp")).strip());
    }

    @Test
    void refusesAnOptionItCannotTranslate(@TempDir Path dir) throws Exception {
        jar(dir.resolve("app.jar"), null);
        var run = translate(dir, "--bogus-option", "-jar", "app.jar");
        assertNotEquals(0, run.exitCode);
        assertTrue(run.stderr.contains("driver option not translated: --bogus-option"), run.stderr);
    }

    private static Result translate(Path dir, String... driverArgs) throws Exception {
        var command = new ArrayList<>(List.of(javaExecutable(), NATIVE.resolve("TranslateArgs.java").toString(), "out"));
        command.addAll(List.of(driverArgs));
        return run(dir, command);
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static void jar(Path path, Manifest manifest, String... entries) throws IOException {
        if (manifest == null) {
            manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.example.Main");
        }
        try (OutputStream out = Files.newOutputStream(path); var jar = new JarOutputStream(out, manifest)) {
            for (int i = 0; i < entries.length; i += 2) {
                jar.putNextEntry(new ZipEntry(entries[i]));
                jar.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result run(Path dir, List<String> command) throws Exception {
        var process = new ProcessBuilder(command).directory(dir.toFile()).start();
        var stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), stdout, stderr);
    }
}
