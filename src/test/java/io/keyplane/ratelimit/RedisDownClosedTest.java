package io.keyplane.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyplane.support.SilentServer;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** A Redis that refuses connections, failing closed: rate-limited uses are 503 with Retry-After, others go on. */
@QuarkusTest
@TestProfile(RedisDownClosedTest.RefusingRedis.class)
class RedisDownClosedTest {

    public static class RefusingRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.redis.url", "redis://127.0.0.1:" + SilentServer.closedPort(),
                    "keyplane.rate-limit-redis-failure", "closed");
        }
    }

    @Test
    void rateLimitedUsesAre503AndUnlimitedOnesAreNotAffected() {
        var ws = TestWorkspace.create();
        var verifier = ws.createVerifier();
        var limited = ws.createKey(Map.of("name", "limited", "rate_limit", Map.of("limit", 100, "window_seconds", 60)));
        var unlimited = ws.createKey(Map.of("name", "unlimited"));
        given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", limited.getString("key")))
                .post("/api/v1/keys/verify").then().statusCode(503).header("Retry-After", "1")
                .contentType("application/problem+json").body("code", is("service_unavailable"));
        given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", unlimited.getString("key")))
                .post("/api/v1/keys/verify").then().statusCode(200).body("code", is("VALID"));
        var limitedAdmin = ws.createKey(Map.of("name", "admin", "kind", "service", "scopes", List.of("keys:read"),
                "rate_limit", Map.of("limit", 100, "window_seconds", 60)));
        given().auth().oauth2(limitedAdmin.getString("key")).get(ws.path("/api-keys")).then().statusCode(503)
                .header("Retry-After", "1").body("code", is("service_unavailable"));
    }
}
