package io.keyplane.webhook;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

import io.restassured.path.json.JsonPath;

/**
 * A real HTTP endpoint for webhooks, on loopback: it records each request (headers and raw body) per path and
 * answers each path with the statuses it was told, then 200. It verifies signatures the way docs/webhooks.md tells
 * receivers to.
 */
final class WebhookReceiver implements AutoCloseable {

    record Received(String path, String eventId, String signature, String contentType, byte[] body) {
        JsonPath json() {
            return JsonPath.from(new String(body, StandardCharsets.UTF_8));
        }

        String type() {
            return json().getString("type");
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Queue<Integer>> planned = new ConcurrentHashMap<>();
    private final Map<String, Integer> always = new ConcurrentHashMap<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            var path = exchange.getRequestURI().getPath();
            var body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            received.add(new Received(path, headers.getFirst("Keyplane-Event-Id"), headers.getFirst("Keyplane-Signature"),
                    headers.getFirst("Content-Type"), body));
            var next = planned.getOrDefault(path, new ConcurrentLinkedQueue<>()).poll();
            int status = next != null ? next : always.getOrDefault(path, 200);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests to {@code path} get these statuses, in order; later ones 200 (or {@link #answer}'s). */
    void plan(String path, Integer... statuses) {
        planned.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(statuses));
    }

    void answer(String path, int status) {
        always.put(path, status);
    }

    List<Received> at(String path) {
        var list = new ArrayList<Received>();
        for (var r : received) {
            if (r.path().equals(path)) {
                list.add(r);
            }
        }
        return list;
    }

    /** Stripe's check: HMAC-SHA256(secret, t + "." + raw body) in hex, compared in constant time, t recent. */
    static boolean verifies(String secret, Received request, long nowSeconds) {
        var parts = request.signature().split(",");
        if (parts.length != 2 || !parts[0].startsWith("t=") || !parts[1].startsWith("v1=")) {
            return false;
        }
        long t = Long.parseLong(parts[0].substring(2));
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            var expected = mac.doFinal(request.body());
            return MessageDigest.isEqual(expected, HexFormat.of().parseHex(parts[1].substring(3)))
                    && Math.abs(nowSeconds - t) <= 300;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
