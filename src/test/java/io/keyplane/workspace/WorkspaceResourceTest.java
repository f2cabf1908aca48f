package io.keyplane.workspace;

import static io.keyplane.support.TestWorkspace.OPERATOR;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class WorkspaceResourceTest {

    @Test
    void operatorCreatesWorkspaceWithBootstrapOwnerAndServiceKey() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(Map.of("name", "Acme prod"))
                .when().post("/api/v1/workspaces")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/workspaces/"))
                .body("id", notNullValue())
                .body("name", is("Acme prod"))
                .body("status", is("active"))
                .body("created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"))
                .body("bootstrap.service_account.name", is("owner"))
                .body("bootstrap.service_account.scopes", is(java.util.List.of("workspace:admin")))
                .body("bootstrap.service_account.created_by", is("operator"))
                .body("bootstrap.api_key.kind", is("service"))
                .body("bootstrap.api_key.status", is("active"))
                .body("bootstrap.key", matchesPattern("kp_svc_[0-9A-Za-z]{49}"))
                .body("bootstrap.api_key.key", matchesPattern("kp_svc_[0-9A-Za-z]{49}"));
    }

    @Test
    void bootstrapKeyAuthenticatesAndWhoamiDescribesIt() {
        var ws = TestWorkspace.create();
        given().auth().oauth2(ws.ownerKey()).when().get("/api/v1/whoami")
                .then().statusCode(200)
                .body("kind", is("service"))
                .body("workspace_id", is(ws.id()))
                .body("service_account_id", is(ws.ownerAccountId()))
                .body("key_prefix", is(ws.ownerKey().substring(0, 12)))
                .body("scopes", is(java.util.List.of("workspace:admin")))
                .body("status", is("active"));
    }

    @Test
    void whoamiForOperator() {
        given().auth().oauth2(OPERATOR).when().get("/api/v1/whoami")
                .then().statusCode(200).body("kind", is("operator")).body("key_id", nullValue());
    }

    @Test
    void serviceKeyCannotCreateWorkspaces() {
        var ws = TestWorkspace.create();
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", "x"))
                .when().post("/api/v1/workspaces")
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("insufficient_scope"));
    }

    @Test
    void operatorListsAllWorkspacesServiceKeyOnlyItsOwn() {
        var a = TestWorkspace.create();
        var b = TestWorkspace.create();
        given().auth().oauth2(OPERATOR).when().get("/api/v1/workspaces?limit=200")
                .then().statusCode(200).body("id", hasItem(a.id())).body("id", hasItem(b.id()));
        given().auth().oauth2(a.ownerKey()).when().get("/api/v1/workspaces")
                .then().statusCode(200).body("$", hasSize(1)).body("[0].id", is(a.id()));
    }

    @Test
    void listPagesWithCursorAndLinkHeader() {
        TestWorkspace.create();
        TestWorkspace.create();
        var first = given().auth().oauth2(OPERATOR).when().get("/api/v1/workspaces?limit=1")
                .then().statusCode(200).body("$", hasSize(1))
                .header("Link", matchesPattern("<.*cursor=.*>; rel=\"next\"")).extract();
        var next = first.header("Link").replaceAll("^<(.*)>.*$", "$1");
        var nextId = given().auth().oauth2(OPERATOR).when().get(next.replaceAll("^https?://[^/]+", ""))
                .then().statusCode(200).body("$", hasSize(1)).extract().path("[0].id");
        org.junit.jupiter.api.Assertions.assertNotEquals(first.path("[0].id"), nextId);
    }

    @Test
    void listRejectsBadLimitAndCursor() {
        given().auth().oauth2(OPERATOR).when().get("/api/v1/workspaces?limit=0")
                .then().statusCode(400).body("code", is("validation_failed")).body("errors[0].field", is("limit"));
        given().auth().oauth2(OPERATOR).when().get("/api/v1/workspaces?limit=201").then().statusCode(400);
        given().auth().oauth2(OPERATOR).when().get("/api/v1/workspaces?cursor=garbage")
                .then().statusCode(400).body("errors[0].field", is("cursor"));
    }

    @Test
    void getPatchAndDeleteWorkspace() {
        var ws = TestWorkspace.create("before");
        given().auth().oauth2(ws.ownerKey()).when().get(ws.path(""))
                .then().statusCode(200).body("name", is("before"));
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", "after"))
                .when().patch(ws.path(""))
                .then().statusCode(200).body("name", is("after"));
        given().auth().oauth2(OPERATOR).when().delete(ws.path(""))
                .then().statusCode(200).body("status", is("deleted"));
        // keys of a deleted workspace stop authenticating at once
        given().auth().oauth2(ws.ownerKey()).when().get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("key_revoked"));
        given().auth().oauth2(OPERATOR).when().get(ws.path("")).then().statusCode(200).body("status", is("deleted"));
        given().auth().oauth2(OPERATOR).when().delete(ws.path("")).then().statusCode(404).body("code", is("not_found"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(Map.of("name", "x"))
                .when().patch(ws.path("")).then().statusCode(404);
    }

    @Test
    void serviceKeyCannotDeleteItsWorkspace() {
        var ws = TestWorkspace.create();
        given().auth().oauth2(ws.ownerKey()).when().delete(ws.path(""))
                .then().statusCode(403).body("code", is("insufficient_scope"));
    }

    @Test
    void serviceKeyOfAnotherWorkspaceGetsWorkspaceMismatch() {
        var a = TestWorkspace.create();
        var b = TestWorkspace.create();
        given().auth().oauth2(a.ownerKey()).when().get(b.path(""))
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("workspace_mismatch"))
                .body("type", is("urn:keyplane:problem:workspace_mismatch"))
                .body("request_id", notNullValue());
        given().auth().oauth2(a.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", "pwned"))
                .when().patch(b.path("")).then().statusCode(403).body("code", is("workspace_mismatch"));
        given().auth().oauth2(OPERATOR).when().get(b.path("")).then().body("name", org.hamcrest.Matchers.not("pwned"));
    }

    @Test
    void unknownWorkspaceIs404ForOperator() {
        given().auth().oauth2(OPERATOR).when().get("/api/v1/workspaces/" + java.util.UUID.randomUUID())
                .then().statusCode(404).body("code", is("not_found"));
    }

    @Test
    void createValidatesName() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(Map.of("name", ""))
                .when().post("/api/v1/workspaces")
                .then().statusCode(400).body("code", is("validation_failed")).body("errors.field", everyItem(is("name")));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(Map.of("name", "x".repeat(201)))
                .when().post("/api/v1/workspaces").then().statusCode(400).body("errors[0].field", is("name"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/workspaces").then().statusCode(400).body("errors[0].field", is("name"));
    }
}
