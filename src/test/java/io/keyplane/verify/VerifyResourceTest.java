package io.keyplane.verify;

import static io.keyplane.support.TestWorkspace.OPERATOR;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class VerifyResourceTest {

    TestWorkspace ws;
    String verifier;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        for (var scope : List.of("database:read", "database:write", "query:execute")) {
            given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", scope))
                    .post(ws.path("/scopes")).then().statusCode(201);
        }
        verifier = ws.createKey(Map.of("name", "gateway", "kind", "service", "scopes", List.of("keys:verify")))
                .getString("key");
    }

    ValidatableResponse verify(String as, Map<String, Object> body) {
        return given().auth().oauth2(as).contentType(ContentType.JSON).body(body).post("/api/v1/keys/verify").then();
    }

    ValidatableResponse verify(Map<String, Object> body) {
        return verify(verifier, body);
    }

    JsonPath key(Object... pairs) {
        var body = new HashMap<String, Object>();
        body.put("name", "app");
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return ws.createKey(body);
    }

    @Test
    void validKeyReturnsItsDetails() {
        var k = key("scopes", List.of("database:read"), "meta", Map.of("plan", "gold"),
                "rate_limit", Map.of("limit", 100, "window_seconds", 60));
        verify(Map.of("key", k.getString("key"), "scopes", List.of("database:read")))
                .statusCode(200)
                .body("valid", is(true)).body("code", is("VALID"))
                .body("key_id", is(k.getString("id"))).body("workspace_id", is(ws.id()))
                .body("service_account_id", is(ws.ownerAccountId())).body("kind", is("api"))
                .body("scopes", is(List.of("database:read"))).body("expires_at", nullValue())
                .body("meta.plan", is("gold"))
                .body("rate_limit.limit", is(100)).body("rate_limit.remaining", is(99))
                .body("rate_limit.reset_at", notNullValue());
    }

    @Test
    void unknownMalformedAndOversizedKeysAreNotFound() {
        var format = new io.keyplane.key.KeyFormat();
        verify(Map.of("key", format.generate(io.keyplane.key.KeyKind.API))).statusCode(200)
                .body("valid", is(false)).body("code", is("NOT_FOUND")).body("$", not(hasKey("key_id")));
        verify(Map.of("key", "kp_live_typo")).statusCode(200).body("code", is("NOT_FOUND"));
        verify(Map.of("key", "x".repeat(10 * 1024))).statusCode(200).body("code", is("NOT_FOUND"));
        verify(Map.of("key", "")).statusCode(200).body("code", is("NOT_FOUND"));
    }

    @Test
    void malformedRequestsAre400() {
        given().auth().oauth2(verifier).contentType(ContentType.JSON).body("{\"key\":").post("/api/v1/keys/verify")
                .then().statusCode(400).body("code", is("validation_failed"));
        verify(Map.of()).statusCode(400).body("errors[0].field", is("key"));
        verify(Map.of("key", 5, "scopes", "database:read")).statusCode(400);
        verify(Map.of("key", "k", "bogus", 1)).statusCode(400).body("errors[0].field", is("bogus"));
        verify(Map.of("key", "k", "scopes", List.of("NOT A SCOPE"))).statusCode(400).body("errors[0].field", is("scopes[0]"));
    }

    @Test
    void statusCodesForRevokedExpiredPausedAndDisabled() {
        var revoked = key();
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + revoked.getString("id"))).then().statusCode(200);
        verify(Map.of("key", revoked.getString("key"))).body("valid", is(false)).body("code", is("REVOKED"))
                .body("$", not(hasKey("key_id")));

        var expired = key("expires_in_days", 1);
        TestDatabase.update("update api_key set expires_at = now() - interval '1 second' where id = ?", expired.getString("id"));
        // the SQL change bypasses the API, so nothing evicted the cache: the entry was never cached yet
        verify(Map.of("key", expired.getString("key"))).body("code", is("EXPIRED"));

        var paused = key();
        given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + paused.getString("id") + "/pause")).then().statusCode(200);
        verify(Map.of("key", paused.getString("key"))).body("code", is("PAUSED"));

        var account = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", "acct", "scopes", List.of("database:read"))).post(ws.path("/service-accounts"))
                .then().statusCode(201).extract().path("id");
        var ofAccount = key("service_account_id", account);
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("status", "disabled"))
                .patch(ws.path("/service-accounts/" + account)).then().statusCode(200);
        verify(Map.of("key", ofAccount.getString("key"))).body("code", is("DISABLED"));
    }

    @Test
    void requiredScopesAreCheckedAgainstEffectiveScopesWithWildcards() {
        var k = key("scopes", List.of("database:*"));
        verify(Map.of("key", k.getString("key"), "scopes", List.of("database:read", "database:write")))
                .body("code", is("VALID"));
        verify(Map.of("key", k.getString("key"), "scopes", List.of("database:read", "query:execute")))
                .body("valid", is(false)).body("code", is("INSUFFICIENT_SCOPE"))
                .body("key_id", is(k.getString("id"))).body("scopes", is(List.of("database:*")));
        // key ∩ account: an account narrowed to database:read narrows the wildcard key at once
        var account = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", "a", "scopes", List.of("database:*"))).post(ws.path("/service-accounts"))
                .then().extract().path("id");
        var narrow = key("service_account_id", account);
        verify(Map.of("key", narrow.getString("key"), "scopes", List.of("database:write"))).body("code", is("VALID"));
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("scopes", List.of("database:read")))
                .patch(ws.path("/service-accounts/" + account)).then().statusCode(200);
        verify(Map.of("key", narrow.getString("key"), "scopes", List.of("database:write")))
                .body("code", is("INSUFFICIENT_SCOPE")).body("scopes", is(List.of("database:read")));
    }

    @Test
    void sourceIpIsCheckedAgainstAllowedCidrs() {
        var k = key("allowed_cidrs", List.of("203.0.113.0/24", "2001:db8::/32")).getString("key");
        verify(Map.of("key", k, "source_ip", "203.0.113.7")).body("code", is("VALID"));
        verify(Map.of("key", k, "source_ip", "203.0.113.255")).body("code", is("VALID"));
        verify(Map.of("key", k, "source_ip", "203.0.114.0")).body("code", is("IP_NOT_ALLOWED")).body("$", not(hasKey("key_id")));
        verify(Map.of("key", k, "source_ip", "2001:db8:ffff::1")).body("code", is("VALID"));
        verify(Map.of("key", k, "source_ip", "2001:db9::1")).body("code", is("IP_NOT_ALLOWED"));
        verify(Map.of("key", k, "source_ip", "::ffff:203.0.113.9")).body("code", is("VALID"));
        verify(Map.of("key", k, "source_ip", "not-an-ip")).body("code", is("IP_NOT_ALLOWED"));
        verify(Map.of("key", k)).body("code", is("IP_NOT_ALLOWED"));
        var single = key("allowed_cidrs", List.of("198.51.100.1")).getString("key");
        verify(Map.of("key", single, "source_ip", "198.51.100.1")).body("code", is("VALID"));
        verify(Map.of("key", single, "source_ip", "198.51.100.2")).body("code", is("IP_NOT_ALLOWED"));
    }

    @Test
    void rateLimitWindowIsEnforced() {
        var k = key("rate_limit", Map.of("limit", 3, "window_seconds", 3600)).getString("key");
        verify(Map.of("key", k)).body("code", is("VALID")).body("rate_limit.remaining", is(2));
        verify(Map.of("key", k)).body("rate_limit.remaining", is(1));
        verify(Map.of("key", k)).body("rate_limit.remaining", is(0));
        verify(Map.of("key", k)).body("valid", is(false)).body("code", is("RATE_LIMITED"))
                .body("rate_limit.remaining", is(0)).body("rate_limit.reset_at", notNullValue())
                .body("$", not(hasKey("key_id")));
        var unlimited = key("tier", "enterprise").getString("key");
        for (int i = 0; i < 5; i++) {
            verify(Map.of("key", unlimited)).body("code", is("VALID")).body("rate_limit", nullValue());
        }
    }

    @Test
    void managementCallsWithARateLimitedServiceKeyGet429WithRetryAfter() {
        var limited = ws.createKey(Map.of("name", "slow", "kind", "service", "scopes", List.of("keys:read"),
                "rate_limit", Map.of("limit", 2, "window_seconds", 3600))).getString("key");
        given().auth().oauth2(limited).get(ws.path("/api-keys")).then().statusCode(200);
        given().auth().oauth2(limited).get(ws.path("/api-keys")).then().statusCode(200);
        given().auth().oauth2(limited).get(ws.path("/api-keys")).then().statusCode(429)
                .contentType("application/problem+json").body("code", is("rate_limited"))
                .header("Retry-After", notNullValue());
    }

    @Test
    void everyMutationInvalidatesTheCacheBeforeItsResponse() {
        var k = key("scopes", List.of("database:read", "database:write"));
        var id = k.getString("id");
        var plain = k.getString("key");
        var owner = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON);
        verify(Map.of("key", plain)).body("code", is("VALID")); // now cached

        owner.post(ws.path("/api-keys/" + id + "/pause")).then().statusCode(200);
        verify(Map.of("key", plain)).body("code", is("PAUSED"));
        given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + id + "/resume")).then().statusCode(200);
        verify(Map.of("key", plain)).body("code", is("VALID"));

        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("scopes", List.of("database:read")))
                .patch(ws.path("/api-keys/" + id)).then().statusCode(200);
        verify(Map.of("key", plain, "scopes", List.of("database:write"))).body("code", is("INSUFFICIENT_SCOPE"));
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("allowed_cidrs", List.of("10.0.0.0/8")))
                .patch(ws.path("/api-keys/" + id)).then().statusCode(200);
        verify(Map.of("key", plain, "source_ip", "192.0.2.1")).body("code", is("IP_NOT_ALLOWED"));
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("allowed_cidrs", List.of()))
                .patch(ws.path("/api-keys/" + id)).then().statusCode(200);

        var rotated = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("grace_period_seconds", 0))
                .post(ws.path("/api-keys/" + id + "/rotate")).then().statusCode(201).extract().jsonPath();
        verify(Map.of("key", plain)).body("code", is("REVOKED"));
        var next = rotated.getString("key");
        verify(Map.of("key", next)).body("code", is("VALID"));

        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + rotated.getString("id"))).then().statusCode(200);
        verify(Map.of("key", next)).body("code", is("REVOKED"));
    }

    @Test
    void accountAndWorkspaceChangesInvalidateCachedKeys() {
        var account = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", "acct", "scopes", List.of("database:read"))).post(ws.path("/service-accounts"))
                .then().extract().path("id");
        var k = key("service_account_id", account).getString("key");
        verify(Map.of("key", k)).body("code", is("VALID"));
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("status", "disabled"))
                .patch(ws.path("/service-accounts/" + account)).then().statusCode(200);
        verify(Map.of("key", k)).body("code", is("DISABLED"));
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("status", "active"))
                .patch(ws.path("/service-accounts/" + account)).then().statusCode(200);
        verify(Map.of("key", k)).body("code", is("VALID"));
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/service-accounts/" + account)).then().statusCode(200);
        verify(Map.of("key", k)).body("code", is("REVOKED"));

        var other = key().getString("key");
        verify(OPERATOR, Map.of("key", other)).body("code", is("VALID"));
        given().auth().oauth2(OPERATOR).delete(ws.path("")).then().statusCode(200);
        verify(OPERATOR, Map.of("key", other)).body("code", is("DISABLED"));
    }

    @Test
    void aKeyOfAnotherWorkspaceIsNotFoundExceptForTheOperator() {
        var other = TestWorkspace.create();
        var foreign = other.createKey(Map.of("name", "theirs")).getString("key");
        verify(Map.of("key", foreign)).body("valid", is(false)).body("code", is("NOT_FOUND")).body("$", not(hasKey("key_id")));
        verify(OPERATOR, Map.of("key", foreign)).body("code", is("VALID")).body("workspace_id", is(other.id()));
    }

    @Test
    void onlyServiceKeysWithKeysVerifyMayVerify() {
        var target = key().getString("key");
        var apiKey = key().getString("key");
        verify(apiKey, Map.of("key", target)).statusCode(403).body("code", is("service_key_required"));
        var noVerify = ws.createKey(Map.of("name", "r", "kind", "service", "scopes", List.of("keys:read"))).getString("key");
        verify(noVerify, Map.of("key", target)).statusCode(403).body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("keys:verify")));
        given().contentType(ContentType.JSON).body(Map.of("key", target)).post("/api/v1/keys/verify")
                .then().statusCode(401).body("code", is("missing_credentials"));
    }

    @Test
    void refusedCallsOfAnIdentifiableKeyAreAuditedAsDenied() {
        var svc = ws.createKey(Map.of("name", "paused-one", "kind", "service", "scopes", List.of("keys:read")));
        given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + svc.getString("id") + "/pause")).then().statusCode(200);
        given().auth().oauth2(svc.getString("key")).header("X-Request-Id", "denied-401").get(ws.path("/api-keys"))
                .then().statusCode(401).body("code", is("key_paused"));
        var noVerify = ws.createKey(Map.of("name", "r", "kind", "service", "scopes", List.of("keys:read")));
        verify(noVerify.getString("key"), Map.of("key", "x")).statusCode(403);
        given().auth().oauth2(svc.getString("key")).header("X-Request-Id", "denied-whoami").get("/api/v1/whoami")
                .then().statusCode(401);
        var denied = TestDatabase.query("select actor_key_id, outcome, request_id, changes from audit_event "
                + "where workspace_id = ? and action = 'access.denied' order by seq", ws.id());
        assertEquals(3, denied.size());
        assertEquals("denied-whoami", denied.get(2).get("request_id"));
        assertEquals(svc.getString("id"), denied.get(0).get("actor_key_id").toString());
        assertEquals("denied-401", denied.get(0).get("request_id"));
        org.junit.jupiter.api.Assertions.assertTrue(((String) denied.get(0).get("changes")).contains("key_paused"));
        assertEquals(noVerify.getString("id"), denied.get(1).get("actor_key_id").toString());
        org.junit.jupiter.api.Assertions.assertTrue(((String) denied.get(1).get("changes")).contains("insufficient_scope"));
    }

    @Test
    void verificationsAndManagementCallsAreRecordedInUsageHistory() {
        var k = key("scopes", List.of("database:read"));
        var id = k.getString("id");
        given().auth().oauth2(verifier).header("X-Request-Id", "usage-check-1").contentType(ContentType.JSON)
                .body(Map.of("key", k.getString("key"), "source_ip", "203.0.113.7", "method", "GET", "path", "/databases",
                        "user_agent", "curl/8"))
                .post("/api/v1/keys/verify").then().body("code", is("VALID"));
        verify(Map.of("key", k.getString("key"), "scopes", List.of("database:write"))).body("code", is("INSUFFICIENT_SCOPE"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(ws.ownerKey())
                .get(ws.path("/api-keys/" + id + "/usage")).then().statusCode(200)
                .body("size()", is(2))
                .body("[0].outcome", is("denied")).body("[0].code", is("INSUFFICIENT_SCOPE"))
                .body("[1].outcome", is("success")).body("[1].code", is("VALID"))
                .body("[1].method", is("GET")).body("[1].path", is("/databases"))
                .body("[1].source_ip", is("203.0.113.7")).body("[1].user_agent", is("curl/8"))
                .body("[1].request_id", is("usage-check-1")).body("[1].at", notNullValue()));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + id)).then().body("last_used_at", notNullValue());

        // management calls made with a ServiceKey, including a refused one
        var svc = ws.createKey(Map.of("name", "mgmt", "kind", "service", "scopes", List.of("keys:read")));
        given().auth().oauth2(svc.getString("key")).header("X-Request-Id", "mgmt-1").get(ws.path("/api-keys")).then().statusCode(200);
        given().auth().oauth2(svc.getString("key")).delete(ws.path("/api-keys/" + id)).then().statusCode(403);
        given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + svc.getString("id") + "/pause")).then().statusCode(200);
        given().auth().oauth2(svc.getString("key")).get("/api/v1/whoami").then().statusCode(401);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(ws.ownerKey())
                .get(ws.path("/api-keys/" + svc.getString("id") + "/usage")).then()
                .body("code", is(List.of("key_paused", "insufficient_scope", "200")))
                .body("outcome", is(List.of("denied", "denied", "success")))
                .body("[2].request_id", is("mgmt-1")).body("[2].method", is("GET")));
    }

    @Test
    void aServiceKeyIsNotAcceptedOnTheDataPlaneUnlessTheCheckAsksForIt() {
        var svc = ws.createKey(Map.of("name", "mgmt", "kind", "service", "scopes", List.of("keys:read")));
        verify(Map.of("key", svc.getString("key"))).statusCode(200)
                .body("valid", is(false)).body("code", is("KIND_NOT_ALLOWED"))
                .body("key_id", nullValue()).body("scopes", nullValue()).body("meta", nullValue());
        verify(Map.of("key", svc.getString("key"), "kinds", List.of("service"))).body("code", is("VALID"))
                .body("key_id", is(svc.getString("id")));
        var ingest = ws.createKey(Map.of("name", "pipe", "kind", "ingest")).getString("key");
        verify(Map.of("key", ingest)).body("code", is("VALID"));
        verify(Map.of("key", ingest, "kinds", List.of("api"))).body("code", is("KIND_NOT_ALLOWED"));
        verify(Map.of("key", ingest, "kinds", List.of())).statusCode(400).body("code", is("validation_failed"));
        verify(Map.of("key", ingest, "kinds", List.of("root"))).statusCode(400).body("code", is("validation_failed"));
    }

    @Test
    void theKindIsCheckedBeforeTheKeysState() {
        var svc = ws.createKey(Map.of("name", "mgmt", "kind", "service", "scopes", List.of("keys:read")));
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + svc.getString("id"))).then().statusCode(200);
        verify(Map.of("key", svc.getString("key"))).body("code", is("KIND_NOT_ALLOWED"));
        verify(Map.of("key", svc.getString("key"), "kinds", List.of("service"))).body("code", is("REVOKED"));
    }

    @Test
    void aVerificationIsAUseOfTheVerifiedKeyNotOfTheGatewayKey() {
        var gateway = ws.createKey(Map.of("name", "gateway", "kind", "service", "scopes", List.of("keys:verify")));
        var k = key().getString("key");
        given().auth().oauth2(gateway.getString("key")).contentType(ContentType.JSON).body(Map.of("key", k))
                .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("VALID"));
        // then one management call with the gateway key: once it is recorded, the verification above would be too
        given().auth().oauth2(gateway.getString("key")).header("X-Request-Id", "gateway-whoami")
                .get("/api/v1/whoami").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(ws.ownerKey())
                .get(ws.path("/api-keys/" + gateway.getString("id") + "/usage")).then().statusCode(200)
                .body("request_id", is(List.of("gateway-whoami"))).body("path", is(List.of("/api/v1/whoami"))));
    }

    @Test
    void verifyMetricsMoveAfterAVerification() {
        var k = key().getString("key");
        double before = metric("keyplane_verify_requests_total{code=\"VALID\"");
        double timedBefore = metric("keyplane_verify_duration_seconds_count");
        verify(Map.of("key", k)).body("code", is("VALID"));
        verify(Map.of("key", k)).body("code", is("VALID"));
        org.junit.jupiter.api.Assertions.assertEquals(before + 2, metric("keyplane_verify_requests_total{code=\"VALID\""));
        org.junit.jupiter.api.Assertions.assertTrue(metric("keyplane_verify_duration_seconds_count") >= timedBefore + 2);
        org.junit.jupiter.api.Assertions.assertTrue(metric("cache_gets_total{cache=\"keyplane.keys\",result=\"hit\"") >= 1);
        org.junit.jupiter.api.Assertions.assertTrue(management().get("/q/metrics").asString().contains("keyplane_usage_queue_depth"));
    }

    /** The value of the first Prometheus sample whose line starts with {@code prefix}, 0 if none yet. */
    static io.restassured.specification.RequestSpecification management() {
        return given().port(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001));
    }

    static double metric(String prefix) {
        return management().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
    }

    @Test
    void usageHistoryPages() {
        var k = key().getString("key");
        var id = TestDatabase.query("select id from api_key where key_prefix = ? and workspace_id = ?",
                k.substring(0, 12), ws.id()).get(0).get("id").toString();
        for (int i = 0; i < 5; i++) {
            verify(Map.of("key", k)).body("code", is("VALID"));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(5L,
                TestDatabase.query("select count(*) as n from key_usage where key_id = ?", id).get(0).get("n")));
        var first = given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + id + "/usage?limit=3"))
                .then().body("size()", is(3)).extract();
        var next = first.header("Link").replaceAll("^<(.*)>.*$", "$1").replaceAll("^https?://[^/]+", "");
        given().auth().oauth2(ws.ownerKey()).get(next).then().body("size()", is(2));
    }
}
