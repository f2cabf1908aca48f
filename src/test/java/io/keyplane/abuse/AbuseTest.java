package io.keyplane.abuse;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The attacker's view of every surface that takes a credential or creates something, with production's defaults
 * for every bound (the test profile raises the failed-authentication limit for the other suites; here it is 20 a
 * minute again). Each test plays one abuse and asserts what it costs: the answers, and the database rows it writes.
 * SECURITY.md's threat table names these tests.
 */
@QuarkusTest
@TestProfile(AbuseTest.ProductionBounds.class)
public class AbuseTest {

    /** Production's defaults for the bounds the test profile loosens. */
    public static class ProductionBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.auth-failure-limit", "20", "keyplane.auth-failure-window", "60s");
        }
    }

    TestWorkspace ws;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
    }

    RequestSpecification owner() {
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON);
    }

    // --- lockout: an address over the failure limit loses only its failing attempts (API.md 10.1) ---

    static final java.util.concurrent.atomic.AtomicInteger ADDRESSES = new java.util.concurrent.atomic.AtomicInteger();

    /** A client address of the test's own (the test profile trusts X-Forwarded-For from the local proxy). */
    static String freshAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "198.18." + (n / 250) + "." + (1 + n % 250);
    }

    static RequestSpecification from(String address) {
        return given().header("X-Forwarded-For", address);
    }

    /** 20 junk Authorization headers from one address, as a client behind the same ingress as everyone could send. */
    static void failTwentyTimes(String address) {
        var format = new io.keyplane.key.KeyFormat();
        for (int i = 0; i < 20; i++) {
            var junk = i % 2 == 0 ? "junk-" + i : format.generate(io.keyplane.key.KeyKind.SERVICE);
            from(address).auth().oauth2(junk).get("/api/v1/whoami").then().statusCode(401);
        }
        from(address).auth().oauth2("junk-again").get("/api/v1/whoami").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue()).body("code", is("rate_limited"));
    }

    @Test
    void anAddressThatFailedTwentyTimesStillServesTheOperatorServiceKeysAndGateways() {
        var shared = freshAddress(); // an ingress's address, say, which every client shares
        var gateway = ws.createVerifier();
        var app = ws.createKey(Map.of("name", "app")).getString("key");
        failTwentyTimes(shared);

        from(shared).auth().oauth2(TestWorkspace.OPERATOR).get("/api/v1/workspaces/" + ws.id()).then().statusCode(200);
        from(shared).auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys")).then().statusCode(200);
        from(shared).auth().oauth2(gateway).contentType(ContentType.JSON).body(Map.of("key", app))
                .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("VALID"));
        // what fails from there is 429 before any hash or lookup: junk, a forged key, a revoked one
        from(shared).auth().oauth2("junk").get("/api/v1/whoami").then().statusCode(429);
        var revoked = ws.createKey(Map.of("name", "old cron job", "kind", "service", "scopes", List.of("keys:read")));
        owner().delete(ws.path("/api-keys/" + revoked.getString("id"))).then().statusCode(200);
        from(shared).auth().oauth2(revoked.getString("key")).get("/api/v1/whoami").then().statusCode(429);
        // the verify endpoint's gateway from the same address keeps answering NOT_FOUND for bad keys it checks
        from(shared).auth().oauth2(gateway).contentType(ContentType.JSON).body(Map.of("key", "kp_live_nope"))
                .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("NOT_FOUND"));
        // and nobody else is affected
        from(freshAddress()).auth().oauth2("junk").get("/api/v1/whoami").then().statusCode(401);
    }

    /**
     * Keys this replica has not cached are looked up from a throttled address within 5 a second, so a valid key gets
     * through while a flood of forged well-formed keys costs at most 5 lookups a second.
     */
    @Test
    void aThrottledAddressGetsItsValidKeysLookedUpWithinABudgetAndNoMore() {
        var address = freshAddress();
        var fresh = new ArrayList<String>();
        for (int i = 0; i < 5; i++) { // created, never used: not in any cache
            fresh.add(ws.createKey(Map.of("name", "fresh " + i, "kind", "service", "scopes", List.of("keys:read")))
                    .getString("key"));
        }
        failTwentyTimes(address);
        for (var key : fresh) {
            from(address).auth().oauth2(key).get("/api/v1/whoami").then().statusCode(200);
        }

        var format = new io.keyplane.key.KeyFormat();
        double readsBefore = metric("keyplane_keys_reads_total");
        long started = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            from(address).auth().oauth2(format.generate(io.keyplane.key.KeyKind.SERVICE)).get("/api/v1/whoami")
                    .then().statusCode(429);
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L + 1; // the whole seconds the flood touched
        double reads = metric("keyplane_keys_reads_total") - readsBefore;
        org.junit.jupiter.api.Assertions.assertTrue(reads <= 5 * (seconds + 1),
                reads + " key lookups for 60 forged keys in " + seconds + " s");
        // a valid key that found the budget spent gets in a moment later
        var late = ws.createKey(Map.of("name", "late", "kind", "service", "scopes", List.of("keys:read"))).getString("key");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                from(address).auth().oauth2(late).get("/api/v1/whoami").then().statusCode(200));
    }

    /** Rotating addresses inside one IPv6 /64 does not reset the count; another /64 is another client. */
    @Test
    void ipv6AddressesAreCountedPerSlash64() {
        int n = ADDRESSES.incrementAndGet();
        for (int i = 0; i < 20; i++) {
            from("2001:db8:" + Integer.toHexString(n) + ":1::" + Integer.toHexString(i + 1)).auth().oauth2("junk-" + i)
                    .get("/api/v1/whoami").then().statusCode(401);
        }
        from("2001:db8:" + Integer.toHexString(n) + ":1:ffff:ffff:ffff:ffff").auth().oauth2("junk")
                .get("/api/v1/whoami").then().statusCode(429);
        from("2001:db8:" + Integer.toHexString(n) + ":2::1").auth().oauth2("junk").get("/api/v1/whoami").then()
                .statusCode(401);
    }

    /** Failing floods write nothing: no audit row for junk, one (coalesced) per dead key, no usage row for junk. */
    @Test
    void aFailingFloodWritesNoRowsBeyondTheFirstDenials() {
        var address = freshAddress();
        var dead = ws.createKey(Map.of("name", "dead", "kind", "service", "scopes", List.of("keys:read")));
        owner().delete(ws.path("/api-keys/" + dead.getString("id"))).then().statusCode(200);
        long auditBefore = count("select count(*) as n from audit_event");
        long usageBefore = count("select count(*) as n from key_usage");
        for (int i = 0; i < 100; i++) {
            from(address).auth().oauth2(i % 4 == 0 ? dead.getString("key") : "junk-" + i).get("/api/v1/whoami");
        }
        // a marker use afterwards: once it is recorded, everything recorded before it is too
        var marker = ws.createKey(Map.of("name", "marker", "kind", "service", "scopes", List.of("keys:read")));
        from(freshAddress()).auth().oauth2(marker.getString("key")).get("/api/v1/whoami").then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> count(
                "select count(*) as n from key_usage where key_id = ?::uuid", marker.getString("id")) == 1);
        // the dead key's refusals: at most its first denial and the coalesced repeats; its uses as usage rows
        long deadDenials = count("select count(*) as n from audit_event where actor_key_id = ?::uuid", dead.getString("id"));
        org.junit.jupiter.api.Assertions.assertTrue(deadDenials <= 2, deadDenials + " denial events");
        long usage = count("select count(*) as n from key_usage") - usageBefore;
        org.junit.jupiter.api.Assertions.assertTrue(usage <= 21, usage + " usage rows for 100 failing attempts");
        long audit = count("select count(*) as n from audit_event") - auditBefore;
        org.junit.jupiter.api.Assertions.assertTrue(audit <= 2 + 1, audit + " audit events (the marker key's creation is one)");
    }

    static double metric(String name) {
        var port = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
        var text = given().port(port).get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(
                line.substring(name.length() + 1))).findFirst().orElse(0);
    }

    // --- verify: a gateway checking floods of bad keys keeps working and writes nothing for keys that do not exist ---

    @Test
    void aGatewayVerifyingAFloodOfUnknownKeysIsNotThrottledAndWritesNothing() {
        var gateway = ws.createVerifier();
        var address = freshAddress();
        var format = new io.keyplane.key.KeyFormat();
        long auditBefore = count("select count(*) as n from audit_event");
        long usageBefore = count("select count(*) as n from key_usage");
        for (int i = 0; i < 60; i++) {
            var token = i % 2 == 0 ? format.generate(io.keyplane.key.KeyKind.API) : "garbage-" + i;
            from(address).auth().oauth2(gateway).contentType(ContentType.JSON).body(Map.of("key", token))
                    .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("NOT_FOUND"));
        }
        var app = ws.createKey(Map.of("name", "app"));
        from(address).auth().oauth2(gateway).contentType(ContentType.JSON).body(Map.of("key", app.getString("key")))
                .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("VALID"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> count(
                "select count(*) as n from key_usage where key_id = ?::uuid", app.getString("id")) == 1);
        // the marker key's own use, its creation, and the gateway's: nothing for the 60 unknown keys
        assertEquals(1, count("select count(*) as n from audit_event") - auditBefore, "only the app key's creation");
        org.junit.jupiter.api.Assertions.assertTrue(count("select count(*) as n from key_usage") - usageBefore <= 62,
                "usage rows are the gateway's own calls and the app key's use");
        assertEquals(0, count("select count(*) as n from key_usage u where u.key_id not in (select id from api_key)"));
    }

    // --- forward-auth: a rule is judged on the path the upstream will route, at the address the gateway saw ---

    @Test
    void forwardAuthRefusesPathsAndAddressesAClientCouldDisguise() {
        for (var scope : List.of("admin:read")) {
            owner().body(Map.of("name", scope)).post(ws.path("/scopes")).then().statusCode(201);
        }
        String policy = owner().body(Map.of("name", "public and admin", "rules", List.of(
                Map.of("method", "GET", "path", "/public/**", "scopes", List.of()),
                Map.of("method", "GET", "path", "/admin/**", "scopes", List.of("admin:read")))))
                .post(ws.path("/forward-auth-policies")).then().statusCode(201).extract().path("id");
        var gateway = ws.createVerifier();
        var user = ws.createKey(Map.of("name", "user", "allowed_cidrs", List.of("203.0.113.50/32"))).getString("key");
        java.util.function.BiFunction<String, List<String>, io.restassured.response.ValidatableResponse> ask =
                (uri, forwardedFor) -> {
                    var request = given().header("X-Keyplane-Gateway-Key", gateway).header("X-Original-Method", "GET")
                            .header("X-Original-URI", uri).auth().oauth2(user);
                    for (var line : forwardedFor) {
                        request = request.header("X-Forwarded-For", line);
                    }
                    return request.get("/api/v1/forward-auth/" + policy).then();
                };
        for (var disguised : List.of("/admin/users/..%2F..%2Fpublic/x", "/admin/users/%2e%2e/%2e%2e/public/x",
                "/public/x#/../../admin", "/public/x%23/../../admin")) {
            ask.apply(disguised, List.of("203.0.113.50")).statusCode(400).body("code", is("invalid_path"));
        }
        ask.apply("/public/x", List.of("203.0.113.50")).statusCode(200);
        // a second X-Forwarded-For line, added by the gateway after the client's: the client is its last address
        ask.apply("/public/x", List.of("203.0.113.50", "198.51.100.7")).statusCode(403).body("code", is("ip_not_allowed"));
    }

    // --- webhooks: no request to private addresses, whatever the URL says ---

    @Test
    void aWebhookCannotBePointedAtPrivateOrLoopbackAddresses() {
        for (var url : List.of("http://127.0.0.1:9001/q/metrics", "http://[::1]/", "http://169.254.169.254/latest/meta-data",
                "http://10.0.0.1/", "http://localhost/", "http://0x7f000001/", "http://2130706433/")) {
            owner().body(Map.of("url", url, "events", List.of("*"))).post(ws.path("/webhooks")).then().statusCode(422)
                    .body("code", is("url_not_allowed"));
        }
        // addresses some resolvers read and others do not: refused, as malformed or as not allowed
        for (var url : List.of("http://0177.0.0.1/", "http://127.1/", "http://127.0.0.1./")) {
            int status = owner().body(Map.of("url", url, "events", List.of("*"))).post(ws.path("/webhooks")).then()
                    .extract().statusCode();
            org.junit.jupiter.api.Assertions.assertTrue(status == 400 || status == 422, url + " answered " + status);
        }
        assertEquals(0L, count("select count(*) as n from webhook where workspace_id = ?::uuid", ws.id()));
    }

    // --- console assets: static files only, never a file outside them, never framed ---

    @Test
    void theConsoleServesNoFileOutsideItsOwnAndCannotBeFramed() {
        for (var path : List.of("/console/../application.properties", "/console/%2e%2e/application.properties",
                "/console/..%2f..%2fetc%2fpasswd", "/console/%2e%2e%2f%2e%2e%2fetc/passwd", "/console/.%2e/db/migration/V1__schema.sql",
                "/console//etc/passwd", "/console/app.js%00.html")) {
            var response = given().urlEncodingEnabled(false).redirects().follow(false).get(path);
            org.junit.jupiter.api.Assertions.assertTrue(response.statusCode() == 404 || response.statusCode() == 400,
                    path + " answered " + response.statusCode());
            org.junit.jupiter.api.Assertions.assertFalse(response.asString().contains("keyplane.db")
                    || response.asString().contains("root:") || response.asString().contains("create table"), path);
        }
        var index = given().get("/console/");
        assertEquals(200, index.statusCode());
        assertEquals("DENY", index.header("X-Frame-Options"));
        org.junit.jupiter.api.Assertions.assertTrue(index.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    }

    // --- leak reports: junk costs nothing and cannot use up the place of a real report ---

    @Test
    void junkLeakReportsNeitherCountNorWriteSoARealReportStillRevokes() {
        var scanner = freshAddress(); // a scanner's egress, shared with whoever sends junk
        var verifier = ws.createVerifier();
        var leaked = ws.createKey(Map.of("name", "pasted in a gist")).getString("key");
        long auditBefore = count("select count(*) as n from audit_event");
        for (int i = 0; i < 40; i++) {
            from(scanner).contentType(ContentType.JSON).body(Map.of("keys", List.of("not-a-key-" + i, "kp_live_" + i)))
                    .post("/api/v1/keys/leaked").then().statusCode(202);
        }
        assertEquals(0, count("select count(*) as n from audit_event") - auditBefore, "junk reports write nothing");
        from(scanner).contentType(ContentType.JSON).body(Map.of("keys", List.of(leaked), "source", "gist"))
                .post("/api/v1/keys/leaked").then().statusCode(202);
        given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", leaked))
                .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("REVOKED"));
    }

    // --- unbounded objects: per-workspace caps (API.md 10.1), 422 limit_exceeded with the cap ---

    @Test
    void aWorkspaceCannotCreateMoreThan16Webhooks() {
        for (int i = 0; i < 16; i++) {
            owner().body(Map.of("url", "https://93.184.215.14/hook-" + i, "events", List.of("*")))
                    .post(ws.path("/webhooks")).then().statusCode(201);
        }
        owner().body(Map.of("url", "https://93.184.215.14/one-more", "events", List.of("*"))).post(ws.path("/webhooks"))
                .then().statusCode(422).contentType("application/problem+json").body("code", is("limit_exceeded"))
                .body("limit", is(16));
        assertEquals(16L, count("select count(*) as n from webhook where workspace_id = ?::uuid", ws.id()));
        // another workspace has a cap of its own; deleting one makes room again
        var other = TestWorkspace.create();
        given().auth().oauth2(other.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("url", "https://93.184.215.14/other", "events", List.of("*"))).post(other.path("/webhooks"))
                .then().statusCode(201);
        String first = owner().get(ws.path("/webhooks?limit=1")).then().statusCode(200).extract().path("[0].id");
        owner().delete(ws.path("/webhooks/" + first)).then().statusCode(204);
        owner().body(Map.of("url", "https://93.184.215.14/again", "events", List.of("*"))).post(ws.path("/webhooks"))
                .then().statusCode(201);
        TestDatabase.update("update webhook set status = 'disabled' where workspace_id in (?::uuid, ?::uuid)", ws.id(),
                other.id());
    }

    @Test
    void aWorkspaceCannotCreateMoreThan100ForwardAuthPolicies() {
        var rules = List.of(Map.of("method", "GET", "path", "/**", "scopes", List.of()));
        for (int i = 0; i < 100; i++) {
            owner().body(Map.of("name", "policy " + i, "rules", rules)).post(ws.path("/forward-auth-policies"))
                    .then().statusCode(201);
        }
        owner().body(Map.of("name", "one more", "rules", rules)).post(ws.path("/forward-auth-policies")).then()
                .statusCode(422).body("code", is("limit_exceeded")).body("limit", is(100));
        assertEquals(100L, count("select count(*) as n from forward_auth_policy where workspace_id = ?::uuid", ws.id()));
    }

    /** 995 custom scopes put in place, then 20 concurrent creations race for the last 5 places: exactly 5 win. */
    @Test
    void aWorkspaceCannotCreateMoreThan1000CustomScopesEvenConcurrently() throws Exception {
        TestDatabase.update("insert into scope (workspace_id, name, created_at) select ?::uuid, 'bulk:s' || n, now() "
                + "from generate_series(1, 995) n", ws.id());
        var pool = Executors.newFixedThreadPool(20);
        try {
            var calls = new ArrayList<Callable<Integer>>();
            for (int i = 0; i < 20; i++) {
                var name = "race:s" + i;
                calls.add(() -> owner().body(Map.of("name", name)).post(ws.path("/scopes")).then().extract().statusCode());
            }
            var statuses = new ArrayList<Integer>();
            for (var f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertEquals(5, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(15, statuses.stream().filter(s -> s == 422).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1000L, count("select count(*) as n from scope where workspace_id = ?::uuid", ws.id()));
        owner().body(Map.of("name", "late:s")).post(ws.path("/scopes")).then().statusCode(422)
                .body("code", is("limit_exceeded")).body("limit", is(1000));
        assertEquals(1000L + 12, owner().get(ws.path("/scopes")).then().statusCode(200).extract().jsonPath()
                .getList("$").size(), "the catalog lists the built-in scopes and the custom ones");
    }

    @Test
    void theDocumentShowsEachCapAsMaxItems() {
        var doc = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        var path = "paths.'/api/v1/workspaces/{workspaceId}/%s'.get.responses.'200'.content.'application/json'.schema.maxItems";
        assertEquals(16, doc.getInt(path.formatted("webhooks")));
        assertEquals(100, doc.getInt(path.formatted("forward-auth-policies")));
        assertEquals(1000 + io.keyplane.key.Permissions.BUILT_IN.size(), doc.getInt(path.formatted("scopes")));
        assertEquals("integer", doc.getString("components.schemas.Problem.properties.limit.type"));
    }

    static long count(String sql, Object... params) {
        return ((Number) TestDatabase.query(sql, params).get(0).get("n")).longValue();
    }
}
