package io.keyplane.replicas;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One replica of the packaged application, started as its own process, the way a pod runs it: the native executable
 * when that is the newest build ({@code -Dnative}), else {@code java -jar} of the fast-jar. Its output goes to
 * {@code target/replicas/<name>.log}.
 */
final class Replica implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    final int managementPort;
    private final Process process;

    private Replica(String name, int port, int managementPort, Process process) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
    }

    static Replica start(String name, Map<String, String> env) {
        int port = freePort();
        int managementPort = freePort();
        var log = Path.of("target", "replicas", name + ".log");
        try {
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(log.toFile());
            var environment = builder.environment();
            environment.keySet().removeIf(k -> k.startsWith("KEYPLANE_") || k.startsWith("QUARKUS_"));
            environment.putAll(env);
            environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
            environment.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
            var replica = new Replica(name, port, managementPort, builder.start());
            replica.awaitReady();
            return replica;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> command() {
        var jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        var nativePath = System.getProperty("native.image.path");
        var executable = nativePath == null ? null : Path.of(nativePath);
        try {
            if (executable != null && Files.isExecutable(executable) && (!Files.exists(jar)
                    || Files.getLastModifiedTime(executable).compareTo(Files.getLastModifiedTime(jar)) > 0)) {
                return List.of(executable.toAbsolutePath().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var java = ProcessHandle.current().info().command().orElse("java");
        return new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar.toAbsolutePath().toString()));
    }

    String url() {
        return "http://localhost:" + port;
    }

    /** The HTTP status of a management endpoint ({@code /q/health/ready}, ...), or -1 when nothing answers. */
    int management(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String managementBody(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see target/replicas/"
                        + name + ".log");
            }
            return management("/q/health/ready") == 200;
        });
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, as Kubernetes sends it; the replica shuts down gracefully in its own time. */
    void terminate() {
        process.destroy();
    }

    int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not exit within " + atMost);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static Map<String, String> environment(String database, int databasePort) {
        var env = new HashMap<String, String>();
        env.put("KEYPLANE_DB_HOST", "127.0.0.1");
        env.put("KEYPLANE_DB_PORT", String.valueOf(databasePort));
        env.put("KEYPLANE_DB_NAME", database);
        env.put("KEYPLANE_DB_USER", "postgres");
        // well-known test values, as in application.properties' test profile; the replicas run the prod profile
        env.put("KEYPLANE_OPERATOR_TOKEN", ReplicasIT.OPERATOR);
        env.put("KEYPLANE_PEPPER", "dev-and-test-only-pepper-0123456789abcdef");
        env.put("KEYPLANE_ENCRYPTION_KEY", "ZGV2LWFuZC10ZXN0LW9ubHktYWVzLWtleS0wMTIzNDU=");
        env.put("KEYPLANE_AUDIT_KEY", "dev-and-test-only-audit-key-0123456789abcdef");
        env.put("KEYPLANE_AUTH_FAILURE_LIMIT", "100000");
        env.put("KEYPLANE_SHUTDOWN_DELAY", "2s");
        return env;
    }

    static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
