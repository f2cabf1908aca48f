package io.keyplane.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

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
        given().auth().oauth2(format.generate(io.keyplane.apikey.KeyKind.SERVICE)).when().get("/api/v1/whoami")
                .then().statusCode(401).body("code", is("invalid_token"));
    }

    @Test
    void wrongOperatorTokenIs401() {
        given().auth().oauth2("test-operator-tokeX").when().get("/api/v1/workspaces")
                .then().statusCode(401).body("code", is("invalid_token"));
    }

    @Test
    void problemBodyNeverEchoesTheToken() {
        var ws = TestWorkspace.create();
        var body = given().auth().oauth2(ws.ownerKey() + "x").when().get("/api/v1/whoami")
                .then().statusCode(401).extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(body.contains(ws.ownerKey().substring(12)));
    }
}
