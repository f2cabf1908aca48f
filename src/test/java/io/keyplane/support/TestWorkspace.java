package io.keyplane.support;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** A workspace made over HTTP with the operator token, so the same tests can run against a packaged binary. */
public record TestWorkspace(String id, String ownerAccountId, String ownerKey) {

    public static final String OPERATOR = "test-operator-token";

    public static TestWorkspace create() {
        return create("ws-" + System.nanoTime());
    }

    public static TestWorkspace create(String name) {
        JsonPath body = given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .when().post("/api/v1/workspaces")
                .then().statusCode(201).extract().jsonPath();
        return new TestWorkspace(body.getString("id"), body.getString("bootstrap.service_account.id"),
                body.getString("bootstrap.key"));
    }

    public String path(String rest) {
        return "/api/v1/workspaces/" + id + rest;
    }

    /** Creates a key with the owner ServiceKey; returns the whole create response. */
    public JsonPath createKey(Map<String, Object> body) {
        return given().auth().oauth2(ownerKey).contentType(ContentType.JSON).body(body)
                .when().post(path("/api-keys"))
                .then().statusCode(201).extract().jsonPath();
    }

    /** A gateway's ServiceKey: {@code keys:verify} only. */
    public String createVerifier() {
        return createKey(Map.of("name", "gateway", "kind", "service", "scopes", List.of("keys:verify"))).getString("key");
    }

    public JsonPath createKey(String name, String kind, List<String> scopes) {
        return createKey(Map.of("name", name, "kind", kind, "scopes", scopes));
    }
}
