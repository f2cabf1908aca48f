package io.keyplane.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.Redis;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** KEYPLANE_REDIS_URL: rate limits are counted in Redis, one counter per key and window for every replica. */
@QuarkusTest
@TestProfile(SharedRateLimitTest.WithRedis.class)
class SharedRateLimitTest {

    public static class WithRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.redis.url", Redis.URL);
        }
    }

    TestWorkspace ws;
    String verifier;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        verifier = ws.createVerifier();
    }

    ValidatableResponse verify(String key) {
        return given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/api/v1/keys/verify").then().statusCode(200);
    }

    @Test
    void tenPerMinuteIsTenAndTheCountIsInRedis() {
        var k = ws.createKey(Map.of("name", "limited", "rate_limit", Map.of("limit", 10, "window_seconds", 3600)));
        for (int i = 0; i < 10; i++) {
            verify(k.getString("key")).body("code", is("VALID")).body("rate_limit.remaining", is(9 - i));
        }
        verify(k.getString("key")).body("code", is("RATE_LIMITED")).body("rate_limit.remaining", is(0));
        var counters = Redis.command("KEYS", "keyplane:rate:" + k.getString("id") + ":*");
        assertEquals(1, counters.size());
        assertEquals("11", Redis.command("GET", counters.get(0)).get(0));
    }

    @Test
    void usesCountedElsewhereCountHere() {
        var k = ws.createKey(Map.of("name", "limited", "rate_limit", Map.of("limit", 5, "window_seconds", 86_400)));
        verify(k.getString("key")).body("rate_limit.remaining", is(4));
        var counter = Redis.command("KEYS", "keyplane:rate:" + k.getString("id") + ":*").get(0);
        Redis.command("INCRBY", counter, "3"); // what another replica counted meanwhile
        verify(k.getString("key")).body("code", is("VALID")).body("rate_limit.remaining", is(0));
        verify(k.getString("key")).body("code", is("RATE_LIMITED"));
    }

    @Test
    void aRateLimitedServiceKeyIsCountedInRedisToo() {
        var admin = ws.createKey(Map.of("name", "admin", "kind", "service", "scopes", List.of("keys:read"),
                "rate_limit", Map.of("limit", 2, "window_seconds", 3600)));
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(admin.getString("key")).get(ws.path("/api-keys")).then().statusCode(200);
        }
        given().auth().oauth2(admin.getString("key")).get(ws.path("/api-keys")).then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue()).body("code", is("rate_limited"));
        assertEquals(1, Redis.command("KEYS", "keyplane:rate:" + admin.getString("id") + ":*").size());
    }
}
