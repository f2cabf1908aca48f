package io.keyplane.apikey;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

/** Stale and expiring keys, denied uses apart from valid ones, and a workspace's bound on key lifetime. */
@QuarkusTest
class KeyHygieneTest {

    TestWorkspace ws;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
    }

    JsonPath key(Object... pairs) {
        var body = new HashMap<String, Object>(Map.of("name", "k"));
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return ws.createKey(body);
    }

    JsonPath get(String keyId) {
        return given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + keyId)).then().statusCode(200)
                .extract().jsonPath();
    }

    List<String> listed(String query) {
        return given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys?" + query)).then().statusCode(200)
                .extract().jsonPath().getList("id");
    }

    @Test
    void deniedAttemptsGoToLastDeniedAtNotLastUsedAt() {
        var k = key("scopes", List.of());
        var verifier = ws.createVerifier();
        given().auth().oauth2(verifier).contentType(ContentType.JSON)
                .body(Map.of("key", k.getString("key"), "scopes", List.of("keys:read"))).post("/api/v1/keys/verify")
                .then().statusCode(200).body("code", is("INSUFFICIENT_SCOPE"));
        await().atMost(Duration.ofSeconds(10)).until(() -> get(k.getString("id")).getString("last_denied_at") != null);
        assertThat(get(k.getString("id")).getString("last_used_at"), nullValue());

        given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", k.getString("key")))
                .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("VALID"));
        await().atMost(Duration.ofSeconds(10)).until(() -> get(k.getString("id")).getString("last_used_at") != null);
        assertThat(get(k.getString("id")).getString("last_denied_at"), notNullValue());
    }

    @Test
    void expiringWithinListsKeysThatWillExpireSoonButHaveNot() {
        var soon = key("expires_in_days", 3).getString("id");
        var later = key("expires_in_days", 30).getString("id");
        key(); // never expires
        var revoked = key("expires_in_days", 2).getString("id");
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + revoked)).then().statusCode(200);
        var expired = key("expires_in_days", 1).getString("id");
        TestDatabase.update("update api_key set expires_at = now() - interval '1 hour' where id = ?", expired);
        assertThat(listed("expiring_within=7d"), is(List.of(soon)));
        assertThat(listed("expiring_within=100h"), is(List.of(soon)));
        assertThat(listed("expiring_within=31d"), is(List.of(later, soon)));
    }

    @Test
    void unusedForListsStaleKeysCountingNeverUsedOnesFromCreation() {
        var usedLongAgo = key().getString("id");
        var neverUsedOld = key().getString("id");
        var usedLately = key().getString("id");
        key(); // new, never used
        var old = Instant.now().minus(100, ChronoUnit.DAYS).toString();
        TestDatabase.update("update api_key set created_at = ?::timestamptz, last_used_at = ?::timestamptz where id = ?::uuid",
                old, old, usedLongAgo);
        TestDatabase.update("update api_key set created_at = ?::timestamptz where id = ?::uuid", old, neverUsedOld);
        TestDatabase.update("update api_key set created_at = ?::timestamptz, last_used_at = now() where id = ?::uuid",
                old, usedLately);
        assertThat(listed("unused_for=90d").stream().sorted().toList(),
                is(List.of(usedLongAgo, neverUsedOld).stream().sorted().toList()));
        assertThat(listed("unused_for=90d&kind=service"), is(List.of()));

        // another workspace's stale keys are not this one's
        var other = TestWorkspace.create();
        given().auth().oauth2(other.ownerKey()).get(other.path("/api-keys?unused_for=90d")).then().statusCode(200)
                .body("size()", is(0));
        given().auth().oauth2(other.ownerKey()).get(ws.path("/api-keys?unused_for=90d")).then().statusCode(403);
    }

    @Test
    void agesAreWholeHoursOrDays() {
        for (var bad : List.of("7", "7w", "d", "-1d", "1.5d", "99999999999d", "36501d")) {
            for (var field : List.of("expiring_within", "unused_for")) {
                given().auth().oauth2(ws.ownerKey()).queryParam(field, bad).get(ws.path("/api-keys")).then()
                        .statusCode(400).body("code", is("validation_failed")).body("errors[0].field", is(field));
            }
        }
    }

    @Test
    void aWorkspaceBoundsHowLongItsKeysLive() {
        patchWorkspace(ws.ownerKey(), Map.of("max_key_lifetime_days", 30)).statusCode(200)
                .body("max_key_lifetime_days", is(30)).body("leak_action", is("revoke"));
        create(Map.of("name", "forever")).statusCode(422).body("code", is("lifetime_exceeded"))
                .body("errors[0].field", is("expires_at"));
        create(Map.of("name", "too long", "expires_in_days", 31)).statusCode(422).body("code", is("lifetime_exceeded"));
        var ok = create(Map.of("name", "ok", "expires_in_days", 30)).statusCode(201).extract().<String>path("id");
        var body = new HashMap<String, Object>();
        body.put("expires_at", null);
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(body)
                .patch(ws.path("/api-keys/" + ok)).then().statusCode(422).body("code", is("lifetime_exceeded"));
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("expires_at", Instant.now().plus(20, ChronoUnit.DAYS).toString()))
                .patch(ws.path("/api-keys/" + ok)).then().statusCode(200);

        // rotation cannot carry a key past the bound either
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of())
                .post(ws.path("/api-keys/" + ok + "/rotate")).then().statusCode(201);
        var old = create(Map.of("name", "old", "expires_in_days", 10)).statusCode(201).extract().<String>path("id");
        TestDatabase.update("update api_key set created_at = now() - interval '60 days', expires_at = null where id = ?::uuid", old);
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of())
                .post(ws.path("/api-keys/" + old + "/rotate")).then().statusCode(422).body("code", is("lifetime_exceeded"));
        // a key older than the bound can still be made to expire: sooner is always allowed
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("expires_at", Instant.now().plus(5, ChronoUnit.DAYS).toString()))
                .patch(ws.path("/api-keys/" + old)).then().statusCode(200);
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("expires_at", Instant.now().plus(6, ChronoUnit.DAYS).toString()))
                .patch(ws.path("/api-keys/" + old)).then().statusCode(422).body("code", is("lifetime_exceeded"));

        var unbound = new HashMap<String, Object>();
        unbound.put("max_key_lifetime_days", null);
        patchWorkspace(ws.ownerKey(), unbound).statusCode(200).body("max_key_lifetime_days", nullValue());
        create(Map.of("name", "forever")).statusCode(201);

        var changes = TestDatabase.query("select count(*) as n from audit_event where workspace_id = ?::uuid "
                + "and action = 'workspace.update'", ws.id());
        assertThat(((Number) changes.get(0).get("n")).intValue(), is(2));
        patchWorkspace(ws.ownerKey(), Map.of()).statusCode(200); // nothing changed: no event
        var after = TestDatabase.query("select count(*) as n from audit_event where workspace_id = ?::uuid "
                + "and action = 'workspace.update'", ws.id());
        assertThat(((Number) after.get(0).get("n")).intValue(), is(2));
    }

    @Test
    void workspaceFieldsAreValidatedAndNeedWorkspaceAdmin() {
        patchWorkspace(ws.ownerKey(), Map.of("max_key_lifetime_days", 0)).statusCode(400)
                .body("errors[0].field", is("max_key_lifetime_days"));
        patchWorkspace(ws.ownerKey(), Map.of("leak_action", "burn")).statusCode(400).body("errors[0].field", is("leak_action"));
        var nullAction = new HashMap<String, Object>();
        nullAction.put("leak_action", null);
        patchWorkspace(ws.ownerKey(), nullAction).statusCode(400).body("errors[0].field", is("leak_action"));
        patchWorkspace(ws.ownerKey(), Map.of("leak_action", "pause")).statusCode(200).body("leak_action", is("pause"))
                .body("name", notNullValue());
        var writer = ws.createKey("writer", "service", List.of("keys:write")).getString("key");
        patchWorkspace(writer, Map.of("max_key_lifetime_days", 30)).statusCode(403).body("code", is("insufficient_scope"));
        var other = TestWorkspace.create();
        patchWorkspace(other.ownerKey(), Map.of("max_key_lifetime_days", 30)).statusCode(403)
                .body("code", is("workspace_mismatch"));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("")).then().statusCode(200)
                .body("max_key_lifetime_days", nullValue()).body("leak_action", is("pause"));
    }

    ValidatableResponse create(Map<String, Object> body) {
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(body).post(ws.path("/api-keys")).then();
    }

    ValidatableResponse patchWorkspace(String as, Map<String, Object> body) {
        return given().auth().oauth2(as).contentType(ContentType.JSON).body(body).patch(ws.path("")).then();
    }
}
