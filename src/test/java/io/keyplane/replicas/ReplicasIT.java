package io.keyplane.replicas;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.sun.net.httpserver.HttpServer;

import io.keyplane.support.TcpProxy;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * Two replicas of the packaged application on one database and one Redis (docs/deploy.md "Running several replicas"):
 * A reaches PostgreSQL directly, B through a {@link TcpProxy} the test may cut. Proves that a change on A reaches
 * B's cache within 1 s, that rate limits and credits hold across both, that B answers a database outage honestly
 * and recovers by itself, that both deliver webhooks without sending an event twice, and that B shuts down
 * gracefully.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    static final String OPERATOR = "replicas-test-operator-token-0123456789";
    static final String DATABASE = "keyplane_replicas_" + System.currentTimeMillis();
    static final Duration PROPAGATION = Duration.ofSeconds(1);

    static TcpProxy proxy;
    static Replica a;
    static Replica b;
    static final List<Long> propagationMillis = new ArrayList<>();

    static String ownerKey;
    static String workspaceId;
    static String verifier;

    @BeforeAll
    static void startReplicas() {
        proxy = new TcpProxy(5432);
        var common = Replica.environment(DATABASE, 5432);
        common.put("KEYPLANE_REDIS_URL", "redis://127.0.0.1:6379");
        common.put("KEYPLANE_EXPIRY_WARNING_CHECK_INTERVAL", "1s"); // both replicas look for expiring keys each second
        common.put("KEYPLANE_WEBHOOK_ALLOW_PRIVATE", "true"); // the webhook receiver is this JVM, on loopback
        a = Replica.start("a", common);
        var viaProxy = new HashMap<>(common);
        viaProxy.put("KEYPLANE_DB_PORT", String.valueOf(proxy.port()));
        viaProxy.put("KEYPLANE_USAGE_FLUSH_INTERVAL", "1h"); // only the shutdown writes B's uses
        viaProxy.put("KEYPLANE_DB_READ_TIMEOUT", "8s"); // a silent database fails B's calls after 8 s
        b = Replica.start("b", viaProxy);
        var ws = on(a).auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(Map.of("name", "replicas"))
                .post("/api/v1/workspaces").then().statusCode(201).extract().jsonPath();
        ownerKey = ws.getString("bootstrap.key");
        workspaceId = ws.getString("id");
        for (var scope : List.of("data:read", "data:write")) {
            owner(a).body(Map.of("name", scope)).post(path("/scopes")).then().statusCode(201);
        }
        verifier = createKey(Map.of("name", "gateway", "kind", "service", "scopes", List.of("keys:verify")))
                .getString("key");
    }

    @AfterAll
    static void stopReplicas() throws InterruptedException {
        if (!propagationMillis.isEmpty()) {
            System.out.printf("Revocation propagation A -> B in ms (revoke, pause, account disable, scope narrowing, "
                    + "workspace delete, after an outage, after listening again): %s%n", propagationMillis);
        }
        for (var replica : new Replica[] { a, b }) {
            if (replica != null) {
                replica.close();
            }
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    static RequestSpecification on(Replica replica) {
        return given().baseUri(replica.url());
    }

    static RequestSpecification owner(Replica replica) {
        return on(replica).auth().oauth2(ownerKey).contentType(ContentType.JSON);
    }

    static String path(String rest) {
        return "/api/v1/workspaces/" + workspaceId + rest;
    }

    static JsonPath createKey(Map<String, Object> body) {
        return owner(a).body(body).post(path("/api-keys")).then().statusCode(201).extract().jsonPath();
    }

    static ValidatableResponse verify(Replica replica, String as, Map<String, Object> body) {
        return on(replica).auth().oauth2(as).contentType(ContentType.JSON).body(body).post("/api/v1/keys/verify").then();
    }

    static String code(Replica replica, String key, List<String> scopes) {
        return verify(replica, verifier, Map.of("key", key, "scopes", scopes)).statusCode(200).extract().path("code");
    }

    /** Runs {@code change} on A, then measures until B answers {@code expected} for the key. */
    static void propagates(Supplier<String> onB, Runnable change, String expected) {
        assertEquals("VALID", onB.get(), "B has the key's facts (cached) before the change");
        change.run();
        long changed = System.nanoTime();
        await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(5)).until(() -> expected.equals(onB.get()));
        propagationMillis.add((System.nanoTime() - changed) / 1_000_000);
    }

    @Test
    @Order(1)
    void aChangeOnAReachesBWithinOneSecond() {
        var revoked = createKey(Map.of("name", "revoked"));
        propagates(() -> code(b, revoked.getString("key"), List.of()),
                () -> owner(a).delete(path("/api-keys/" + revoked.getString("id"))).then().statusCode(200), "REVOKED");

        var paused = createKey(Map.of("name", "paused"));
        propagates(() -> code(b, paused.getString("key"), List.of()),
                () -> owner(a).post(path("/api-keys/" + paused.getString("id") + "/pause")).then().statusCode(200),
                "PAUSED");

        var account = owner(a).body(Map.of("name", "svc", "scopes", List.of("data:read"))).post(path("/service-accounts"))
                .then().statusCode(201).extract().jsonPath().getString("id");
        var onAccount = createKey(Map.of("name", "on-account", "service_account_id", account));
        propagates(() -> code(b, onAccount.getString("key"), List.of()),
                () -> owner(a).body(Map.of("status", "disabled")).patch(path("/service-accounts/" + account))
                        .then().statusCode(200), "DISABLED");

        var narrowed = createKey(Map.of("name", "narrowed", "scopes", List.of("data:read", "data:write")));
        propagates(() -> code(b, narrowed.getString("key"), List.of("data:write")),
                () -> owner(a).body(Map.of("scopes", List.of("data:read"))).patch(path("/api-keys/" + narrowed.getString("id")))
                        .then().statusCode(200), "INSUFFICIENT_SCOPE");

        // a forward-auth policy B has cached: a change of its rules on A
        var policy = owner(a).body(Map.of("name", "api", "rules", List.of(Map.of("method", "*", "path", "/**",
                "scopes", List.of())))).post(path("/forward-auth-policies")).then().statusCode(201).extract().<String>path("id");
        var user = createKey(Map.of("name", "user", "scopes", List.of("data:read"))).getString("key");
        propagates(() -> {
            int status = on(b).header("X-Keyplane-Gateway-Key", verifier).header("X-Original-URI", "/orders")
                    .auth().oauth2(user).get("/api/v1/forward-auth/" + policy).then().extract().statusCode();
            return status == 200 ? "VALID" : String.valueOf(status);
        }, () -> owner(a).body(Map.of("rules", List.of(Map.of("method", "*", "path", "/**", "scopes",
                List.of("data:write"))))).patch(path("/forward-auth-policies/" + policy)).then().statusCode(200), "403");

        var other = on(a).auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(Map.of("name", "doomed"))
                .post("/api/v1/workspaces").then().statusCode(201).extract().jsonPath();
        var doomedKey = on(a).auth().oauth2(other.getString("bootstrap.key")).contentType(ContentType.JSON)
                .body(Map.of("name", "doomed")).post("/api/v1/workspaces/" + other.getString("id") + "/api-keys")
                .then().statusCode(201).extract().jsonPath().getString("key");
        propagates(() -> verify(b, OPERATOR, Map.of("key", doomedKey)).statusCode(200).extract().path("code"),
                () -> on(a).auth().oauth2(OPERATOR).delete("/api/v1/workspaces/" + other.getString("id")).then()
                        .statusCode(200), "DISABLED");
    }

    @Test
    @Order(1)
    void bothReplicasLookForExpiringKeysButOneWarns() {
        var key = createKey(Map.of("name", "expiring", "expires_in_days", 5)).getString("id");
        Callable<Integer> warnings = () -> owner(a).get(path("/audit-log?action=api_key.expiring&target_id=" + key))
                .then().statusCode(200).extract().jsonPath().getList("$").size();
        await().atMost(Duration.ofSeconds(15)).until(() -> warnings.call() == 1);
        // several more runs on each replica: still one warning
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> warnings.call() == 1);
    }

    @Test
    @Order(1)
    void bothReplicasDeliverWebhooksButEachEventGoesOnceAndInOrder() throws Exception {
        var received = new ConcurrentHashMap<String, List<String>>();
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            var event = JsonPath.from(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new CopyOnWriteArrayList<>())
                    .add(event.getString("type") + " " + event.getString("id"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        var hooks = List.of("/one", "/two", "/three");
        var ids = new ArrayList<String>();
        try {
            for (var hook : hooks) {
                ids.add(owner(a).body(Map.of("url", "http://127.0.0.1:" + server.getAddress().getPort() + hook,
                        "events", List.of("api_key.pause", "api_key.resume"))).post(path("/webhooks")).then()
                        .statusCode(201).extract().<String>path("id"));
            }
            var key = createKey(Map.of("name", "toggled")).getString("id");
            var expected = new ArrayList<String>();
            for (int i = 0; i < 6; i++) {
                var action = i % 2 == 0 ? "pause" : "resume";
                owner(i % 2 == 0 ? a : b).post(path("/api-keys/" + key + "/" + action)).then().statusCode(200);
                expected.add("api_key." + action);
            }
            Supplier<Boolean> allArrived = () -> hooks.stream()
                    .allMatch(h -> received.getOrDefault(h, List.of()).size() >= expected.size());
            await().atMost(Duration.ofSeconds(20)).until(allArrived::get);
            // both replicas poll each second: a few more polls send nothing twice
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> hooks.stream().allMatch(h -> received.get(h).size() == expected.size()));
            for (var hook : hooks) {
                var got = received.get(hook);
                assertEquals(expected, got.stream().map(r -> r.split(" ")[0]).toList(), hook);
                assertEquals(expected.size(), got.stream().map(r -> r.split(" ")[1]).distinct().count(), hook);
            }
        } finally {
            for (var id : ids) {
                owner(a).delete(path("/webhooks/" + id)).then().statusCode(204);
            }
            server.stop(0);
        }
    }

    @Test
    @Order(2)
    void tenPerMinuteIsTenAcrossBothReplicas() {
        // the window is the clock's minute: start where the whole burst fits in one
        await().atMost(Duration.ofSeconds(61)).pollInterval(Duration.ofMillis(200))
                .until(() -> Instant.now().getEpochSecond() % 60 < 45);
        var k = createKey(Map.of("name", "ten-per-minute", "rate_limit", Map.of("limit", 10, "window_seconds", 60)));
        int valid = 0;
        for (int i = 0; i < 30; i++) {
            var code = code(i % 2 == 0 ? a : b, k.getString("key"), List.of());
            if ("VALID".equals(code)) {
                valid++;
            } else {
                assertEquals("RATE_LIMITED", code);
            }
        }
        assertEquals(10, valid);
    }

    @Test
    @Order(3)
    void creditsAreNeverOverspentAcrossBothReplicas() throws Exception {
        var k = createKey(Map.of("name", "metered", "credits", Map.of("remaining", 100)));
        var pool = Executors.newFixedThreadPool(16);
        try {
            var calls = new ArrayList<Callable<String>>();
            for (int i = 0; i < 200; i++) {
                var replica = i % 2 == 0 ? a : b;
                calls.add(() -> verify(replica, verifier, Map.of("key", k.getString("key"), "cost", 1)).statusCode(200)
                        .extract().path("code"));
            }
            var codes = new ArrayList<String>();
            for (var call : pool.invokeAll(calls)) {
                codes.add(call.get());
            }
            assertEquals(100, codes.stream().filter("VALID"::equals).count(), codes.toString());
            assertEquals(100, codes.stream().filter("USAGE_EXCEEDED"::equals).count(), codes.toString());
        } finally {
            pool.shutdownNow();
        }
        owner(b).get(path("/api-keys/" + k.getString("id"))).then().statusCode(200).body("credits.remaining", is(0));
        assertEquals(0L, sql("select credits_remaining from api_key where id = '" + k.getString("id") + "'"));
    }

    @Test
    @Order(4)
    void aDatabaseOutageIsAnsweredHonestlyAndRecoveredFrom() {
        var cached = createKey(Map.of("name", "cached-on-b"));
        var uncached = createKey(Map.of("name", "never-seen-by-b"));
        var acknowledged = new ArrayList<String>();
        assertEquals("VALID", code(b, cached.getString("key"), List.of()));
        proxy.cut();
        try {
            // B cannot reach the database: an uncached key cannot be looked up, so 503, never 500 or NOT_FOUND
            verify(b, verifier, Map.of("key", uncached.getString("key"))).statusCode(503)
                    .header("Retry-After", "2").body("code", is("service_unavailable"));
            verify(b, verifier, Map.of("key", cached.getString("key"))).statusCode(200).body("code", is("VALID"));
            owner(b).body(Map.of("name", "during-outage")).post(path("/api-keys")).then().statusCode(503)
                    .header("Retry-After", "2").body("code", is("service_unavailable"));
            owner(b).get(path("/api-keys")).then().statusCode(503).body("code", is("service_unavailable"));
            on(b).auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(Map.of("name", "during-outage"))
                    .post("/api/v1/workspaces").then().statusCode(503);
            // readiness stays UP (cached keys keep working); the database is a check of its own, and a metric
            assertEquals(200, b.management("/q/health/ready"));
            assertEquals(503, b.management("/q/health"));
            var metrics = b.managementBody("/q/metrics");
            assertTrue(metrics.contains("keyplane_key_changes_listening 0.0"), "B knows it is not listening");
            assertTrue(metrics.contains("keyplane_database_up 0.0"), "B reports the database down");
            // A, on its own connection, is unaffected: what it acknowledges must all be there afterwards
            acknowledged.add(createKey(Map.of("name", "acknowledged-during-outage")).getString("id"));
        } finally {
            proxy.restore();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> b.management("/q/health") == 200);
        verify(b, verifier, Map.of("key", uncached.getString("key"))).statusCode(200).body("code", is("VALID"));
        owner(b).body(Map.of("name", "after-outage")).post(path("/api-keys")).then().statusCode(201);
        for (var id : acknowledged) {
            owner(b).get(path("/api-keys/" + id)).then().statusCode(200);
        }
        // B listens again (its listener retried with backoff), so changes reach it within 1 s once more
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> b.managementBody("/q/metrics").contains("keyplane_key_changes_listening 1.0"));
        propagates(() -> code(b, cached.getString("key"), List.of()),
                () -> owner(a).delete(path("/api-keys/" + cached.getString("id"))).then().statusCode(200), "REVOKED");
    }

    @Test
    @Order(5)
    void aReplicaThatCannotListenReadsThroughItsCache() {
        var k = createKey(Map.of("name", "read-through"));
        assertEquals("VALID", code(b, k.getString("key"), List.of()));
        proxy.pauseListeners(); // queries still answer; only change notifications stop reaching B
        try {
            // the heartbeat finds the silent connection; B stops trusting its cache and says so
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> b.managementBody("/q/metrics").contains("keyplane_key_changes_listening 0.0"));
            owner(a).delete(path("/api-keys/" + k.getString("id"))).then().statusCode(200);
            // no notification can reach B, yet its very next answer is right: it read the key through
            assertEquals("REVOKED", code(b, k.getString("key"), List.of()));
            assertEquals(200, b.management("/q/health/ready"));
        } finally {
            proxy.resumeListeners();
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> b.managementBody("/q/metrics").contains("keyplane_key_changes_listening 1.0"));
        var next = createKey(Map.of("name", "after-listening-again"));
        propagates(() -> code(b, next.getString("key"), List.of()),
                () -> owner(a).post(path("/api-keys/" + next.getString("id") + "/pause")).then().statusCode(200),
                "PAUSED");
    }

    @Test
    @Order(6)
    void aDatabaseThatStopsAnsweringIsAnsweredWithinBoundsToo() {
        var cached = createKey(Map.of("name", "cached-before-silence"));
        var uncached = createKey(Map.of("name", "never-seen-by-b-either"));
        assertEquals("VALID", code(b, cached.getString("key"), List.of()));
        proxy.pause(); // connections stay open, but nothing answers: no reset tells B anything
        try {
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                verify(b, verifier, Map.of("key", uncached.getString("key"))).statusCode(503)
                        .body("code", is("service_unavailable"));
                // a bound, not a speed measurement: without a timeout this would wait for TCP to give up
                assertTrue(System.nanoTime() - started < 10_000_000_000L, "the 503 came within the database timeout");
                verify(b, verifier, Map.of("key", cached.getString("key"))).statusCode(200).body("code", is("VALID"));
            }
            // once B notices its listener is silent too, it reads through, and still falls back on the cache
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> b.managementBody("/q/metrics").contains("keyplane_key_changes_listening 0.0"));
            verify(b, verifier, Map.of("key", cached.getString("key"))).statusCode(200).body("code", is("VALID"));
            // a management call has no timeout of its own: its connection is given up after KEYPLANE_DB_READ_TIMEOUT
            long started = System.nanoTime();
            owner(b).body(Map.of("name", "during-silence")).post(path("/api-keys")).then().statusCode(503)
                    .header("Retry-After", "2").body("code", is("service_unavailable"));
            assertTrue(System.nanoTime() - started < 30_000_000_000L, "the 503 came after the read timeout, not TCP's");
        } finally {
            proxy.resume();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                verify(b, verifier, Map.of("key", uncached.getString("key"))).extract().statusCode() == 200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> b.managementBody("/q/metrics").contains("keyplane_key_changes_listening 1.0"));
    }

    @Test
    @Order(7)
    void sigtermTurnsReadinessDownFinishesInFlightRequestsAndFlushesUsage() throws Exception {
        var used = createKey(Map.of("name", "used-on-b"));
        assertEquals("VALID", code(b, used.getString("key"), List.of())); // queued on B, flushed hourly
        owner(b).get(path("/api-keys")).then().statusCode(200); // the owner key is cached on B
        proxy.pause(); // B's next database round trip hangs: a management write stays in flight
        CompletableFuture<JsonPath> inFlight;
        try {
            inFlight = CompletableFuture.supplyAsync(() -> owner(b).body(Map.of("name", "created-while-stopping"))
                    .post(path("/api-keys")).then().statusCode(201).extract().jsonPath());
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !inFlight.isDone());
            b.terminate();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> b.management("/q/health/ready") == 503);
            assertTrue(b.alive());
            // past the 2 s shutdown delay too, the replica still waits for the request it is serving
            await().pollDelay(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(5))
                    .until(() -> b.alive() && !inFlight.isDone());
        } finally {
            proxy.resume();
        }
        var created = inFlight.get();
        int exit = b.awaitExit(Duration.ofSeconds(40));
        assertTrue(exit == 0 || exit == 143, "exit status " + exit);
        assertEquals(1L, sql("select count(*) from api_key where id = '" + created.getString("id") + "'"));
        assertEquals(1L, sql("select count(*) from key_usage where key_id = '" + used.getString("id") + "'"));
    }

    static Object sql(String query) {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DATABASE, "postgres", "");
                var rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getObject(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
