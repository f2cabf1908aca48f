package io.keyplane.ratelimit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyplane.support.Redis;
import io.keyplane.support.TcpProxy;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Redis behind a proxy the test can silence: while Redis accepts but never answers (an established connection, and
 * new connects whose handshake hangs), uses go through uncounted (open). Those connections stay silent for good,
 * as behind a dead route; once new ones work, counting resumes by itself on a new connection.
 */
@QuarkusTest
@TestProfile(RedisRecoveryTest.RedisBehindProxy.class)
class RedisRecoveryTest {

    public static class RedisBehindProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.redis.url", "redis://127.0.0.1:" + TcpProxy.shared("redis", 6379));
        }
    }

    @Test
    void aSilentRedisIsLeftBehindAndCountingResumesWhenItAnswers() {
        var ws = TestWorkspace.create();
        var verifier = ws.createVerifier();
        var k = ws.createKey(Map.of("name", "limited", "rate_limit", Map.of("limit", 1000, "window_seconds", 3600)));
        verify(verifier, k.getString("key")).body("rate_limit.remaining", is(999));
        TcpProxy.pause("redis", true);
        try {
            for (int i = 0; i < 5; i++) { // the held connection, then new connects whose handshake never ends
                // decided by this replica's own count meanwhile, which has every use of the window
                verify(verifier, k.getString("key")).body("code", is("VALID")).body("rate_limit.remaining", is(998 - i));
            }
        } finally {
            TcpProxy.pause("redis", false);
        }
        // Redis counts again: its counter for the key moves past the one use it saw before the pause
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            verify(verifier, k.getString("key")).body("code", is("VALID"));
            var counters = Redis.command("KEYS", "keyplane:rate:" + k.getString("id") + ":*");
            org.junit.jupiter.api.Assertions.assertEquals(1, counters.size(), counters.toString());
            org.junit.jupiter.api.Assertions.assertTrue(Integer.parseInt(Redis.command("GET", counters.get(0)).get(0)) > 1);
        });
    }

    static ValidatableResponse verify(String verifier, String key) {
        return given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/api/v1/keys/verify").then().statusCode(200);
    }
}
