package io.keyplane.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** The forward-auth endpoint as each gateway calls it (API.md section 9), against the real database. */
@QuarkusTest
class ForwardAuthTest {

    static final String PROBLEM = "application/problem+json";
    ForwardAuth fa;

    @BeforeEach
    void setUp() {
        fa = ForwardAuth.create();
    }

    @Test
    void aValidKeyPassesWithItsIdentityInHeaders() {
        var key = fa.key(List.of("database:read"), "meta", Map.of("plan", "gold"));
        var response = fa.nginx("GET", "/databases/orders?limit=5", "203.0.113.7").auth().oauth2(key.value())
                .get(fa.url()).then().statusCode(200)
                .header("X-Keyplane-Key-Id", key.id())
                .header("X-Keyplane-Workspace-Id", fa.ws().id())
                .header("X-Keyplane-Service-Account-Id", fa.ws().ownerAccountId())
                .header("X-Keyplane-Scopes", "database:read")
                .header("Cache-Control", "no-store")
                .extract();
        var meta = new String(Base64.getUrlDecoder().decode(response.header("X-Keyplane-Meta")), StandardCharsets.UTF_8);
        assertThat(new JsonPath(meta).getString("plan"), is("gold"));
        assertThat(response.body().asString(), emptyOrNullString());

        // the use is the key's, with the original request, not the forward-auth call
        await().atMost(Duration.ofSeconds(10)).until(() -> !usage(key.id()).getList("$").isEmpty());
        var use = usage(key.id());
        assertThat(use.getString("[0].code"), is("VALID"));
        assertThat(use.getString("[0].method"), is("GET"));
        assertThat(use.getString("[0].path"), is("/databases/orders"));
        assertThat(use.getString("[0].source_ip"), is("203.0.113.7"));
    }

    @Test
    void aKeyWithoutMetaSendsJsonNull() {
        var key = fa.key(List.of());
        var meta = fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(key.value()).get(fa.url())
                .then().statusCode(200).header("X-Keyplane-Scopes", "").extract().header("X-Keyplane-Meta");
        assertThat(new String(Base64.getUrlDecoder().decode(meta), StandardCharsets.UTF_8), is("{}"));
    }

