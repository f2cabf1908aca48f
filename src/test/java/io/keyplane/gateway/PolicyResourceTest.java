package io.keyplane.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Forward-auth policies through the management API: scopes, validation, audit and tenant isolation. */
@QuarkusTest
class PolicyResourceTest {

    TestWorkspace ws;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", "database:read"))
                .post(ws.path("/scopes")).then().statusCode(201);
    }

    ValidatableResponse create(String as, Object body) {
        return given().auth().oauth2(as).contentType(ContentType.JSON).body(body)
                .post(ws.path("/forward-auth-policies")).then();
    }

    static Map<String, Object> rule(String method, String path, List<String> scopes) {
        return Map.of("method", method, "path", path, "scopes", scopes);
    }

    @Test
    void createReadUpdateAndDelete() {
        var created = create(ws.ownerKey(), Map.of("name", "orders api",
                "rules", List.of(rule("get", "/databases/**", List.of("database:read", "database:read")))))
                .statusCode(201).contentType(ContentType.JSON)
                .body("workspace_id", is(ws.id())).body("name", is("orders api"))
                .body("rules[0].method", is("GET")).body("rules[0].path", is("/databases/**"))
                .body("rules[0].scopes", is(List.of("database:read"))).body("key_source", is("authorization"))
                .body("created_by", is(ws.ownerAccountId())).body("created_at", notNullValue())
                .extract();
        String id = created.path("id");
        assertThat(created.header("Location"), endsWith(ws.path("/forward-auth-policies/" + id)));

        given().auth().oauth2(ws.ownerKey()).get(ws.path("/forward-auth-policies/" + id)).then().statusCode(200)
                .body("id", is(id)).body("rules.size()", is(1));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/forward-auth-policies")).then().statusCode(200)
                .body("id", is(List.of(id)));

        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("key_source", "header:X-Api-Key", "rules", List.of(rule("*", "/**", List.of()))))
                .patch(ws.path("/forward-auth-policies/" + id)).then().statusCode(200)
                .body("name", is("orders api")).body("key_source", is("header:X-Api-Key"))
                .body("rules[0].method", is("*")).body("rules[0].scopes", is(List.of()));

        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/forward-auth-policies/" + id)).then().statusCode(204);
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/forward-auth-policies/" + id)).then().statusCode(404)
                .body("code", is("not_found"));
        assertThat(TestDatabase.query("select id from forward_auth_policy where id = ?::uuid", id).size(), is(0));

        var actions = TestDatabase.query("select action from audit_event where workspace_id = ?::uuid "
                + "and target_id = ?::text order by seq", ws.id(), id).stream().map(r -> r.get("action")).toList();
        assertThat(actions, is(List.of("forward_auth_policy.create", "forward_auth_policy.update",
                "forward_auth_policy.delete")));
    }

    @Test
    void invalidPoliciesAreRefusedWithTheField() {
        create(ws.ownerKey(), Map.of("name", "x", "rules", List.of())).statusCode(400).body("errors[0].field", is("rules"));
        create(ws.ownerKey(), Map.of("rules", List.of(rule("GET", "/", List.of())))).statusCode(400)
                .body("errors[0].field", is("name"));
        create(ws.ownerKey(), Map.of("name", "x", "rules", List.of(rule("GET /", "/", List.of())))).statusCode(400)
                .body("errors[0].field", is("rules[0].method"));
        for (var path : List.of("databases", "/a*", "/a/../b", "/a/", "/a b")) {
            create(ws.ownerKey(), Map.of("name", "x", "rules", List.of(rule("GET", path, List.of())))).statusCode(400)
                    .body("errors[0].field", is("rules[0].path"));
        }
        create(ws.ownerKey(), Map.of("name", "x", "rules", List.of(rule("GET", "/", List.of("NOT A SCOPE")))))
                .statusCode(400).body("code", is("validation_failed"));
        create(ws.ownerKey(), Map.of("name", "x", "rules", List.of(rule("GET", "/", List.of()),
                rule("GET", "/", List.of("database:write"))))).statusCode(422).body("code", is("unknown_scope"))
                .body("errors[0].field", is("rules[1].scopes"));
        create(ws.ownerKey(), Map.of("name", "x", "key_source", "cookie:session", "rules", List.of(rule("GET", "/", List.of()))))
                .statusCode(400).body("errors[0].field", is("key_source"));
        create(ws.ownerKey(), Map.of("name", "x", "key_source", "header:x-keyplane-gateway-key",
                "rules", List.of(rule("GET", "/", List.of())))).statusCode(422).body("code", is("unprocessable"));
        for (var reserved : List.of("header:Authorization", "header:x-original-uri", "header:X-Forwarded-For")) {
            create(ws.ownerKey(), Map.of("name", "x", "key_source", reserved, "rules", List.of(rule("GET", "/", List.of()))))
                    .statusCode(422).body("errors[0].field", is("key_source"));
        }
        create(ws.ownerKey(), Map.of("name", "x", "rules", List.of(rule("GET", "/", List.of())), "extra", 1))
                .statusCode(400);
        var id = create(ws.ownerKey(), Map.of("name", "x", "rules", List.of(rule("GET", "/", List.of()))))
                .statusCode(201).extract().path("id");
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body("{\"name\": \"  \"}")
                .patch(ws.path("/forward-auth-policies/" + id)).then().statusCode(400).body("errors[0].field", is("name"));
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body("{\"rules\": null}")
                .patch(ws.path("/forward-auth-policies/" + id)).then().statusCode(400).body("errors[0].field", is("rules"));
        assertThat(TestDatabase.query("select id from forward_auth_policy where workspace_id = ?::uuid", ws.id()).size(), is(1));
    }

    @Test
    void aScopeARuleRequiresCannotBeDeleted() {
        var id = create(ws.ownerKey(), Map.of("name", "x", "rules", List.of(rule("GET", "/a", List.of()),
                rule("GET", "/b", List.of("database:read"))))).statusCode(201).extract().<String>path("id");
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/scopes/database:read")).then().statusCode(409)
                .body("code", is("scope_in_use"));
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/forward-auth-policies/" + id)).then().statusCode(204);
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/scopes/database:read")).then().statusCode(204);
    }

    @Test
    void theScopesGuardReadAndWrite() {
        var reader = ws.createKey("reader", "service", List.of("forward_auth:read")).getString("key");
        var keysOnly = ws.createKey("keys", "service", List.of("keys:write")).getString("key");
        create(reader, Map.of("name", "x", "rules", List.of(rule("GET", "/", List.of())))).statusCode(403)
                .body("code", is("insufficient_scope")).body("required_scopes", is(List.of("forward_auth:write")));
        given().auth().oauth2(reader).get(ws.path("/forward-auth-policies")).then().statusCode(200);
        given().auth().oauth2(keysOnly).get(ws.path("/forward-auth-policies")).then().statusCode(403)
                .body("required_scopes", is(List.of("forward_auth:read")));
        given().get(ws.path("/forward-auth-policies")).then().statusCode(401).body("code", is("missing_credentials"));
        given().auth().oauth2(ws.ownerKey()).get("/api/v1/workspaces/" + ws.id() + "/scopes").then().statusCode(200)
                .body("name", hasItems("forward_auth:read", "forward_auth:write"));
    }

    @Test
    void anotherWorkspacesPoliciesAreOutOfReach() {
        var id = create(ws.ownerKey(), Map.of("name", "mine", "rules", List.of(rule("GET", "/", List.of()))))
                .statusCode(201).extract().path("id");
        var other = TestWorkspace.create();
        given().auth().oauth2(other.ownerKey()).get(ws.path("/forward-auth-policies/" + id)).then().statusCode(403)
                .body("code", is("workspace_mismatch"));
        given().auth().oauth2(other.ownerKey()).get(other.path("/forward-auth-policies/" + id)).then().statusCode(404);
        given().auth().oauth2(other.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", "theirs"))
                .patch(other.path("/forward-auth-policies/" + id)).then().statusCode(404);
        given().auth().oauth2(other.ownerKey()).delete(other.path("/forward-auth-policies/" + id)).then().statusCode(404);
        given().auth().oauth2(other.ownerKey()).get(other.path("/forward-auth-policies")).then().statusCode(200)
                .body("size()", is(0));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/forward-auth-policies/" + id)).then().statusCode(200)
                .body("name", is("mine"));
    }
}
