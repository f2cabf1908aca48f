package io.keyplane.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyplane.support.SilentServer;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * A Redis that never answers, failing open (the default): rate-limited uses are decided by this replica's own count,
 * never let through uncounted, and every failure is counted.
 */
@QuarkusTest
@TestProfile(RedisUnansweredTest.SilentRedis.class)
class RedisUnansweredTest {

    public static class SilentRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.redis.url", "redis://127.0.0.1:" + SilentServer.port(), "keyplane.redis.timeout", "50ms");
        }
    }

    @Test
    void aUseRedisCannotCountIsDecidedByThisReplicasOwnCount() {
        var ws = TestWorkspace.create();
        var verifier = ws.createVerifier();
        var k = ws.createKey(Map.of("name", "limited", "rate_limit", Map.of("limit", 1, "window_seconds", 3600)));
        long started = System.nanoTime();
        for (var expected : new String[] { "VALID", "RATE_LIMITED", "RATE_LIMITED" }) {
            given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", k.getString("key")))
                    .post("/api/v1/keys/verify").then().statusCode(200)
                    .body("code", is(expected)).body("rate_limit.limit", is(1));
        }
        // not a speed measurement: a hang would take the 60 s connect timeout, and fail this by far
        assertTrue(System.nanoTime() - started < 10_000_000_000L, "a silent Redis must not hold calls");
        given().port(9001).get("/q/metrics").then().statusCode(200)
                .body(containsString("keyplane_ratelimit_redis_failures_total{mode=\"open\"} 3.0"));
    }
}