    @Test
    void missingAndUnusableKeysAre401() {
        fa.nginx("GET", "/public", "10.0.0.1").get(fa.url()).then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", "Bearer realm=\"keyplane\"").body("code", is("missing_credentials"))
                .body("instance", is("/public")).body("request_id", notNullValue());
        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2("kp_live_unknown").get(fa.url()).then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"keyplane\", error=\"invalid_token\"")
                .body("code", is("invalid_token"));

        var revoked = fa.key(List.of());
        given().auth().oauth2(fa.ws().ownerKey()).delete(fa.ws().path("/api-keys/" + revoked.id())).then().statusCode(200);
        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(revoked.value()).get(fa.url()).then().statusCode(401)
                .body("code", is("key_revoked"));

        var paused = fa.key(List.of());
        given().auth().oauth2(fa.ws().ownerKey()).post(fa.ws().path("/api-keys/" + paused.id() + "/pause")).then().statusCode(200);
        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(paused.value()).get(fa.url()).then().statusCode(401)
                .body("code", is("key_paused"));

        var expired = fa.key(List.of(), "expires_in_days", 1);
        TestDatabase.update("update api_key set expires_at = now() - interval '1 second' where id = ?", expired.id());
        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(expired.value()).get(fa.url()).then().statusCode(401)
                .body("code", is("key_expired"));

        // a ServiceKey manages; it does not call APIs
        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(fa.ws().ownerKey()).get(fa.url()).then().statusCode(401)
                .body("code", is("kind_not_allowed"));

        var account = given().auth().oauth2(fa.ws().ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", "disabled", "scopes", List.of())).post(fa.ws().path("/service-accounts"))
                .then().statusCode(201).extract().<String>path("id");
        var ofDisabled = fa.key(List.of(), "service_account_id", account);
        given().auth().oauth2(fa.ws().ownerKey()).contentType(ContentType.JSON).body(Map.of("status", "disabled"))
                .patch(fa.ws().path("/service-accounts/" + account)).then().statusCode(200);
        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(ofDisabled.value()).get(fa.url()).then().statusCode(401)
                .body("code", is("service_account_disabled"));

        // refusals of end users' keys are usage (with the original request), not access.denied events
        await().atMost(Duration.ofSeconds(10)).until(() -> !usage(revoked.id()).getList("$").isEmpty());
        assertThat(usage(revoked.id()).getString("[0].code"), is("REVOKED"));
        assertThat(usage(revoked.id()).getString("[0].outcome"), is("denied"));
        assertThat(usage(revoked.id()).getString("[0].path"), is("/public"));
        var denied = TestDatabase.query("select count(*) as n from audit_event where workspace_id = ?::uuid "
                + "and action = 'access.denied'", fa.ws().id());
        assertThat(((Number) denied.get(0).get("n")).intValue(), is(0));
    }

    @Test
    void scopesAndRulesAre403() {
        var reader = fa.key(List.of("database:read"));
        fa.nginx("POST", "/databases/orders", "10.0.0.1").auth().oauth2(reader.value()).get(fa.url())
                .then().statusCode(403).contentType(PROBLEM).body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("database:write")))
                .header("WWW-Authenticate", "Bearer realm=\"keyplane\", error=\"insufficient_scope\", scope=\"database:write\"");
        fa.nginx("DELETE", "/databases/orders", "10.0.0.1").auth().oauth2(reader.value()).get(fa.url())
                .then().statusCode(403).body("code", is("no_matching_rule"));
        fa.nginx("GET", "/admin", "10.0.0.1").auth().oauth2(reader.value()).get(fa.url())
                .then().statusCode(403).body("code", is("no_matching_rule"));
    }

    @Test
    void theKeysCidrsHoldAtTheForwardedClientAddress() {
        var office = fa.key(List.of(), "allowed_cidrs", List.of("198.51.100.0/24"));
        fa.nginx("GET", "/public", "198.51.100.20").auth().oauth2(office.value()).get(fa.url()).then().statusCode(200);
        fa.nginx("GET", "/public", "203.0.113.9").auth().oauth2(office.value()).get(fa.url()).then().statusCode(403)
                .body("code", is("ip_not_allowed"));
        // only the address the gateway added (the last) counts: what the client wrote before it does not
        fa.nginx("GET", "/public", "198.51.100.20, 203.0.113.9").auth().oauth2(office.value()).get(fa.url())
                .then().statusCode(403);
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).header("X-Original-URI", "/public")
                .auth().oauth2(office.value()).get(fa.url()).then().statusCode(403).body("code", is("ip_not_allowed"));
    }

    @Test
    void rateLimitsAndCreditsAre429WithRetryAfter() {
        var limited = fa.key(List.of(), "rate_limit", Map.of("limit", 2, "window_seconds", 3600));
        for (int remaining = 1; remaining >= 0; remaining--) {
            fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(limited.value()).get(fa.url()).then().statusCode(200)
                    .header("RateLimit-Limit", "2").header("RateLimit-Remaining", String.valueOf(remaining));
        }
        var refused = fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(limited.value()).get(fa.url()).then()
                .statusCode(429).contentType(PROBLEM).body("code", is("rate_limited"))
                .header("RateLimit-Remaining", "0").extract();
        assertThat(Integer.parseInt(refused.header("Retry-After")) > 0, is(true));

        var metered = fa.key(List.of(), "credits", Map.of("remaining", 1));
        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(metered.value()).get(fa.url()).then().statusCode(200);
        var spent = fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(metered.value()).get(fa.url()).then()
                .statusCode(429).body("code", is("usage_exceeded")).extract();
        assertThat(Integer.parseInt(spent.header("Retry-After")) > 0, is(true));
    }

    @Test
    void traefikAndEnvoyAreReadToo() {
        var writer = fa.key(List.of("database:write"));
        // Traefik: X-Forwarded-Method and X-Forwarded-Uri
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).header("X-Forwarded-Method", "POST")
                .header("X-Forwarded-Uri", "/databases/orders").header("X-Forwarded-For", "10.0.0.1")
                .auth().oauth2(writer.value()).get(fa.url()).then().statusCode(200);
        // Envoy: the original method, and the original path after the policy id
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).header("X-Forwarded-For", "10.0.0.1")
                .auth().oauth2(writer.value()).contentType(ContentType.JSON).body("{\"ignored\": true}")
                .post(fa.url() + "/databases/orders?x=1").then().statusCode(200);
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).auth().oauth2(writer.value())
                .get(fa.url() + "/databases/orders").then().statusCode(403).body("code", is("insufficient_scope"));
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).auth().oauth2(writer.value())
                .head(fa.url() + "/databases/orders").then().statusCode(403);
        // a client's header beside the gateway's: which request was meant cannot be known
        fa.nginx("GET", "/databases/orders", "10.0.0.1").header("X-Forwarded-Uri", "/public")
                .auth().oauth2(writer.value()).get(fa.url()).then().statusCode(400).body("code", is("ambiguous_original_request"));
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).header("X-Forwarded-Method", "POST")
                .header("X-Original-Method", "GET").header("X-Forwarded-Uri", "/databases/orders")
                .auth().oauth2(writer.value()).get(fa.url()).then().statusCode(400).body("code", is("ambiguous_original_request"));
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).header("X-Original-URI", "/public")
                .auth().oauth2(writer.value()).post(fa.url() + "/databases/orders").then().statusCode(400);
        // Envoy sends the original method itself: a header that says otherwise came from the client
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).header("X-Original-Method", "GET")
                .auth().oauth2(writer.value()).delete(fa.url() + "/databases/orders").then().statusCode(400)
                .body("code", is("ambiguous_original_request"));
        // no original request at all: the gateway is set up wrong
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).auth().oauth2(writer.value())
                .get(fa.url()).then().statusCode(400).body("code", is("original_request_unknown"));
    }

    @Test
    void theOriginalPathIsNormalisedBeforeMatching() {
        var reader = fa.key(List.of("database:read"));
        var nobody = fa.key(List.of());
        fa.nginx("GET", "/public/../databases/x", "10.0.0.1").auth().oauth2(nobody.value()).get(fa.url())
                .then().statusCode(403).body("code", is("insufficient_scope"));
        fa.nginx("GET", "/databases/x/../../public", "10.0.0.1").auth().oauth2(nobody.value()).get(fa.url())
                .then().statusCode(200);
        fa.nginx("GET", "//public/?a=/databases", "10.0.0.1").auth().oauth2(nobody.value()).get(fa.url())
                .then().statusCode(200);
        fa.nginx("GET", "/databases/../../etc/passwd", "10.0.0.1").auth().oauth2(reader.value()).get(fa.url())
                .then().statusCode(400).body("code", is("invalid_path"));
    }

    /**
     * API.md 10.1: a rule is judged on the path the upstream will route. Encoded separators and dot segments, and
     * fragments, could be routed as another path than the one matched: 400, whichever key comes.
     */
    @Test
    void pathsAnUpstreamCouldRouteDifferentlyAre400() {
        var policy = ForwardAuth.createPolicy(fa.ws(), Map.of("name", "public and admin", "rules", List.of(
                Map.of("method", "GET", "path", "/public/**", "scopes", List.of()),
                Map.of("method", "GET", "path", "/admin/**", "scopes", List.of("database:write")))));
        var url = ForwardAuthRoutes.PATH_PREFIX + policy;
        var nobody = fa.key(List.of());
        for (var confused : List.of("/admin/users/..%2F..%2Fpublic/x", "/admin/users/%2e%2e/%2e%2e/public/x",
                "/admin/users/%2E%2E/%2e./public/x", "/admin/%2e%2e%2fpublic/x", "/admin%2F..%2Fpublic/x",
                "/public/x#/../../admin/users", "/public/x%23/../../admin/users", "/admin/users/.%2e/.%2e/public/x")) {
            fa.nginx("GET", confused, "10.0.0.1").auth().oauth2(nobody.value()).get(url).then()
                    .statusCode(400).contentType("application/problem+json").body("code", is("invalid_path"));
        }
        // Envoy's path after the policy id is read the same way (Vert.x keeps it encoded)
        given().urlEncodingEnabled(false).header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey())
                .header("X-Forwarded-For", "10.0.0.1").auth().oauth2(nobody.value())
                .get(url + "/admin/users/..%2F..%2Fpublic/x").then().statusCode(400).body("code", is("invalid_path"));
        // plain paths, and encodings that hide nothing, are judged as before
        fa.nginx("GET", "/public/x", "10.0.0.1").auth().oauth2(nobody.value()).get(url).then().statusCode(200);
        fa.nginx("GET", "/public/caf%C3%A9?next=%2Fadmin%23x", "10.0.0.1").auth().oauth2(nobody.value()).get(url)
                .then().statusCode(200);
        fa.nginx("GET", "/admin/users", "10.0.0.1").auth().oauth2(nobody.value()).get(url).then().statusCode(403)
                .body("code", is("insufficient_scope"));
        // matching is case-sensitive: /ADMIN is no rule's path, so it is denied (docs/gateways.md, "Paths and metrics")
        fa.nginx("GET", "/ADMIN/users", "10.0.0.1").auth().oauth2(nobody.value()).get(url).then().statusCode(403)
                .body("code", is("no_matching_rule"));
    }

    /** Every X-Forwarded-For line counts: a proxy that adds a line of its own (HAProxy) adds it last. */
    @Test
    void theClientIsTheLastAddressOfEveryForwardedForLine() {
        var office = fa.key(List.of(), "allowed_cidrs", List.of("203.0.113.50/32"));
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).header("X-Original-Method", "GET")
                .header("X-Original-URI", "/public").header("X-Forwarded-For", "203.0.113.50")
                .header("X-Forwarded-For", "198.51.100.7").auth().oauth2(office.value()).get(fa.url())
                .then().statusCode(403).body("code", is("ip_not_allowed"));
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, fa.gatewayKey()).header("X-Original-Method", "GET")
                .header("X-Original-URI", "/public").header("X-Forwarded-For", "198.51.100.7, 10.0.0.9")
                .header("X-Forwarded-For", "203.0.113.50").auth().oauth2(office.value()).get(fa.url())
                .then().statusCode(200);
    }

    @Test
    void aKeyCanComeFromAHeaderOrTheQuery() {
        var inHeader = ForwardAuth.createPolicy(fa.ws(), Map.of("name", "header", "key_source", "header:X-Api-Key",
                "rules", List.of(Map.of("method", "*", "path", "/**", "scopes", List.of()))));
        var inQuery = ForwardAuth.createPolicy(fa.ws(), Map.of("name", "query", "key_source", "query:api_key",
                "rules", List.of(Map.of("method", "*", "path", "/**", "scopes", List.of()))));
        var key = fa.key(List.of());
        fa.nginx("GET", "/x", "10.0.0.1").header("X-Api-Key", key.value())
                .get(ForwardAuthRoutes.PATH_PREFIX + inHeader).then().statusCode(200).header("X-Keyplane-Key-Id", key.id());
        fa.nginx("GET", "/x", "10.0.0.1").auth().oauth2(key.value())
                .get(ForwardAuthRoutes.PATH_PREFIX + inHeader).then().statusCode(401).body("code", is("missing_credentials"));
        fa.nginx("GET", "/x?api_key=" + key.value() + "&b=2", "10.0.0.1")
                .get(ForwardAuthRoutes.PATH_PREFIX + inQuery).then().statusCode(200).header("X-Keyplane-Key-Id", key.id());
    }

    @Test
    void aBadGatewayKeyIs401AndAnotherWorkspacesPolicyIs404() {
        var key = fa.key(List.of());
        given().header("X-Original-URI", "/public").auth().oauth2(key.value()).get(fa.url()).then().statusCode(401)
                .contentType(PROBLEM).body("code", is("invalid_gateway_key"));
        for (var gatewayKey : List.of("kp_svc_not_a_key", key.value(),
                fa.ws().createKey("reader", "service", List.of("keys:read")).getString("key"))) {
            given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, gatewayKey).header("X-Original-URI", "/public")
                    .auth().oauth2(key.value()).get(fa.url()).then().statusCode(401).body("code", is("invalid_gateway_key"));
        }
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, TestWorkspace.OPERATOR).header("X-Original-URI", "/public")
                .auth().oauth2(key.value()).get(fa.url()).then().statusCode(401).body("code", is("invalid_gateway_key"))
                .header("WWW-Authenticate", "Bearer realm=\"keyplane\""); // not the end user's key's fault

        // tenant isolation: another workspace's gateway does not see this policy, nor pass this workspace's keys
        var other = ForwardAuth.create();
        other.nginx("GET", "/public", "10.0.0.1").auth().oauth2(key.value()).get(fa.url()).then().statusCode(404)
                .body("code", is("not_found"));
        other.nginx("GET", "/public", "10.0.0.1").auth().oauth2(key.value()).get(other.url()).then().statusCode(401)
                .body("code", is("invalid_token"));

        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(key.value())
                .get(ForwardAuthRoutes.PATH_PREFIX + java.util.UUID.randomUUID()).then().statusCode(404);
        fa.nginx("GET", "/public", "10.0.0.1").auth().oauth2(key.value())
                .get(ForwardAuthRoutes.PATH_PREFIX + "not-a-uuid").then().statusCode(404);
    }

    @Test
    void theGatewayKeysCidrsHoldAtTheTcpPeerWhateverTheHeadersSay() {
        var key = fa.key(List.of());
        var elsewhere = fa.ws().createKey(Map.of("name", "gw", "kind", "service", "scopes", List.of("keys:verify"),
                "allowed_cidrs", List.of("10.0.0.0/8"))).getString("key");
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, elsewhere).header("X-Original-URI", "/public")
                .header("X-Forwarded-For", "10.1.1.1").auth().oauth2(key.value()).get(fa.url()).then().statusCode(401)
                .body("code", is("invalid_gateway_key"));
        var here = fa.ws().createKey(Map.of("name", "gw", "kind", "service", "scopes", List.of("keys:verify"),
                "allowed_cidrs", List.of("127.0.0.1/32", "::1/128"))).getString("key");
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, here).header("X-Original-URI", "/public")
                .header("X-Forwarded-For", "203.0.113.1").auth().oauth2(key.value()).get(fa.url()).then().statusCode(200);
    }

    @Test
    void aThrottledGatewayKeyIs503NotTheEndUsersRateLimit() {
        var key = fa.key(List.of());
        var gateway = fa.ws().createKey(Map.of("name", "gw", "kind", "service", "scopes", List.of("keys:verify"),
                "rate_limit", Map.of("limit", 1, "window_seconds", 3600))).getString("key");
        given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, gateway).header("X-Original-URI", "/public")
                .auth().oauth2(key.value()).get(fa.url()).then().statusCode(200);
        var refused = given().header(ForwardAuthRoutes.GATEWAY_KEY_HEADER, gateway).header("X-Original-URI", "/public")
                .auth().oauth2(key.value()).get(fa.url()).then().statusCode(503).body("code", is("gateway_key_throttled"))
                .extract();
        assertThat(Integer.parseInt(refused.header("Retry-After")) > 0, is(true));
    }

    @Test
    void revokingAKeyOrChangingThePolicyTakesEffectOnTheNextRequest() {
        var key = fa.key(List.of("database:read"));
        fa.nginx("GET", "/databases/a", "10.0.0.1").auth().oauth2(key.value()).get(fa.url()).then().statusCode(200);
        given().auth().oauth2(fa.ws().ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("rules", List.of(Map.of("method", "GET", "path", "/databases/**", "scopes",
                        List.of("database:write")))))
                .patch(fa.ws().path("/forward-auth-policies/" + fa.policyId())).then().statusCode(200);
        fa.nginx("GET", "/databases/a", "10.0.0.1").auth().oauth2(key.value()).get(fa.url()).then().statusCode(403);

        var other = fa.key(List.of("database:write"));
        fa.nginx("GET", "/databases/a", "10.0.0.1").auth().oauth2(other.value()).get(fa.url()).then().statusCode(200);
        given().auth().oauth2(fa.ws().ownerKey()).delete(fa.ws().path("/api-keys/" + other.id())).then().statusCode(200);
        fa.nginx("GET", "/databases/a", "10.0.0.1").auth().oauth2(other.value()).get(fa.url()).then().statusCode(401)
                .body("code", is("key_revoked"));

        given().auth().oauth2(fa.ws().ownerKey()).delete(fa.ws().path("/forward-auth-policies/" + fa.policyId()))
                .then().statusCode(204);
        fa.nginx("GET", "/databases/a", "10.0.0.1").auth().oauth2(key.value()).get(fa.url()).then().statusCode(404);
    }

    @Test
    void theOpenApiDocumentDescribesEveryMethodOfBothPaths() {
        var doc = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        for (var path : List.of("'/api/v1/forward-auth/{policyId}'", "'/api/v1/forward-auth/{policyId}/{originalPath}'")) {
            for (var method : List.of("get", "post", "put", "patch", "delete")) {
                var op = "paths." + path + "." + method;
                assertThat(doc.getString(op + ".security[0].gatewayKey"), is("[]"));
                assertThat(doc.getString(op + ".responses.'200'.headers.X-Keyplane-Key-Id.schema.format"), is("uuid"));
                for (var status : List.of("401", "403", "404", "429")) {
                    assertThat(doc.getString(op + ".responses.'" + status + "'.content.'application/problem+json'"),
                            notNullValue());
                }
            }
        }
        assertThat(doc.getString("components.securitySchemes.gatewayKey.name"), is("X-Keyplane-Gateway-Key"));
    }

    private JsonPath usage(String keyId) {
        return given().auth().oauth2(fa.ws().ownerKey()).get(fa.ws().path("/api-keys/" + keyId + "/usage"))
                .then().statusCode(200).extract().jsonPath();
    }
}
