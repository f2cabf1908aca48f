package io.keyplane.apikey;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Usage summaries from the hourly rollups: per key and per workspace, by hour or day. */
@QuarkusTest
class UsageSummaryTest {

    TestWorkspace ws;
    String verifier;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        verifier = ws.createVerifier();
    }

    void verify(String key, List<String> scopes) {
        given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", key, "scopes", scopes))
                .post("/api/v1/keys/verify").then().statusCode(200);
    }

    JsonPath summary(String path) {
        return given().auth().oauth2(ws.ownerKey()).get(ws.path(path)).then().statusCode(200).extract().jsonPath();
    }

    static int total(JsonPath summary, String code) {
        return summary.getList("buckets.counts." + code, Integer.class).stream()
                .mapToInt(count -> count == null ? 0 : count).sum();
    }

    @Test
    void aKeysUsesAreCountedByHourAndOutcome() {
        var key = ws.createKey(Map.of("name", "counted", "scopes", List.of()));
        for (int i = 0; i < 3; i++) {
            verify(key.getString("key"), List.of());
        }
        verify(key.getString("key"), List.of("keys:read"));
        var path = "/api-keys/" + key.getString("id") + "/usage/summary";
        // the four uses may reach the database in different flushes: wait for all of them (summed over the
        // buckets: a run that crosses the hour puts them in two)
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var counts = summary(path);
            return total(counts, "VALID") == 3 && total(counts, "INSUFFICIENT_SCOPE") == 1;
        });
        var byHour = summary(path);
        assertThat(byHour.getString("granularity"), is("hour"));
        assertThat(total(byHour, "INSUFFICIENT_SCOPE"), is(1));
        // 24 h back, rounded down to the hour, up to now: 25 buckets, or 24 exactly on the hour
        assertThat(byHour.getList("buckets").size() >= 24 && byHour.getList("buckets").size() <= 25, is(true));
        assertThat(byHour.getMap("buckets[0].counts"), is(Map.of()));

        // rollups of two days ago, as if written then: they land in their own day
        var twoDaysAgo = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS).toString();
        TestDatabase.update("insert into key_usage_hourly (key_id, workspace_id, hour, code, count) "
                + "values (?::uuid, ?::uuid, ?::timestamptz, 'VALID', 7)", key.getString("id"), ws.id(), twoDaysAgo);
        var from = Instant.now().minus(3, ChronoUnit.DAYS).toString();
        var byDay = summary(path + "?granularity=day&from=" + from);
        assertThat(byDay.getList("buckets").size(), is(4));
        assertThat(byDay.getInt("buckets[1].counts.VALID"), is(7));
        assertThat(byDay.getInt("buckets[3].counts.VALID"), is(3));
        assertThat(byDay.getString("from"), is(Instant.parse(from).truncatedTo(ChronoUnit.DAYS).toString()));
    }

    @Test
    void aWorkspaceSummaryAddsItsMostUsedKeys() {
        var busy = ws.createKey(Map.of("name", "busy"));
        var quiet = ws.createKey(Map.of("name", "quiet"));
        for (int i = 0; i < 4; i++) {
            verify(busy.getString("key"), List.of());
        }
        verify(quiet.getString("key"), List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> countOf(summary("/usage/summary"), quiet.getString("id")) == 1);
        var summary = summary("/usage/summary");
        assertThat(countOf(summary, busy.getString("id")), is(4L));
        assertThat(total(summary, "VALID"), is(5));
        var top = summary.getList("top_keys.count", Long.class);
        assertThat(top, is(top.stream().sorted(java.util.Comparator.reverseOrder()).toList()));

        // another workspace sees none of it, and cannot ask for this one's
        var other = TestWorkspace.create();
        given().auth().oauth2(other.ownerKey()).get(other.path("/usage/summary")).then().statusCode(200)
                .body("buckets.findAll { it.counts.VALID != null }.size()", is(0));
        given().auth().oauth2(other.ownerKey()).get(ws.path("/usage/summary")).then().statusCode(403)
                .body("code", is("workspace_mismatch"));
        given().auth().oauth2(other.ownerKey()).get(other.path("/api-keys/" + busy.getString("id") + "/usage/summary"))
                .then().statusCode(404);
    }

    @Test
    void rangesAreValidated() {
        var key = ws.createKey(Map.of("name", "k")).getString("id");
        var path = ws.path("/api-keys/" + key + "/usage/summary");
        var now = Instant.now();
        for (var query : List.of("granularity=week", "from=yesterday", "to=2026-13-01T00:00:00Z",
                "from=" + now + "&to=" + now.minusSeconds(60), "from=" + now.minus(32, ChronoUnit.DAYS),
                "granularity=day&from=" + now.minus(367, ChronoUnit.DAYS))) {
            given().auth().oauth2(ws.ownerKey()).get(path + "?" + query).then().statusCode(400)
                    .body("code", is("validation_failed"));
        }
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + java.util.UUID.randomUUID() + "/usage/summary"))
                .then().statusCode(404);
        var reader = ws.createKey("reader", "service", List.of("keys:read")).getString("key");
        given().auth().oauth2(reader).get(path).then().statusCode(200);
        var verifierOnly = ws.createVerifier();
        given().auth().oauth2(verifierOnly).get(ws.path("/usage/summary")).then().statusCode(403)
                .body("required_scopes", is(List.of("keys:read")));
    }

    private static long countOf(JsonPath summary, String keyId) {
        List<Map<String, Object>> top = summary.getList("top_keys");
        return top.stream().filter(t -> keyId.equals(t.get("key_id"))).map(t -> ((Number) t.get("count")).longValue())
                .findFirst().orElse(0L);
    }
}
