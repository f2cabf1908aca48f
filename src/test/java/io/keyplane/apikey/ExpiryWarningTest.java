package io.keyplane.apikey;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** The expiry-warning job (each second here): api_key.expiring at 7 days and at 1 day, once per key and expiry. */
@QuarkusTest
@TestProfile(ExpiryWarningTest.EverySecond.class)
class ExpiryWarningTest {

    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.expiry-warning.check-interval", "1s");
        }
    }

    static List<Map<String, Object>> warnings(String keyId) {
        return TestDatabase.query("select changes::text as changes, actor_type from audit_event where target_id = ?::text "
                + "and action = 'api_key.expiring' order by seq", keyId);
    }

    @Test
    void keysAreWarnedAtSevenDaysAndAgainAtOneDayOnce() {
        var ws = TestWorkspace.create();
        var soon = ws.createKey(Map.of("name", "soon", "expires_in_days", 5)).getString("id");
        var imminent = ws.createKey(Map.of("name", "imminent", "expires_in_days", 30)).getString("id");
        TestDatabase.update("update api_key set expires_at = now() + interval '12 hours' where id = ?::uuid", imminent);
        var later = ws.createKey(Map.of("name", "later", "expires_in_days", 30)).getString("id");
        var revoked = ws.createKey(Map.of("name", "revoked", "expires_in_days", 3)).getString("id");
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + revoked)).then().statusCode(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> warnings(soon).size() == 1 && warnings(imminent).size() == 1);
        assertThat((String) warnings(soon).get(0).get("changes"), containsString("\"days_left\":[null,7]"));
        assertThat(warnings(soon).get(0).get("actor_type"), is("operator"));
        // first seen within a day: only the nearer warning
        assertThat((String) warnings(imminent).get(0).get("changes"), containsString("\"days_left\":[null,1]"));
        // a few more runs send nothing again
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> warnings(soon).size() == 1 && warnings(imminent).size() == 1);
        assertThat(warnings(later).size(), is(0));
        assertThat(warnings(revoked).size(), is(0));

        // the same key, now a day from its expiry: the second warning
        TestDatabase.update("update api_key set expires_at = now() + interval '20 hours' where id = ?::uuid", soon);
        await().atMost(Duration.ofSeconds(15)).until(() -> warnings(soon).size() == 2);
        assertThat((String) warnings(soon).get(1).get("changes"), containsString("\"days_left\":[null,1]"));

        // a new expiry is warned of again
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("expires_at", Instant.now().plus(6, ChronoUnit.DAYS).toString()))
                .patch(ws.path("/api-keys/" + soon)).then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> warnings(soon).size() == 3);
    }
}
