package io.keyplane.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

import com.sun.net.httpserver.HttpServer;

/**
 * A real NGINX (Debian's nginx-light, which .ci/run installs) running the shipped
 * {@code deploy/nginx/keyplane-forward-auth.conf.template}, filled in as its comments say, in front of an upstream
 * that answers with the headers it received as JSON and remembers the raw request URIs it was sent; or in front of
 * Keyplane's own API as an ingress is, appending to X-Forwarded-For.
 */
final class Nginx implements AutoCloseable {

    static final Path TEMPLATE = Path.of("deploy", "nginx", "keyplane-forward-auth.conf.template");

    final int port;
    private final Process process;
    private final HttpServer upstream;
    private final Path dir;
    private final java.util.Queue<String> upstreamUris;

    private Nginx(int port, Process process, HttpServer upstream, Path dir, java.util.Queue<String> upstreamUris) {
        this.port = port;
        this.process = process;
        this.upstream = upstream;
        this.dir = dir;
        this.upstreamUris = upstreamUris;
    }

    static Nginx start(String keyplaneAddress, String policyId, String gatewayKey) throws IOException {
        var received = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var upstream = echoServer(received);
        int port = freePort();
        var site = Files.readString(TEMPLATE)
                .replace("${LISTEN_PORT}", "127.0.0.1:" + port)
                .replace("${KEYPLANE_ADDRESS}", keyplaneAddress)
                .replace("${KEYPLANE_POLICY_ID}", policyId)
                .replace("${KEYPLANE_GATEWAY_KEY}", gatewayKey)
                .replace("${UPSTREAM_URL}", "http://127.0.0.1:" + upstream.getAddress().getPort());
        return run(port, site, upstream, received);
    }

    /**
     * In front of Keyplane's API as ingress-nginx is: it appends the address it saw to X-Forwarded-For (which keeps
     * whatever the client sent before it), and connects to Keyplane from {@code bindAddress}, the trusted proxy.
     */
    static Nginx inFrontOfKeyplane(String keyplaneAddress, String bindAddress) throws IOException {
        int port = freePort();
        var site = """
                server {
                    listen 127.0.0.1:%d;
                    location / {
                        proxy_pass http://%s;
                        proxy_bind %s;
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    }
                }
                """.formatted(port, keyplaneAddress, bindAddress);
        return run(port, site, null, new java.util.concurrent.ConcurrentLinkedQueue<>());
    }

    private static Nginx run(int port, String site, HttpServer upstream, java.util.Queue<String> received)
            throws IOException {
        var dir = Files.createTempDirectory("keyplane-nginx");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // for the workers
        Files.writeString(dir.resolve("keyplane.conf"), site);
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/keyplane.conf;
                }
                """.formatted(dir));
        var process = new ProcessBuilder(binary(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        var nginx = new Nginx(port, process, upstream, dir, received);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() || listening(port));
            if (!process.isAlive()) {
                throw new IllegalStateException("NGINX did not start: " + Files.readString(dir.resolve("stdout.log")));
            }
        } catch (RuntimeException e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    /** The request URIs the upstream received, raw, in order. */
    java.util.List<String> upstreamUris() {
        return java.util.List.copyOf(upstreamUris);
    }

    String errorLog() throws IOException {
        var log = dir.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        process.destroy();
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    private static String binary() {
        for (var candidate : new String[] { "/usr/sbin/nginx", "/usr/bin/nginx" }) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("NGINX is missing: apt-get install nginx-light (.ci/run does)");
    }

    /** Answers every request 200 with the request's headers as a JSON object (names lower case); notes its URI. */
    private static HttpServer echoServer(java.util.Queue<String> received) throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? ""
                    : "?" + exchange.getRequestURI().getRawQuery()));
            Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream().collect(Collectors.toMap(
                    e -> e.getKey().toLowerCase(), e -> String.join(",", e.getValue())));
            headers.put("x-echo-method", exchange.getRequestMethod());
            headers.put("x-echo-uri", exchange.getRequestURI().toString());
            var body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(headers);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (var socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
