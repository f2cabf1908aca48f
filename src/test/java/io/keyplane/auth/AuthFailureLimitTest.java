package io.keyplane.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.key.KeyFormat;
import io.keyplane.key.KeyKind;
import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * KEYPLANE_AUTH_FAILURE_LIMIT failed authentications per key and per client address in a window; past it 429
 * with Retry-After, at once and without audit rows. Verifying bad keys is not a failed authentication.
 */
@QuarkusTest
@TestProfile(AuthFailureLimitTest.LowLimit.class)
class AuthFailureLimitTest {

    public static class LowLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.auth-failure-limit", "3", "keyplane.auth-failure-window", "60s");
        }
    }

    TestWorkspace ws;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
    }

    static String address() {
        return "198.51." + (int) (Math.random() * 255) + "." + (int) (1 + Math.random() * 250);
    }

    @Test
    void aDeadKeyIsThrottledAfterTheLimitAndStopsWritingAuditRows() {
        var dead = ws.createKey(Map.of("name", "dead", "kind", "service", "scopes", List.of("keys:read")));
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + dead.getString("id"))).then().statusCode(200);
        for (int i = 0; i < 3; i++) { // each from another address: the key's own count is what stops it
            given().header("X-Forwarded-For", address()).auth().oauth2(dead.getString("key")).get("/api/v1/whoami")
                    .then().statusCode(401).body("code", is("key_revoked"));
        }
        for (int i = 0; i < 20; i++) {
            given().header("X-Forwarded-For", address()).auth().oauth2(dead.getString("key")).get("/api/v1/whoami")
                    .then().statusCode(429).contentType("application/problem+json").body("code", is("rate_limited"))
                    .header("Retry-After", notNullValue());
        }
        // three refusals were audited (the first at once, the repeats as one event with their count), no more
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            var events = TestDatabase.query("select changes from audit_event where workspace_id = ? "
                    + "and action = 'access.denied' and actor_key_id = ? order by seq", ws.id(), dead.getString("id"));
            assertEquals(2, events.size());
            org.junit.jupiter.api.Assertions.assertTrue(((String) events.get(1).get("changes")).contains("\"count\":[null,2]"),
                    events.get(1).get("changes").toString());
        });
    }

    @Test
    void anAddressThatKeepsFailingLosesOnlyItsFailingAttempts() {
        var from = address();
        var format = new KeyFormat();
        for (int i = 0; i < 3; i++) {
            given().header("X-Forwarded-For", from).auth().oauth2(format.generate(KeyKind.SERVICE)).get("/api/v1/whoami")
                    .then().statusCode(401).body("code", is("invalid_token"));
        }
        given().header("X-Forwarded-For", from).auth().oauth2(format.generate(KeyKind.SERVICE)).get("/api/v1/whoami")
                .then().statusCode(429).body("code", is("rate_limited")).header("Retry-After", notNullValue());
        // the address loses its failing attempts for the window; a key that works still works from it (API.md 10.1)
        given().header("X-Forwarded-For", from).auth().oauth2(format.generate(KeyKind.SERVICE)).get("/api/v1/whoami")
                .then().statusCode(429);
        given().header("X-Forwarded-For", from).auth().oauth2(ws.ownerKey()).get("/api/v1/whoami").then().statusCode(200);
        given().header("X-Forwarded-For", address()).auth().oauth2(format.generate(KeyKind.SERVICE)).get("/api/v1/whoami")
                .then().statusCode(401);
    }

    @Test
    void aGatewayVerifyingManyBadKeysFromOneAddressKeepsWorking() {
        var gateway = ws.createKey(Map.of("name", "gateway", "kind", "service", "scopes", List.of("keys:verify")))
                .getString("key");
        var from = address();
        var format = new KeyFormat();
        for (int i = 0; i < 10; i++) {
            given().header("X-Forwarded-For", from).auth().oauth2(gateway).contentType(ContentType.JSON)
                    .body(Map.of("key", format.generate(KeyKind.API))).post("/api/v1/keys/verify")
                    .then().statusCode(200).body("code", is("NOT_FOUND"));
        }
    }
}
