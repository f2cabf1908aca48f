package io.keyplane.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.keyplane.key.KeyFormat;
import io.keyplane.key.KeyKind;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AuthenticationTest {

    static final String CHALLENGE = "Bearer realm=\"keyplane\", error=\"invalid_token\"";

    @Test
    void missingHeaderIs401MissingCredentials() {
        given().when().get("/api/v1/whoami")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", CHALLENGE)
                .body("code", is("missing_credentials"));
    }

    @Test
    void malformedHeaderIs401MissingCredentials() {
        given().header("Authorization", "Basic dXNlcjpwYXNz").when().get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("missing_credentials"));
        given().header("Authorization", "Bearer").when().get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("missing_credentials"));
    }

    @Test
    void badChecksumIs401InvalidToken() {
        var ws = TestWorkspace.create();
        var key = ws.ownerKey();
        var last = key.charAt(key.length() - 1);
        var tampered = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
        given().auth().oauth2(tampered).when().get("/api/v1/whoami")
                .then().statusCode(401).header("WWW-Authenticate", CHALLENGE).body("code", is("invalid_token"));
        given().auth().oauth2(key.substring(0, key.length() - 3)).when().get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("invalid_token"));
    }

    @Test
    void wellFormedUnknownKeyIs401InvalidToken() {
        var format = new KeyFormat();
        given().auth().oauth2(format.generate(io.keyplane.key.KeyKind.SERVICE)).when().get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("invalid_token"));
    }

    @Test
    void wrongOperatorTokenIs401() {
        given().auth().oauth2("test-operator-tokeX").when().get("/api/v1/workspaces")
                .then().statusCode(401).body("code", is("invalid_token"));
    }

    @Test
    void anEncodedPathNeverReachesAnEndpointWithoutACaller() {
        // %61 is "a": routing decodes it to /api/v1/workspaces, and the endpoint's own requirement applies
        given().urlEncodingEnabled(false).when().get("/%61pi/v1/workspaces")
                .then().statusCode(401).contentType("application/problem+json").body("code", is("missing_credentials"));
        given().urlEncodingEnabled(false).when().get("/api/v1/%77orkspaces")
                .then().statusCode(401).body("code", is("missing_credentials"));
        given().urlEncodingEnabled(false).auth().oauth2(TestWorkspace.OPERATOR).when().get("/%61pi/v1/workspaces")
                .then().statusCode(200);
    }

    @Test
    void anUnknownPathIs404WithoutLookingAtTheCredential() {
        given().auth().oauth2("kp_svc_not-a-key").when().get("/api/v1/no-such-thing")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not_found"));
    }

    @Test
    void aRevokedKeyIsRefusedWithItsCodeOnEveryKindOfEndpoint() {
        var ws = TestWorkspace.create();
        var key = ws.createKey("doomed", "service", java.util.List.of("keys:read")).getString("key");
        var id = given().auth().oauth2(key).when().get("/api/v1/whoami").then().statusCode(200)
                .extract().path("key_id");
        given().auth().oauth2(ws.ownerKey()).when().delete(ws.path("/api-keys/" + id)).then().statusCode(200);
        for (var path : java.util.List.of("/api/v1/whoami", "/api/v1/workspaces", ws.path("/api-keys"))) {
            given().auth().oauth2(key).when().get(path)
                    .then().statusCode(401).header("WWW-Authenticate", CHALLENGE).body("code", is("key_revoked"));
        }
    }

    @Test
    void problemBodyNeverEchoesTheToken() {
        var ws = TestWorkspace.create();
        var body = given().auth().oauth2(ws.ownerKey() + "x").when().get("/api/v1/whoami")
                .then().statusCode(401).extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(body.contains(ws.ownerKey().substring(12)));
    }
}
