package io.keyplane.gateway;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import io.keyplane.support.TestWorkspace;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * A workspace set up for forward-auth tests: the catalog scopes, a gateway ServiceKey ({@code keys:verify} only)
 * and a policy: {@code GET /databases/** → database:read}, {@code POST /databases/** → database:write},
 * {@code GET /public → (none)}.
 */
record ForwardAuth(TestWorkspace ws, String gatewayKey, String policyId) {

    static final List<Map<String, Object>> RULES = List.of(
            Map.of("method", "GET", "path", "/databases/**", "scopes", List.of("database:read")),
            Map.of("method", "POST", "path", "/databases/**", "scopes", List.of("database:write")),
            Map.of("method", "GET", "path", "/public", "scopes", List.of()));

    static ForwardAuth create() {
        var ws = TestWorkspace.create();
        for (var scope : List.of("database:read", "database:write")) {
            given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", scope))
                    .post(ws.path("/scopes")).then().statusCode(201);
        }
        var policyId = createPolicy(ws, Map.of("name", "databases api", "rules", RULES));
        return new ForwardAuth(ws, ws.createVerifier(), policyId);
    }

    static String createPolicy(TestWorkspace ws, Map<String, Object> body) {
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(body)
                .post(ws.path("/forward-auth-policies")).then().statusCode(201).extract().path("id");
    }

    /** A gateway's call as NGINX makes it: the original method and URI in headers, from this client address. */
    RequestSpecification nginx(String method, String uri, String clientAddress) {
        return given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, gatewayKey)
                .header("X-Original-Method", method).header("X-Original-URI", uri)
                .header("X-Forwarded-For", clientAddress);
    }

    String url() {
        return ForwardAuthRoutes.PATH_PREFIX + policyId;
    }

    /** An api key of the workspace: its id and value. */
    record EndUserKey(String id, String value) {
    }

    /** An api key with these scopes (and whatever else {@code more} adds, as name-value pairs). */
    EndUserKey key(List<String> scopes, Object... more) {
        var body = new java.util.HashMap<String, Object>(Map.of("name", "end user", "scopes", scopes));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        var created = ws.createKey(body);
        return new EndUserKey(created.getString("id"), created.getString("key"));
    }
}
