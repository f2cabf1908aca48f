package io.keyplane.apikey;

import static io.keyplane.support.TestWorkspace.OPERATOR;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.time.Instant;
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
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class ApiKeyResourceTest {

    TestWorkspace ws;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
        // a data scope for data-plane keys
        owner().body(Map.of("name", "database:read")).post(ws.path("/scopes")).then().statusCode(201);
        owner().body(Map.of("name", "database:write")).post(ws.path("/scopes")).then().statusCode(201);
    }

    RequestSpecification owner() {
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON);
    }

    static RequestSpecification as(String key) {
        return given().auth().oauth2(key).contentType(ContentType.JSON);
    }

    Map<String, Object> body(Object... pairs) {
        var map = new HashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    // --- create ---

    @Test
    void createWithDefaultsReturnsKeyOnceAndFullKeyObject() {
        var created = owner().body(Map.of("name", "CI/CD Pipeline Key")).post(ws.path("/api-keys"))
                .then().statusCode(201)
                .header("Location", containsString("/api-keys/"))
                .body("name", is("CI/CD Pipeline Key"))
                .body("kind", is("api"))
                .body("workspace_id", is(ws.id()))
                .body("service_account_id", is(ws.ownerAccountId()))
                .body("created_by", is(ws.ownerAccountId()))
                .body("status", is("active"))
                .body("scopes", is(List.of("workspace:admin")))
                .body("expires_at", nullValue())
                .body("last_used_at", nullValue())
                .body("rate_limit", nullValue())
                .body("allowed_cidrs", hasSize(0))
                .body("meta", is(Map.of()))
                .body("rotated_from", nullValue())
                .body("replaced_by", nullValue())
                .body("revoked_at", nullValue())
                .body("key", matchesPattern("kp_live_[0-9A-Za-z]{49}"))
                .extract().jsonPath();
        var key = created.getString("key");
        assertEquals(key.substring(0, 12), created.getString("key_prefix"));

        var id = created.getString("id");
        var get = owner().get(ws.path("/api-keys/" + id)).then().statusCode(200)
                .body("id", is(id)).body("key", nullValue()).extract().asString();
        assertFalse(get.contains(key.substring(12)), "GET must never carry the key");
        var list = owner().get(ws.path("/api-keys")).then().statusCode(200).extract().asString();
        assertFalse(list.contains(key.substring(12)), "list must never carry the key");
        var stored = TestDatabase.query("select key_hash, key_ciphertext, pepper_version from api_key where id = ?", id).get(0);
        assertEquals(32, ((byte[]) stored.get("key_hash")).length);
        assertEquals(null, stored.get("key_ciphertext"));
        assertEquals(1, ((Number) stored.get("pepper_version")).intValue());
    }

    @Test
    void createWithEveryOption() {
        var before = Instant.now();
        var created = owner().body(body("name", "ingest", "kind", "ingest", "scopes", List.of("database:write"),
                "expires_in_days", 30, "tier", "pro", "allowed_cidrs", List.of("10.1.2.3/8", "2001:db8::1/32", "192.168.0.7"),
                "meta", Map.of("team", "data", "nested", Map.of("n", 1))))
                .post(ws.path("/api-keys"))
                .then().statusCode(201)
                .body("kind", is("ingest"))
                .body("key", startsWith("kp_ing_"))
                .body("scopes", is(List.of("database:write")))
                .body("rate_limit.limit", is(2000))
                .body("rate_limit.window_seconds", is(60))
                .body("allowed_cidrs", is(List.of("10.0.0.0/8", "2001:db8::/32", "192.168.0.7/32")))
                .body("meta.team", is("data"))
                .body("meta.nested.n", is(1))
                .extract().jsonPath();
        var expires = Instant.parse(created.getString("expires_at"));
        var expected = before.plus(Duration.ofDays(30));
        org.junit.jupiter.api.Assertions.assertTrue(Math.abs(Duration.between(expected, expires).toSeconds()) < 60);
    }

    @Test
    void explicitRateLimitAndAbsoluteExpiry() {
        var at = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        owner().body(body("name", "k", "rate_limit", Map.of("limit", 5, "window_seconds", 10), "expires_at", at.toString()))
                .post(ws.path("/api-keys"))
                .then().statusCode(201)
                .body("rate_limit.limit", is(5)).body("rate_limit.window_seconds", is(10))
                .body("expires_at", is(at.toString()));
        owner().body(body("name", "k", "tier", "enterprise")).post(ws.path("/api-keys"))
                .then().statusCode(201).body("rate_limit", nullValue());
    }

    @Test
    void scopesBeyondTheAccountAre422ScopeExceedsAccount() {
        var account = createAccount(List.of("database:read"));
        owner().body(body("name", "k", "service_account_id", account, "scopes", List.of("database:read", "database:write")))
                .post(ws.path("/api-keys"))
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", is("scope_exceeds_account"))
                .body("errors[0].field", is("scopes"));
        owner().body(body("name", "k", "service_account_id", account))
                .post(ws.path("/api-keys")).then().statusCode(201).body("scopes", is(List.of("database:read")));
    }

    @Test
    void badInputsAre400NamingTheField() {
        assertBadRequest(Map.of(), "name");
        assertBadRequest(body("name", ""), "name");
        assertBadRequest(body("name", "x".repeat(201)), "name");
        assertBadRequest(body("name", "k", "kind", "root"), "kind");
        assertBadRequest(body("name", "k", "scopes", "database:read"), "scopes");
        assertBadRequest(body("name", "k", "scopes", List.of("Database Read")), "scopes[0]");
        assertBadRequest(body("name", "k", "expires_in_days", "soon"), "expires_in_days");
        assertBadRequest(body("name", "k", "expires_in_days", 0), "expires_in_days");
        assertBadRequest(body("name", "k", "expires_in_days", -5), "expires_in_days");
        assertBadRequest(body("name", "k", "expires_in_days", 1_000_000), "expires_in_days");
        assertBadRequest(body("name", "k", "expires_in_days", 30, "expires_at", Instant.now().plusSeconds(99_999).toString()),
                "expires_in_days");
        assertBadRequest(body("name", "k", "expires_at", "tomorrow"), "expires_at");
        assertBadRequest(body("name", "k", "rate_limit", Map.of("limit", -1, "window_seconds", 60)), "rate_limit.limit");
        assertBadRequest(body("name", "k", "rate_limit", Map.of("limit", 10, "window_seconds", 0)), "rate_limit.window_seconds");
        assertBadRequest(body("name", "k", "rate_limit", Map.of("limit", 10)), "rate_limit.window_seconds");
        assertBadRequest(body("name", "k", "rate_limit", Map.of("limit", 10, "window_seconds", 60), "tier", "pro"), "tier");
        assertBadRequest(body("name", "k", "tier", "gold"), "tier");
        assertBadRequest(body("name", "k", "allowed_cidrs", List.of("10.0.0.0/8", "10.0.0.0/33")), "allowed_cidrs[1]");
        assertBadRequest(body("name", "k", "allowed_cidrs", List.of("example.com")), "allowed_cidrs[0]");
        assertBadRequest(body("name", "k", "allowed_cidrs", List.of("300.1.1.1")), "allowed_cidrs[0]");
        assertBadRequest(body("name", "k", "meta", "not an object"), "meta");
        assertBadRequest(body("name", "k", "meta", Map.of("blob", "x".repeat(5 * 1024))), "meta");
        assertBadRequest(body("name", "k", "secret", "x"), "secret");
        assertBadRequest(body("name", "k", "service_account_id", "nope"), "service_account_id");
    }

    void assertBadRequest(Map<String, Object> body, String field) {
        owner().body(body).post(ws.path("/api-keys"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed"))
                .body("errors.field", hasItem(field));
    }

    @Test
    void pastExpiryAndUnknownAccountAre422() {
        owner().body(body("name", "k", "expires_at", "2020-01-01T00:00:00Z")).post(ws.path("/api-keys"))
                .then().statusCode(422).body("code", is("unprocessable")).body("errors[0].field", is("expires_at"));
        owner().body(body("name", "k", "service_account_id", java.util.UUID.randomUUID().toString()))
                .post(ws.path("/api-keys"))
                .then().statusCode(422).body("errors[0].field", is("service_account_id"));
        owner().body(body("name", "k", "scopes", List.of("billing:read"))).post(ws.path("/api-keys"))
                .then().statusCode(422).body("code", is("unknown_scope"));
    }

    @Test
    void idempotencyKeyReplaysTheFirstResult() {
        var first = owner().header("Idempotency-Key", "req-1").body(body("name", "once")).post(ws.path("/api-keys"))
                .then().statusCode(201).extract().jsonPath();
        var again = owner().header("Idempotency-Key", "req-1").body(body("name", "once")).post(ws.path("/api-keys"))
                .then().statusCode(201).extract().jsonPath();
        assertEquals(first.getString("id"), again.getString("id"));
        assertEquals(first.getString("key"), again.getString("key"));
        owner().header("Idempotency-Key", "req-1").body(body("name", "different")).post(ws.path("/api-keys"))
                .then().statusCode(422).body("code", is("idempotency_key_reused"));
        var other = owner().header("Idempotency-Key", "req-2").body(body("name", "once")).post(ws.path("/api-keys"))
                .then().statusCode(201).extract().path("id");
        assertNotEquals(first.getString("id"), other);
        assertEquals(1L, TestDatabase.query("select count(*) as n from api_key where workspace_id = ? and name = 'once'"
                + " and id = ?", ws.id(), first.getString("id")).get(0).get("n"));
        var sealed = TestDatabase.query("select response_ciphertext from idempotency_record where workspace_id = ?",
                ws.id());
        for (var row : sealed) {
            assertFalse(new String((byte[]) row.get("response_ciphertext")).contains("kp_"), "stored replay is sealed");
        }
    }

    @Test
    void idempotencyKeysArePerWorkspace() {
        var other = TestWorkspace.create();
        var a = owner().header("Idempotency-Key", "shared").body(body("name", "x")).post(ws.path("/api-keys"))
                .then().statusCode(201).extract().path("id");
        var b = as(other.ownerKey()).header("Idempotency-Key", "shared").body(body("name", "x"))
                .post(other.path("/api-keys")).then().statusCode(201).body("workspace_id", is(other.id())).extract().path("id");
        assertNotEquals(a, b);
    }

    @Test
    void anotherCallersRetryWithTheSameIdempotencyKeyNeverGetsTheFirstCallersKey() {
        var admin = owner().header("Idempotency-Key", "deploy-2026-11-26")
                .body(body("name", "deployer", "kind", "service", "scopes", List.of("workspace:admin")))
                .post(ws.path("/api-keys")).then().statusCode(201).extract().jsonPath();
        var writer = ws.createKey(body("name", "writer", "kind", "service", "scopes", List.of("keys:write")))
                .getString("key");
        // the same body and header from a weaker caller is its own request: refused, not replayed
        var refused = as(writer).header("Idempotency-Key", "deploy-2026-11-26")
                .body(body("name", "deployer", "kind", "service", "scopes", List.of("workspace:admin")))
                .post(ws.path("/api-keys")).then().statusCode(403).body("code", is("insufficient_scope"))
                .extract().asString();
        assertFalse(refused.contains(admin.getString("key")));
        // and a body it may send makes its own key, not the admin's
        var own = as(writer).header("Idempotency-Key", "deploy-2026-11-26").body(body("name", "app"))
                .post(ws.path("/api-keys")).then().statusCode(201).extract().jsonPath();
        assertNotEquals(admin.getString("id"), own.getString("id"));
        assertNotEquals(admin.getString("key"), own.getString("key"));
    }

    @Test
    void aReplayIsAuthorisedAgain() {
        var account = createAccount(List.of("database:read"));
        var manager = ws.createKey(body("name", "manager", "kind", "service", "scopes",
                List.of("keys:write", "service_accounts:write")));
        var first = as(manager.getString("key")).header("Idempotency-Key", "issue-for-ci")
                .body(body("name", "ci", "service_account_id", account)).post(ws.path("/api-keys"))
                .then().statusCode(201).extract().jsonPath();
        owner().body(Map.of("scopes", List.of("keys:write"))).patch(ws.path("/api-keys/" + manager.getString("id")))
                .then().statusCode(200);
        var replay = as(manager.getString("key")).header("Idempotency-Key", "issue-for-ci")
                .body(body("name", "ci", "service_account_id", account)).post(ws.path("/api-keys"))
                .then().statusCode(403).body("required_scopes", is(List.of("service_accounts:write"))).extract().asString();
        assertFalse(replay.contains(first.getString("key")));
    }

    @Test
    void idempotencyRecordsArePurgedAfter24Hours() {
        owner().header("Idempotency-Key", "old-one").body(body("name", "old")).post(ws.path("/api-keys"))
                .then().statusCode(201);
        owner().header("Idempotency-Key", "new-one").body(body("name", "new")).post(ws.path("/api-keys"))
                .then().statusCode(201);
        TestDatabase.update("update idempotency_record set created_at = now() - interval '25 hours' "
                + "where workspace_id = ? and idempotency_key = 'old-one'", ws.id());
        // the purge job runs every second in the test profile
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> TestDatabase.query(
                "select 1 from idempotency_record where workspace_id = ? and idempotency_key = 'old-one'", ws.id()).isEmpty());
        assertEquals(1, TestDatabase.query("select 1 from idempotency_record where workspace_id = ?", ws.id()).size());
    }

    // --- list ---

    @Test
    void listIsNewestFirstFilteredAndPaged() {
        var account = createAccount(List.of("database:read"));
        var a = createKey(body("name", "a"));
        var b = createKey(body("name", "b", "kind", "ingest", "service_account_id", account));
        var c = createKey(body("name", "c"));
        owner().post(ws.path("/api-keys/" + c + "/pause")).then().statusCode(200);

        owner().get(ws.path("/api-keys")).then().statusCode(200)
                .body("[0].id", is(c)).body("[1].id", is(b)).body("[2].id", is(a))
                .body("key", everyItem(nullValue()));
        owner().get(ws.path("/api-keys?kind=ingest")).then().body("id", is(List.of(b)));
        owner().get(ws.path("/api-keys?status=paused")).then().body("id", is(List.of(c)));
        owner().get(ws.path("/api-keys?service_account_id=" + account)).then().body("id", is(List.of(b)));
        owner().get(ws.path("/api-keys?status=active")).then().body("id", hasItem(a)).body("id", not(hasItem(c)));

        var page1 = owner().get(ws.path("/api-keys?limit=2")).then().statusCode(200).body("$", hasSize(2))
                .header("Link", matchesPattern("<.*>; rel=\"next\"")).extract();
        var next = page1.header("Link").replaceAll("^<(.*)>.*$", "$1").replaceAll("^https?://[^/]+", "");
        owner().get(next).then().statusCode(200).body("$", hasSize(2)) // the remaining key + the bootstrap key
                .body("[0].id", is(a)).header("Link", nullValue());
    }

    @Test
    void listRejectsBadFiltersAndLimits() {
        owner().get(ws.path("/api-keys?status=deleted")).then().statusCode(400).body("errors[0].field", is("status"));
        owner().get(ws.path("/api-keys?kind=root")).then().statusCode(400).body("errors[0].field", is("kind"));
        owner().get(ws.path("/api-keys?limit=0")).then().statusCode(400).body("errors[0].field", is("limit"));
        owner().get(ws.path("/api-keys?limit=201")).then().statusCode(400);
        owner().get(ws.path("/api-keys?limit=abc")).then().statusCode(400);
        owner().get(ws.path("/api-keys?cursor=%%%")).then().statusCode(400).body("errors[0].field", is("cursor"));
        owner().get(ws.path("/api-keys?service_account_id=xyz")).then().statusCode(400);
    }

    @Test
    void expiredStatusIsComputedAtReadTime() {
        var created = ws.createKey(body("name", "short", "expires_in_days", 1));
        var id = created.getString("id");
        TestDatabase.update("update api_key set expires_at = now() - interval '1 minute' where id = ?", id);
        owner().get(ws.path("/api-keys/" + id)).then().body("status", is("expired"));
        owner().get(ws.path("/api-keys?status=expired")).then().body("id", is(List.of(id)));
        given().auth().oauth2(created.getString("key")).get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("key_expired"));
    }

    // --- update ---

    @Test
    void patchChangesMetadataButNeverTheSecret() {
        var created = ws.createKey(body("name", "old", "scopes", List.of("database:read", "database:write"),
                "rate_limit", Map.of("limit", 5, "window_seconds", 60), "expires_in_days", 10, "meta", Map.of("a", 1)));
        var id = created.getString("id");
        var hashBefore = TestDatabase.query("select key_hash from api_key where id = ?", id).get(0).get("key_hash");
        owner().body(body("name", "new", "scopes", List.of("database:read"), "allowed_cidrs", List.of("10.0.0.0/8"),
                "meta", Map.of("b", 2))).patch(ws.path("/api-keys/" + id))
                .then().statusCode(200)
                .body("name", is("new")).body("scopes", is(List.of("database:read")))
                .body("allowed_cidrs", is(List.of("10.0.0.0/8"))).body("meta", is(Map.of("b", 2)))
                .body("rate_limit.limit", is(5)).body("expires_at", notNullValue()).body("key", nullValue());
        var nulls = new HashMap<String, Object>();
        nulls.put("expires_at", null);
        nulls.put("rate_limit", null);
        owner().body(nulls).patch(ws.path("/api-keys/" + id))
                .then().statusCode(200).body("expires_at", nullValue()).body("rate_limit", nullValue()).body("name", is("new"));
        var hashAfter = TestDatabase.query("select key_hash from api_key where id = ?", id).get(0).get("key_hash");
        org.junit.jupiter.api.Assertions.assertArrayEquals((byte[]) hashBefore, (byte[]) hashAfter);
        // the same secret still works, from inside the new allowed_cidrs only
        given().header("X-Forwarded-For", "10.1.2.3").auth().oauth2(created.getString("key")).get("/api/v1/whoami")
                .then().statusCode(200);
        given().auth().oauth2(created.getString("key")).get("/api/v1/whoami")
                .then().statusCode(403).body("code", is("ip_not_allowed"));
    }

    @Test
    void patchRejectsBadInput() {
        var id = createKey(body("name", "k"));
        owner().body(body("key", "kp_live_x")).patch(ws.path("/api-keys/" + id))
                .then().statusCode(400).body("errors[0].field", is("key"));
        owner().body(body("expires_at", "2001-01-01T00:00:00Z")).patch(ws.path("/api-keys/" + id))
                .then().statusCode(422).body("errors[0].field", is("expires_at"));
        owner().body(body("allowed_cidrs", List.of("1.2.3.4/40"))).patch(ws.path("/api-keys/" + id))
                .then().statusCode(400).body("errors[0].field", is("allowed_cidrs[0]"));
        owner().body(body("name", null)).patch(ws.path("/api-keys/" + id)).then().statusCode(400);
        owner().body("[]").patch(ws.path("/api-keys/" + id)).then().statusCode(400);
        var account = createAccount(List.of("database:read"));
        var limited = createKey(body("name", "l", "service_account_id", account));
        owner().body(body("scopes", List.of("database:write"))).patch(ws.path("/api-keys/" + limited))
                .then().statusCode(422).body("code", is("scope_exceeds_account"));
    }

    // --- pause, resume, revoke ---

    @Test
    void pauseAndResume() {
        var created = ws.createKey(body("name", "p", "kind", "service", "scopes", List.of("keys:read")));
        var id = created.getString("id");
        owner().post(ws.path("/api-keys/" + id + "/pause")).then().statusCode(200).body("status", is("paused"));
        given().auth().oauth2(created.getString("key")).get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("key_paused"));
        owner().post(ws.path("/api-keys/" + id + "/pause")).then().statusCode(200).body("status", is("paused"));
        owner().post(ws.path("/api-keys/" + id + "/resume")).then().statusCode(200).body("status", is("active"));
        given().auth().oauth2(created.getString("key")).get("/api/v1/whoami").then().statusCode(200);
    }

    @Test
    void revokeIsImmediateAndPermanent() {
        var created = ws.createKey(body("name", "r", "kind", "service", "scopes", List.of("keys:read")));
        var id = created.getString("id");
        owner().delete(ws.path("/api-keys/" + id)).then().statusCode(200).body("status", is("revoked"));
        given().auth().oauth2(created.getString("key")).get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("key_revoked"))
                .header("WWW-Authenticate", "Bearer realm=\"keyplane\", error=\"invalid_token\"");
        owner().get(ws.path("/api-keys/" + id)).then().body("status", is("revoked")).body("revoked_at", notNullValue());
        owner().delete(ws.path("/api-keys/" + id)).then().statusCode(200).body("status", is("revoked"));
        owner().post(ws.path("/api-keys/" + id + "/pause")).then().statusCode(409).body("code", is("key_revoked"));
        owner().post(ws.path("/api-keys/" + id + "/resume")).then().statusCode(409).body("code", is("key_revoked"));
        owner().body(body("name", "back")).patch(ws.path("/api-keys/" + id)).then().statusCode(409).body("code", is("key_revoked"));
        owner().post(ws.path("/api-keys/" + id + "/rotate")).then().statusCode(409).body("code", is("key_revoked"));
    }

    // --- rotate ---

    @Test
    void rotateWithoutGraceRevokesTheOldKeyAtOnce() {
        var old = ws.createKey(body("name", "svc", "kind", "service", "scopes", List.of("keys:read"),
                "rate_limit", Map.of("limit", 7, "window_seconds", 30), "meta", Map.of("env", "prod"),
                "allowed_cidrs", List.of("10.0.0.0/8")));
        var oldId = old.getString("id");
        var next = owner().post(ws.path("/api-keys/" + oldId + "/rotate")).then().statusCode(201)
                .body("key", startsWith("kp_svc_")).body("rotated_from", is(oldId))
                .body("kind", is("service")).body("scopes", is(List.of("keys:read"))).body("name", is("svc"))
                .body("rate_limit.limit", is(7)).body("meta.env", is("prod")).body("allowed_cidrs", is(List.of("10.0.0.0/8")))
                .extract().jsonPath();
        assertNotEquals(oldId, next.getString("id"));
        owner().get(ws.path("/api-keys/" + oldId)).then()
                .body("status", is("revoked")).body("replaced_by", is(next.getString("id")));
        given().auth().oauth2(old.getString("key")).get("/api/v1/whoami").then().statusCode(401).body("code", is("key_revoked"));
        given().header("X-Forwarded-For", "10.9.9.9").auth().oauth2(next.getString("key")).get("/api/v1/whoami")
                .then().statusCode(200).body("key_id", is(next.getString("id")));
    }

    @Test
    void rotateWithGraceKeepsBothKeysWorkingUntilTheOldExpires() {
        var old = ws.createKey(body("name", "svc", "kind", "service", "scopes", List.of("keys:read")));
        var oldId = old.getString("id");
        var before = Instant.now();
        var next = owner().body(Map.of("grace_period_seconds", 3600)).post(ws.path("/api-keys/" + oldId + "/rotate"))
                .then().statusCode(201).extract().jsonPath();
        var oldNow = owner().get(ws.path("/api-keys/" + oldId)).then().body("status", is("active"))
                .body("replaced_by", is(next.getString("id"))).extract().jsonPath();
        var expires = Instant.parse(oldNow.getString("expires_at"));
        org.junit.jupiter.api.Assertions.assertTrue(Math.abs(Duration.between(before.plusSeconds(3600), expires).toSeconds()) < 60);
        given().auth().oauth2(old.getString("key")).get("/api/v1/whoami").then().statusCode(200);
        given().auth().oauth2(next.getString("key")).get("/api/v1/whoami").then().statusCode(200);
        owner().post(ws.path("/api-keys/" + oldId + "/rotate")).then().statusCode(409).body("code", is("already_rotated"));
    }

    String verifyCode(String key) {
        return given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/api/v1/keys/verify").then().statusCode(200).extract().path("code");
    }

    JsonPath rotateWithGrace(String keyId, int seconds) {
        return owner().body(Map.of("grace_period_seconds", seconds)).post(ws.path("/api-keys/" + keyId + "/rotate"))
                .then().statusCode(201).extract().jsonPath();
    }

    /** The console says revoking stops every application at once: keys still in a rotation's grace period included. */
    @Test
    void revokingARotatedKeyRevokesThePredecessorsStillInTheirGracePeriod() {
        var first = ws.createKey(body("name", "app", "scopes", List.of("database:read")));
        var second = rotateWithGrace(first.getString("id"), 86_400);
        var third = rotateWithGrace(second.getString("id"), 86_400);
        var unrelated = ws.createKey(body("name", "other app"));
        for (var key : List.of(first, second, third, unrelated)) {
            assertEquals("VALID", verifyCode(key.getString("key")));
        }

        owner().header("X-Request-Id", "revoke-chain").delete(ws.path("/api-keys/" + third.getString("id")))
                .then().statusCode(200).body("status", is("revoked"));
        for (var key : List.of(first, second, third)) {
            assertEquals("REVOKED", verifyCode(key.getString("key")));
            owner().get(ws.path("/api-keys/" + key.getString("id"))).then().statusCode(200)
                    .body("status", is("revoked")).body("revoked_at", notNullValue());
        }
        assertEquals("VALID", verifyCode(unrelated.getString("key")));
        var events = TestDatabase.query("select target_id, changes from audit_event where workspace_id = ? "
                + "and action = 'api_key.revoke' and request_id = 'revoke-chain' order by seq", ws.id());
        assertEquals(List.of(third.getString("id"), second.getString("id"), first.getString("id")),
                events.stream().map(e -> e.get("target_id")).toList());
        assertFalse(((String) events.get(0).get("changes")).contains("revoked_with"));
        for (var predecessor : events.subList(1, 3)) {
            assertEquals(true, ((String) predecessor.get("changes")).contains("\"revoked_with\":[null,\""
                    + third.getString("id") + "\"]"), predecessor.toString());
        }
        // revoking again changes nothing and writes nothing
        owner().delete(ws.path("/api-keys/" + third.getString("id"))).then().statusCode(200);
        assertEquals(3, TestDatabase.query("select 1 from audit_event where workspace_id = ? and action = 'api_key.revoke'",
                ws.id()).size());
    }

    @Test
    void revokingAKeyInItsGracePeriodLeavesItsSuccessorAndOnlyTouchesItsOwnChain() {
        var old = ws.createKey(body("name", "app"));
        var next = rotateWithGrace(old.getString("id"), 3_600);
        owner().delete(ws.path("/api-keys/" + old.getString("id"))).then().statusCode(200).body("status", is("revoked"));
        assertEquals("REVOKED", verifyCode(old.getString("key")));
        assertEquals("VALID", verifyCode(next.getString("key")));
        // another workspace's chain is out of reach: its key is not found here, and keeps working
        var other = TestWorkspace.create();
        var foreign = other.createKey(Map.of("name", "foreign"));
        var foreignNext = given().auth().oauth2(other.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("grace_period_seconds", 3_600)).post(other.path("/api-keys/" + foreign.getString("id") + "/rotate"))
                .then().statusCode(201).extract().jsonPath();
        owner().delete(ws.path("/api-keys/" + foreignNext.getString("id"))).then().statusCode(404).body("code", is("not_found"));
        assertEquals("VALID", verifyCode(foreign.getString("key")));
        assertEquals("VALID", verifyCode(foreignNext.getString("key")));
    }

    @Test
    void rotateRejectsBadGracePeriods() {
        var id = createKey(body("name", "k"));
        owner().body(Map.of("grace_period_seconds", -1)).post(ws.path("/api-keys/" + id + "/rotate"))
                .then().statusCode(400).body("errors[0].field", is("grace_period_seconds"));
        owner().body(Map.of("grace_period_seconds", 2_592_001)).post(ws.path("/api-keys/" + id + "/rotate"))
                .then().statusCode(400);
        owner().body(Map.of("grace_period_seconds", "long")).post(ws.path("/api-keys/" + id + "/rotate"))
                .then().statusCode(400);
        owner().get(ws.path("/api-keys/" + id)).then().body("replaced_by", nullValue());
    }

    // --- reveal ---

    @Test
    void revealReturnsIngestKeysOnly() {
        var ingest = ws.createKey(body("name", "pipe", "kind", "ingest"));
        owner().get(ws.path("/api-keys/" + ingest.getString("id") + "/reveal"))
                .then().statusCode(200).body("key", is(ingest.getString("key")));
        var stored = TestDatabase.query("select key_ciphertext from api_key where id = ?", ingest.getString("id")).get(0);
        assertFalse(new String((byte[]) stored.get("key_ciphertext")).contains(ingest.getString("key")));
        var api = createKey(body("name", "api"));
        owner().get(ws.path("/api-keys/" + api + "/reveal")).then().statusCode(409).body("code", is("not_revealable"))
                .body("key", nullValue());
        owner().delete(ws.path("/api-keys/" + ingest.getString("id"))).then().statusCode(200);
        owner().get(ws.path("/api-keys/" + ingest.getString("id") + "/reveal")).then().statusCode(409);
    }

    // --- usage ---

    @Test
    void usageListsNewestFirstAndChecksLimits() {
        var id = createKey(body("name", "u"));
        owner().get(ws.path("/api-keys/" + id + "/usage")).then().statusCode(200).body("$", hasSize(0));
        owner().get(ws.path("/api-keys/" + id + "/usage?limit=0")).then().statusCode(400);
    }

    // --- authorization and isolation ---

    @Test
    void dataPlaneKeysCannotUseTheManagementApi() {
        var api = ws.createKey(body("name", "api")).getString("key");
        var ingest = ws.createKey(body("name", "ing", "kind", "ingest")).getString("key");
        for (var key : List.of(api, ingest)) {
            as(key).get(ws.path("/api-keys")).then().statusCode(403).body("code", is("service_key_required"));
            as(key).body(body("name", "x")).post(ws.path("/api-keys")).then().statusCode(403)
                    .body("code", is("service_key_required"));
        }
    }

    @Test
    void eachEndpointChecksItsPermission() {
        var reader = ws.createKey(body("name", "reader", "kind", "service", "scopes", List.of("keys:read"))).getString("key");
        var id = createKey(body("name", "target"));
        as(reader).get(ws.path("/api-keys")).then().statusCode(200);
        as(reader).get(ws.path("/api-keys/" + id)).then().statusCode(200);
        as(reader).body(body("name", "x")).post(ws.path("/api-keys")).then().statusCode(403)
                .body("code", is("insufficient_scope")).body("required_scopes", is(List.of("keys:write")));
        as(reader).delete(ws.path("/api-keys/" + id)).then().statusCode(403).body("required_scopes", is(List.of("keys:write")));
        as(reader).post(ws.path("/api-keys/" + id + "/rotate")).then().statusCode(403);
        as(reader).post(ws.path("/api-keys/" + id + "/pause")).then().statusCode(403);
        as(reader).get(ws.path("/api-keys/" + id + "/reveal")).then().statusCode(403);
        owner().get(ws.path("/api-keys/" + id)).then().body("status", is("active"));
        var writer = ws.createKey(body("name", "writer", "kind", "service", "scopes", List.of("keys:write"))).getString("key");
        as(writer).get(ws.path("/api-keys")).then().statusCode(403).body("required_scopes", is(List.of("keys:read")));
        given().get(ws.path("/api-keys")).then().statusCode(401).body("code", is("missing_credentials"));
    }

    @Test
    void aServiceKeyCannotMintOrRotateStrongerServiceKeys() {
        var writer = ws.createKey(body("name", "writer", "kind", "service", "scopes", List.of("keys:write", "keys:read")))
                .getString("key");
        // the owner account has workspace:admin; a keys:write key must not mint an admin ServiceKey from it
        as(writer).body(body("name", "escalate", "kind", "service")).post(ws.path("/api-keys"))
                .then().statusCode(403).body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("workspace:admin")));
        var ownerKeyId = owner().get("/api/v1/whoami").then().extract().path("key_id");
        as(writer).header("X-Request-Id", "escalation-try").post(ws.path("/api-keys/" + ownerKeyId + "/rotate"))
                .then().statusCode(403);
        // refused inside the service's transaction, and still audited
        var denied = TestDatabase.query("select changes from audit_event where workspace_id = ? "
                + "and action = 'access.denied' and request_id = 'escalation-try'", ws.id());
        assertEquals(1, denied.size());
        org.junit.jupiter.api.Assertions.assertTrue(((String) denied.get(0).get("changes")).contains("insufficient_scope"));
        // data-plane keys with data scopes are fine
        as(writer).body(body("name", "app", "scopes", List.of("database:read"))).post(ws.path("/api-keys"))
                .then().statusCode(201);
    }

    @Test
    void keysWriteAloneCannotIssueAKeyOnAnotherAccount() {
        var limited = owner().body(body("name", "ci", "scopes", List.of("keys:write", "database:read")))
                .post(ws.path("/service-accounts")).then().statusCode(201).extract().path("id");
        var writer = ws.createKey(body("name", "ci key", "kind", "service", "service_account_id", limited,
                "scopes", List.of("keys:write"))).getString("key");
        // the owner account holds workspace:admin: an api key on it would verify VALID for anything
        as(writer).body(body("name", "borrowed", "service_account_id", ws.ownerAccountId())).post(ws.path("/api-keys"))
                .then().statusCode(403).contentType("application/problem+json").body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("service_accounts:write")));
        owner().get(ws.path("/api-keys?service_account_id=" + ws.ownerAccountId())).then()
                .body("name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("borrowed")));
        // its own account, named or not, is fine
        as(writer).body(body("name", "own", "service_account_id", limited, "scopes", List.of("database:read")))
                .post(ws.path("/api-keys")).then().statusCode(201);
        as(writer).body(body("name", "own too", "scopes", List.of("database:read"))).post(ws.path("/api-keys"))
                .then().statusCode(201).body("service_account_id", is(limited));
        // and who may manage accounts may issue on them
        var manager = ws.createKey(body("name", "manager", "kind", "service", "scopes",
                List.of("keys:write", "service_accounts:write"))).getString("key");
        as(manager).body(body("name", "issued for ci", "service_account_id", limited)).post(ws.path("/api-keys"))
                .then().statusCode(201).body("service_account_id", is(limited));
    }

    @Test
    void responsesThatCarryAPlainKeyAreNeverCached() {
        var created = owner().body(body("name", "k", "kind", "ingest")).post(ws.path("/api-keys"))
                .then().statusCode(201).header("Cache-Control", "no-store").extract().jsonPath();
        owner().get(ws.path("/api-keys/" + created.getString("id") + "/reveal"))
                .then().statusCode(200).header("Cache-Control", "no-store");
        owner().post(ws.path("/api-keys/" + created.getString("id") + "/rotate"))
                .then().statusCode(201).header("Cache-Control", "no-store");
        given().auth().oauth2(TestWorkspace.OPERATOR).contentType(ContentType.JSON).body(Map.of("name", "w"))
                .post("/api/v1/workspaces").then().statusCode(201).header("Cache-Control", "no-store");
        owner().get(ws.path("/api-keys")).then().statusCode(200).header("Cache-Control", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void aWeakerKeyCannotPauseRevokeOrPatchAStrongerServiceKey() {
        var writer = ws.createKey(body("name", "writer", "kind", "service", "scopes", List.of("keys:write", "keys:read")))
                .getString("key");
        var ownerKeyId = owner().get("/api/v1/whoami").then().extract().path("key_id");
        var target = ws.path("/api-keys/" + ownerKeyId);
        as(writer).post(target + "/pause").then().statusCode(403).body("required_scopes", is(List.of("workspace:admin")));
        as(writer).delete(target).then().statusCode(403);
        as(writer).body(body("name", "mine")).patch(target).then().statusCode(403);
        owner().get(target).then().body("status", is("active")).body("name", is("bootstrap"));
        // data-plane keys stay manageable by it
        var app = createKey(body("name", "app", "scopes", List.of("database:read")));
        as(writer).post(ws.path("/api-keys/" + app + "/pause")).then().statusCode(200).body("status", is("paused"));
    }

    @Test
    void nullListsInPatchAre400() {
        var id = createKey(body("name", "k"));
        for (var field : List.of("scopes", "allowed_cidrs", "meta")) {
            var nulls = new HashMap<String, Object>();
            nulls.put(field, null);
            owner().body(nulls).patch(ws.path("/api-keys/" + id)).then().statusCode(400).body("errors[0].field", is(field));
        }
    }

    @Test
    void operatorMustNameTheServiceAccount() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(body("name", "k")).post(ws.path("/api-keys"))
                .then().statusCode(400).body("errors[0].field", is("service_account_id"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body(body("name", "k", "service_account_id", ws.ownerAccountId())).post(ws.path("/api-keys"))
                .then().statusCode(201).body("created_by", is("operator"));
    }

    @Test
    void keysOfAnotherWorkspaceAreNotFoundOnEveryEndpoint() {
        var other = TestWorkspace.create();
        var foreign = other.createKey(Map.of("name", "theirs", "kind", "ingest")).getString("id");
        var base = ws.path("/api-keys/" + foreign);
        owner().get(base).then().statusCode(404).body("code", is("not_found"));
        owner().body(body("name", "mine")).patch(base).then().statusCode(404).body("code", is("not_found"));
        owner().delete(base).then().statusCode(404).body("code", is("not_found"));
        owner().post(base + "/pause").then().statusCode(404);
        owner().post(base + "/resume").then().statusCode(404);
        owner().post(base + "/rotate").then().statusCode(404);
        owner().get(base + "/reveal").then().statusCode(404);
        owner().get(base + "/usage").then().statusCode(404);
        as(other.ownerKey()).get(other.path("/api-keys/" + foreign)).then().statusCode(200)
                .body("status", is("active")).body("name", is("theirs")).body("replaced_by", nullValue());
        owner().get(ws.path("/api-keys")).then().body("id", not(hasItem(foreign)));
        owner().get(other.path("/api-keys")).then().statusCode(403).body("code", is("workspace_mismatch"));
    }

    @Test
    void theAuditLogRecordsTheLifecycleWithoutSecrets() {
        var created = ws.createKey(body("name", "audited", "kind", "ingest"));
        var id = created.getString("id");
        var requestId = "rotate-" + System.nanoTime();
        owner().header("X-Request-Id", requestId).post(ws.path("/api-keys/" + id + "/rotate")).then().statusCode(201);
        var events = TestDatabase.query("select action, outcome, actor_id, request_id, changes from audit_event "
                + "where workspace_id = ? and target_id = cast(? as text) order by seq", ws.id(), id);
        assertEquals(List.of("api_key.create", "api_key.rotate"), events.stream().map(e -> e.get("action")).toList());
        assertEquals(requestId, events.get(1).get("request_id"));
        assertEquals(ws.ownerAccountId(), events.get(1).get("actor_id"));
        var all = TestDatabase.query("select changes from audit_event where workspace_id = ?", ws.id());
        for (var row : all) {
            assertFalse(((String) row.get("changes")).contains("kp_"), "no key in audit changes");
        }
    }

    String createKey(Map<String, Object> body) {
        return ws.createKey(body).getString("id");
    }

    String createAccount(List<String> scopes) {
        return owner().body(Map.of("name", "acct-" + System.nanoTime(), "scopes", scopes))
                .post(ws.path("/service-accounts")).then().statusCode(201).extract().path("id");
    }
}
