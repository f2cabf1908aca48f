package io.keyplane.common;

import static io.keyplane.support.TestWorkspace.OPERATOR;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ProblemResponsesTest {

    @Test
    void unknownFieldIs400ValidationFailedNamingTheField() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"name\":\"a\",\"colour\":\"red\"}")
                .when().post("/api/v1/workspaces")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", is("urn:keyplane:problem:validation_failed"))
                .body("title", notNullValue())
                .body("status", is(400))
                .body("code", is("validation_failed"))
                .body("instance", is("/api/v1/workspaces"))
                .body("request_id", notNullValue())
                .body("errors[0].field", is("colour"))
                .body("errors[0].message", is("unknown field"));
    }

    @Test
    void malformedJsonIs400() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"name\":")
                .when().post("/api/v1/workspaces")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed")).body("errors[0].field", is("body"));
    }

    @Test
    void wrongTypeIs400NamingTheField() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"name\":[1,2]}")
                .when().post("/api/v1/workspaces")
                .then().statusCode(400).body("code", is("validation_failed")).body("errors[0].field", is("name"));
    }

    @Test
    void emptyBodyIs400() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .when().post("/api/v1/workspaces")
                .then().statusCode(400).contentType("application/problem+json").body("code", is("validation_failed"));
    }

    @Test
    void bodyOver64KiBIs413Problem() {
        var big = "{\"name\":\"" + "x".repeat(70 * 1024) + "\"}";
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(big)
                .when().post("/api/v1/workspaces")
                .then().statusCode(413).contentType("application/problem+json")
                .body("code", is("payload_too_large")).body("request_id", notNullValue());
    }

    @Test
    void wrongContentTypeIs415Problem() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.TEXT).body("name=x")
                .when().post("/api/v1/workspaces")
                .then().statusCode(415).contentType("application/problem+json").body("code", is("unsupported_media_type"));
    }

    @Test
    void bodilessPostWithoutContentTypeIsAccepted() {
        var ws = TestWorkspace.create();
        var id = ws.createKey(java.util.Map.of("name", "k")).getString("id");
        given().auth().oauth2(ws.ownerKey()).when().post(ws.path("/api-keys/" + id + "/pause"))
                .then().statusCode(200).body("status", is("paused"));
        given().auth().oauth2(ws.ownerKey()).when().post(ws.path("/api-keys/" + id + "/rotate"))
                .then().statusCode(201).body("rotated_from", is(id));
    }

    @Test
    void malformedUuidInPathIs400() {
        given().auth().oauth2(OPERATOR).when().get("/api/v1/workspaces/not-a-uuid")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed"));
    }

    @Test
    void unknownPathIs404Problem() {
        given().auth().oauth2(OPERATOR).when().get("/api/v1/nothing-here")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not_found"));
    }

    @Test
    void wrongMethodIs405Problem() {
        given().auth().oauth2(OPERATOR).when().put("/api/v1/workspaces")
                .then().statusCode(405).contentType("application/problem+json").body("code", is("method_not_allowed"));
    }

    @Test
    void wellFormedRequestIdIsEchoedElseGenerated() {
        given().header("X-Request-Id", "trace-abc.123").when().get("/q/openapi")
                .then().statusCode(200).header("X-Request-Id", "trace-abc.123");
        given().header("X-Request-Id", "bad id with spaces").when().get("/q/openapi")
                .then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
        given().auth().oauth2(OPERATOR).header("X-Request-Id", "req-42").when().get("/api/v1/workspaces/" + java.util.UUID.randomUUID())
                .then().statusCode(404).header("X-Request-Id", "req-42").body("request_id", is("req-42"));
    }

    @Test
    void workspaceHeaderMustMatchPath() {
        var ws = TestWorkspace.create();
        given().auth().oauth2(ws.ownerKey()).header("X-Workspace-ID", java.util.UUID.randomUUID().toString())
                .when().get(ws.path(""))
                .then().statusCode(400).body("code", is("workspace_header_mismatch"));
        given().auth().oauth2(ws.ownerKey()).header("X-Workspace-ID", ws.id())
                .when().get(ws.path("")).then().statusCode(200);
    }

    @Test
    void healthOpenApiAndSwaggerAreServed() {
        var management = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
        given().port(management).when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().port(management).when().get("/q/health/live").then().statusCode(200);
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("components.securitySchemes.bearer.scheme", is("bearer"))
                .body("paths.'/api/v1/workspaces'.post.summary", notNullValue())
                .body("paths.'/api/v1/workspaces'.post.responses.'401'.content.'application/problem+json'", notNullValue())
                .body("components.schemas.Problem.properties.request_id", notNullValue())
                .body("components.schemas.Workspace.properties.created_at", notNullValue())
                .body("components.schemas.Workspace.properties.createdAt", org.hamcrest.Matchers.nullValue());
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void internalsNeverLeakInBodies() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"name\":\"\\u0000\"}")
                .when().post("/api/v1/workspaces")
                .then().statusCode(not(500));
    }

    @Test
    void aChunkedBodyOver64KiBIs413TooAndCreatesNothing() {
        var name = "chunked-" + System.nanoTime();
        var big = ("{\"name\":\"" + name + "\",\"x\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes();
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body(new java.io.ByteArrayInputStream(big)) // a stream: sent chunked, with no Content-Length
                .when().post("/api/v1/workspaces")
                .then().statusCode(413).contentType("application/problem+json").body("code", is("payload_too_large"));
        org.junit.jupiter.api.Assertions.assertEquals(0,
                io.keyplane.support.TestDatabase.query("select 1 from workspace where name = ?", name).size());
    }

    @Test
    void aValueOfTheWrongTypeIs400NotCoerced() {
        for (var body : new String[] { "{\"name\": 5}", "{\"name\": true}", "{\"name\": 1.5}" }) {
            given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/workspaces")
                    .then().statusCode(400).contentType("application/problem+json").body("code", is("validation_failed"))
                    .body("errors[0].field", is("name"));
        }
        var ws = TestWorkspace.create();
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body("{\"name\": \"k\", \"expires_in_days\": \"30\"}").when().post(ws.path("/api-keys"))
                .then().statusCode(400).body("errors[0].field", is("expires_in_days"));
    }

    @Test
    void controlCharactersInNamesAre400() {
        var ws = TestWorkspace.create();
        for (var name : new String[] { "\u0000", "a\nb", "bell\u0007", "esc\u001b[31m", "c1\u0085" }) {
            given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(java.util.Map.of("name", name))
                    .when().post("/api/v1/workspaces")
                    .then().statusCode(400).body("code", is("validation_failed")).body("errors[0].field", is("name"));
            given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(java.util.Map.of("name", name))
                    .when().post(ws.path("/api-keys"))
                    .then().statusCode(400).body("errors[0].field", is("name"));
            given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(java.util.Map.of("name", name))
                    .when().post(ws.path("/service-accounts"))
                    .then().statusCode(400).body("errors[0].field", is("name"));
        }
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(java.util.Map.of("name", "Ünïcødé ✓ 名前"))
                .when().post("/api/v1/workspaces").then().statusCode(201).body("name", is("Ünïcødé ✓ 名前"));
    }
}
