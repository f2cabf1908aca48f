package io.keyplane.abuse;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The attacker's view of every surface that takes a credential or creates something, with production's defaults
 * for every bound (the test profile raises the failed-authentication limit for the other suites; here it is 20 a
 * minute again). Each test plays one abuse and asserts what it costs: the answers, and the database rows it writes.
 * SECURITY.md's threat table names these tests.
 */
@QuarkusTest
@TestProfile(AbuseTest.ProductionBounds.class)
public class AbuseTest {

    /** Production's defaults for the bounds the test profile loosens. */
    public static class ProductionBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.auth-failure-limit", "20", "keyplane.auth-failure-window", "60s");
        }
    }

    TestWorkspace ws;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
    }

    RequestSpecification owner() {
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON);
    }

    // --- unbounded objects: per-workspace caps (API.md 10.1), 422 limit_exceeded with the cap ---

    @Test
    void aWorkspaceCannotCreateMoreThan16Webhooks() {
        for (int i = 0; i < 16; i++) {
            owner().body(Map.of("url", "https://93.184.215.14/hook-" + i, "events", List.of("*")))
                    .post(ws.path("/webhooks")).then().statusCode(201);
        }
        owner().body(Map.of("url", "https://93.184.215.14/one-more", "events", List.of("*"))).post(ws.path("/webhooks"))
                .then().statusCode(422).contentType("application/problem+json").body("code", is("limit_exceeded"))
                .body("limit", is(16));
        assertEquals(16L, count("select count(*) as n from webhook where workspace_id = ?::uuid", ws.id()));
        // another workspace has a cap of its own; deleting one makes room again
        var other = TestWorkspace.create();
        given().auth().oauth2(other.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("url", "https://93.184.215.14/other", "events", List.of("*"))).post(other.path("/webhooks"))
                .then().statusCode(201);
        String first = owner().get(ws.path("/webhooks?limit=1")).then().statusCode(200).extract().path("[0].id");
        owner().delete(ws.path("/webhooks/" + first)).then().statusCode(204);
        owner().body(Map.of("url", "https://93.184.215.14/again", "events", List.of("*"))).post(ws.path("/webhooks"))
                .then().statusCode(201);
        TestDatabase.update("update webhook set status = 'disabled' where workspace_id in (?::uuid, ?::uuid)", ws.id(),
                other.id());
    }

    @Test
    void aWorkspaceCannotCreateMoreThan100ForwardAuthPolicies() {
        var rules = List.of(Map.of("method", "GET", "path", "/**", "scopes", List.of()));
        for (int i = 0; i < 100; i++) {
            owner().body(Map.of("name", "policy " + i, "rules", rules)).post(ws.path("/forward-auth-policies"))
                    .then().statusCode(201);
        }
        owner().body(Map.of("name", "one more", "rules", rules)).post(ws.path("/forward-auth-policies")).then()
                .statusCode(422).body("code", is("limit_exceeded")).body("limit", is(100));
        assertEquals(100L, count("select count(*) as n from forward_auth_policy where workspace_id = ?::uuid", ws.id()));
    }

    /** 995 custom scopes put in place, then 20 concurrent creations race for the last 5 places: exactly 5 win. */
    @Test
    void aWorkspaceCannotCreateMoreThan1000CustomScopesEvenConcurrently() throws Exception {
        TestDatabase.update("insert into scope (workspace_id, name, created_at) select ?::uuid, 'bulk:s' || n, now() "
                + "from generate_series(1, 995) n", ws.id());
        var pool = Executors.newFixedThreadPool(20);
        try {
            var calls = new ArrayList<Callable<Integer>>();
            for (int i = 0; i < 20; i++) {
                var name = "race:s" + i;
                calls.add(() -> owner().body(Map.of("name", name)).post(ws.path("/scopes")).then().extract().statusCode());
            }
            var statuses = new ArrayList<Integer>();
            for (var f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertEquals(5, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(15, statuses.stream().filter(s -> s == 422).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1000L, count("select count(*) as n from scope where workspace_id = ?::uuid", ws.id()));
        owner().body(Map.of("name", "late:s")).post(ws.path("/scopes")).then().statusCode(422)
                .body("code", is("limit_exceeded")).body("limit", is(1000));
        assertEquals(1000L + 12, owner().get(ws.path("/scopes")).then().statusCode(200).extract().jsonPath()
                .getList("$").size(), "the catalog lists the built-in scopes and the custom ones");
    }

    @Test
    void theDocumentShowsEachCapAsMaxItems() {
        var doc = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        var path = "paths.'/api/v1/workspaces/{workspaceId}/%s'.get.responses.'200'.content.'application/json'.schema.maxItems";
        assertEquals(16, doc.getInt(path.formatted("webhooks")));
        assertEquals(100, doc.getInt(path.formatted("forward-auth-policies")));
        assertEquals(1000 + io.keyplane.credential.Permissions.BUILT_IN.size(), doc.getInt(path.formatted("scopes")));
        assertEquals("integer", doc.getString("components.schemas.Problem.properties.limit.type"));
    }

    static long count(String sql, Object... params) {
        return ((Number) TestDatabase.query(sql, params).get(0).get("n")).longValue();
    }
}
