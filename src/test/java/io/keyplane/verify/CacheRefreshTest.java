package io.keyplane.verify;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * A key in steady use is read again in the background past half the cache TTL: it never expires into a database
 * round trip on a request, and what it answers still follows the database within the TTL.
 */
@QuarkusTest
@TestProfile(CacheRefreshTest.ShortTtl.class)
class CacheRefreshTest {

    public static class ShortTtl implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.cache.ttl", "2s");
        }
    }

    static final Pattern MISSES = Pattern.compile("^cache_gets_total\\{cache=\"keyplane.keys\",result=\"miss\",?}\\s+(\\S+)$",
            Pattern.MULTILINE);

    static double cacheMisses() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
        var text = given().port(port).accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        var m = MISSES.matcher(text);
        assertThat("the keys cache's misses are exported", m.find(), is(true));
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aKeyInSteadyUseIsRefreshedInTheBackgroundAndFollowsTheDatabaseWithinTheTtl() {
        var ws = TestWorkspace.create();
        var verifier = ws.createVerifier();
        var key = ws.createKey(Map.of("name", "steady", "meta", Map.of("plan", "gold")));
        var body = Map.of("key", key.getString("key"));
        var first = given().auth().oauth2(verifier).contentType(ContentType.JSON).body(body).post("/api/v1/keys/verify")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getString("meta.plan"), is("gold"));
        double missesBefore = cacheMisses();

        // changed behind Keyplane's back: no change notification, only the TTL bounds how long gold is answered
        TestDatabase.update("update api_key set meta = '{\"plan\":\"platinum\"}'::jsonb where id = ?::uuid",
                key.getString("id"));
        await().atMost(Duration.ofSeconds(2).plusMillis(1500)).pollInterval(Duration.ofMillis(50))
                .until(() -> "platinum".equals(given().auth().oauth2(verifier).contentType(ContentType.JSON).body(body)
                        .post("/api/v1/keys/verify").then().statusCode(200).extract().path("meta.plan")));
        // three TTLs of steady use by both keys (the verifier's and the verified one): every answer from memory
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(50))
                .until(() -> "VALID".equals(given().auth().oauth2(verifier).contentType(ContentType.JSON).body(body)
                        .post("/api/v1/keys/verify").then().statusCode(200).extract().path("code")));

        assertThat("verifications that had to read the database", cacheMisses() - missesBefore, is(0.0));
    }
}
