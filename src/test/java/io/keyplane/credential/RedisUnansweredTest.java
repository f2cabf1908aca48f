package io.keyplane.credential;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyplane.support.SilentServer;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** A Redis that never answers, failing open (the default): rate-limited uses go through, counted and logged. */
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
    void aUseRedisCannotCountGoesThroughWithoutARateLimitAnswer() {
        var ws = TestWorkspace.create();
        var verifier = ws.createVerifier();
        var k = ws.createKey(Map.of("name", "limited", "rate_limit", Map.of("limit", 1, "window_seconds", 60)));
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", k.getString("key")))
                    .post("/api/v1/keys/verify").then().statusCode(200)
                    .body("code", is("VALID")).body("rate_limit", nullValue());
        }
        // not a speed measurement: a hang would take the 60 s connect timeout, and fail this by far
        assertTrue(System.nanoTime() - started < 10_000_000_000L, "a silent Redis must not hold calls");
        given().port(9001).get("/q/metrics").then().statusCode(200)
                .body(containsString("keyplane_ratelimit_redis_failures_total{mode=\"open\"} 3.0"));
    }
}
