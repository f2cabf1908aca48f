package io.keyplane.verify;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

/** Usage credits (API.md section 9): set, spent exactly by verify, refilled and audited, replaced by PATCH. */
@QuarkusTest
class CreditsTest {

    TestWorkspace ws;
    String verifier;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        verifier = ws.createVerifier();
    }

    JsonPath key(Map<String, Object> credits, Object... more) {
        var body = new HashMap<String, Object>();
        body.put("name", "metered");
        body.put("credits", credits);
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return ws.createKey(body);
    }

    ValidatableResponse verify(String key, Object cost) {
        var body = new HashMap<String, Object>();
        body.put("key", key);
        if (cost != null) {
            body.put("cost", cost);
        }
        return given().auth().oauth2(verifier).contentType(ContentType.JSON).body(body).post("/api/v1/keys/verify")
                .then();
    }

    static long stored(String keyId) {
        return ((Number) TestDatabase.query("select credits_remaining from api_key where id = ?", keyId).get(0)
                .get("credits_remaining")).longValue();
    }

    @Test
    void creditsAreShownAndSpentByEachValidUse() {
        var k = key(Map.of("remaining", 10, "refill", Map.of("amount", 10, "interval", "day")));
        assertEquals(10, k.getInt("credits.remaining"));
        assertEquals("day", k.getString("credits.refill.interval"));
        verify(k.getString("key"), null).statusCode(200).body("code", is("VALID")).body("credits.remaining", is(9));
        verify(k.getString("key"), 3).statusCode(200).body("code", is("VALID")).body("credits.remaining", is(6));
        verify(k.getString("key"), 0).statusCode(200).body("code", is("VALID")).body("credits.remaining", is(6));
        assertEquals(6, stored(k.getString("id")));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + k.getString("id"))).then().statusCode(200)
                .body("credits.remaining", is(6)).body("credits.refill.amount", is(10));
    }

    @Test
    void tooFewCreditsIsUsageExceededAndNothingIsSpent() {
        var k = key(Map.of("remaining", 2));
        verify(k.getString("key"), 3).statusCode(200).body("valid", is(false)).body("code", is("USAGE_EXCEEDED"))
                .body("credits.remaining", is(2)).body("$", not(hasKey("key_id")));
        assertEquals(2, stored(k.getString("id")));
        verify(k.getString("key"), 2).statusCode(200).body("code", is("VALID")).body("credits.remaining", is(0));
        // an exhausted key is never VALID, not even for a check that spends nothing
        verify(k.getString("key"), 0).statusCode(200).body("code", is("USAGE_EXCEEDED")).body("credits.remaining", is(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.query(
                "select code from key_usage where key_id = ? order by id", k.getString("id")).size() == 3);
        assertEquals(List.of("USAGE_EXCEEDED", "VALID", "USAGE_EXCEEDED"), TestDatabase.query(
                "select code from key_usage where key_id = ? order by id", k.getString("id")).stream()
                .map(r -> r.get("code")).toList());
    }

    @Test
    void aKeyWithoutCreditsAnswersCreditsNull() {
        var k = ws.createKey(Map.of("name", "plain"));
        verify(k.getString("key"), 5).statusCode(200).body("code", is("VALID")).body("credits", nullValue());
        org.junit.jupiter.api.Assertions.assertNull(k.get("credits"));
    }

    @Test
    void theRateLimitIsCheckedFirstAndARefusedUseSpendsNothing() {
        var k = key(Map.of("remaining", 10), "rate_limit", Map.of("limit", 1, "window_seconds", 3600));
        verify(k.getString("key"), null).body("code", is("VALID")).body("credits.remaining", is(9));
        verify(k.getString("key"), null).body("code", is("RATE_LIMITED")).body("credits", nullValue());
        assertEquals(9, stored(k.getString("id")));
    }

    @Test
    void anotherWorkspacesVerifierNeitherSeesNorSpendsTheCredits() {
        var k = key(Map.of("remaining", 5));
        var other = TestWorkspace.create();
        var otherVerifier = other.createVerifier();
        given().auth().oauth2(otherVerifier).contentType(ContentType.JSON).body(Map.of("key", k.getString("key")))
                .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("NOT_FOUND"))
                .body("$", not(hasKey("credits")));
        assertEquals(5, stored(k.getString("id")));
    }

    @Test
    void badCreditsAndCostsAreValidationErrors() {
        for (var credits : List.<Map<String, Object>>of(Map.of("remaining", -1), Map.of(),
                Map.of("remaining", 5, "refill", Map.of("amount", 5, "interval", "week")),
                Map.of("remaining", 5, "refill", Map.of("amount", 0, "interval", "day")),
                Map.of("remaining", 5, "refill", Map.of("interval", "day")))) {
            given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                    .body(Map.of("name", "bad", "credits", credits)).post(ws.path("/api-keys"))
                    .then().statusCode(400).body("code", is("validation_failed"));
        }
        var k = key(Map.of("remaining", 5));
        for (var cost : List.<Object>of(-1, "1", 1.5, 2_000_000_000L)) {
            verify(k.getString("key"), cost).statusCode(400).body("code", is("validation_failed"));
        }
        assertEquals(5, stored(k.getString("id")));
    }

    @Test
    void patchReplacesCreditsWholeAndNullRemovesThem() {
        var k = key(Map.of("remaining", 5, "refill", Map.of("amount", 50, "interval", "month")));
        var path = ws.path("/api-keys/" + k.getString("id"));
        verify(k.getString("key"), null).body("credits.remaining", is(4)); // now cached on this replica
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("credits", Map.of("remaining", 100)))
                .patch(path).then().statusCode(200).body("credits.remaining", is(100)).body("credits.refill", nullValue());
        verify(k.getString("key"), null).body("credits.remaining", is(99));
        var body = new HashMap<String, Object>();
        body.put("credits", null);
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(body).patch(path)
                .then().statusCode(200).body("credits", nullValue());
        verify(k.getString("key"), 1_000).body("code", is("VALID")).body("credits", nullValue());
        var updates = TestDatabase.query("select changes from audit_event where target_id = ?::text and action = "
                + "'api_key.update' order by seq", k.getString("id"));
        assertEquals(2, updates.size());
        assertEquals(true, updates.get(1).get("changes").toString().contains("\"credits\""));
    }

    @Test
    void aNewPeriodRefillsBeforeSpendingAndTheRefillIsAudited() {
        var k = key(Map.of("remaining", 1, "refill", Map.of("amount", 20, "interval", "day")));
        verify(k.getString("key"), null).body("credits.remaining", is(0));
        verify(k.getString("key"), null).body("code", is("USAGE_EXCEEDED"));
        TestDatabase.update("update api_key set credits_refilled_at = credits_refilled_at - interval '1 day' where id = ?",
                k.getString("id"));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + k.getString("id"))).then()
                .body("credits.remaining", is(20)); // due, so shown as made
        verify(k.getString("key"), 5).body("code", is("VALID")).body("credits.remaining", is(15));
        assertEquals(15, stored(k.getString("id")));
        // the refill job is hourly in this profile: the verification itself refilled, and left the refill to audit
        var pending = TestDatabase.query("select previous, amount from credit_refill where key_id = ?", k.getString("id"));
        assertEquals(1, pending.size());
        assertEquals(0L, ((Number) pending.get(0).get("previous")).longValue());
        assertEquals(20L, ((Number) pending.get(0).get("amount")).longValue());
    }

    @Test
    void rotatingMovesTheBalanceAndTheGracePeriodSpendsFromIt() {
        var k = key(Map.of("remaining", 8, "refill", Map.of("amount", 8, "interval", "day")));
        verify(k.getString("key"), 3).body("credits.remaining", is(5));
        var next = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("grace_period_seconds", 3600))
                .post(ws.path("/api-keys/" + k.getString("id") + "/rotate")).then().statusCode(201)
                .body("credits.remaining", is(5)).body("credits.refill.amount", is(8)).extract().jsonPath();
        // one balance for both keys: the old one, still in its grace period, spends from its successor's
        verify(k.getString("key"), 4).body("code", is("VALID")).body("credits.remaining", is(1));
        verify(next.getString("key"), 2).body("code", is("USAGE_EXCEEDED")).body("credits.remaining", is(1));
        verify(next.getString("key"), 1).body("code", is("VALID")).body("credits.remaining", is(0));
        verify(k.getString("key"), 1).body("code", is("USAGE_EXCEEDED"));
    }

    @Test
    void concurrentUsesNeverOverspend() throws Exception {
        var k = key(Map.of("remaining", 50));
        var pool = Executors.newFixedThreadPool(16);
        try {
            var calls = new ArrayList<Callable<String>>();
            for (int i = 0; i < 100; i++) {
                calls.add(() -> verify(k.getString("key"), 1).statusCode(200).extract().path("code"));
            }
            var codes = new ArrayList<String>();
            for (var f : pool.invokeAll(calls)) {
                codes.add(f.get());
            }
            assertEquals(50, codes.stream().filter("VALID"::equals).count());
            assertEquals(50, codes.stream().filter("USAGE_EXCEEDED"::equals).count());
            assertEquals(0, stored(k.getString("id")));
        } finally {
            pool.shutdownNow();
        }
    }
}
