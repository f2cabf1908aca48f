package io.keyplane.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * Forward-auth behind a real NGINX running the shipped snippet: what a client of the protected API sees, and what
 * the API behind NGINX receives.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxForwardAuthTest {

    ForwardAuth fa;
    Nginx nginx;

    /** Once for the class, but in a test's setup: Quarkus points RestAssured at the application only then. */
    @BeforeEach
    void startNginx() throws IOException {
        if (nginx == null) {
            fa = ForwardAuth.create();
            nginx = Nginx.start("127.0.0.1:" + RestAssured.port, fa.policyId(), fa.gatewayKey());
        }
    }

    @AfterAll
    void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    RequestSpecification client() {
        return given().baseUri("http://127.0.0.1").port(nginx.port);
    }

    @Test
    void aValidKeyPassesAndTheApiSeesWhoCalled() {
        var key = fa.key(List.of("database:read"), "meta", Map.of("tier", "pro"));
        var seen = client().auth().oauth2(key.value())
                .header("X-Keyplane-Key-Id", "forged").header("X-Keyplane-Scopes", "workspace:admin")
                .get("/databases/orders?limit=5").then().statusCode(200).extract().jsonPath();
        assertThat(seen.getString("x-keyplane-key-id"), is(key.id()));
        assertThat(seen.getString("x-keyplane-workspace-id"), is(fa.ws().id()));
        assertThat(seen.getString("x-keyplane-service-account-id"), is(fa.ws().ownerAccountId()));
        assertThat(seen.getString("x-keyplane-scopes"), is("database:read"));
        assertThat(seen.getString("x-keyplane-meta"), not(nullValue()));
        assertThat(seen.getString("x-keyplane-gateway-key"), nullValue());
        assertThat(seen.getString("x-echo-uri"), is("/databases/orders?limit=5"));
    }

    @Test
    void missingRevokedAndPausedKeysAre401() {
        client().get("/public").then().statusCode(401).header("WWW-Authenticate", "Bearer realm=\"keyplane\"");
        var revoked = fa.key(List.of());
        given().auth().oauth2(fa.ws().ownerKey()).delete(fa.ws().path("/api-keys/" + revoked.id())).then().statusCode(200);
        client().auth().oauth2(revoked.value()).get("/public").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"keyplane\", error=\"invalid_token\"");
        var paused = fa.key(List.of());
        given().auth().oauth2(fa.ws().ownerKey()).post(fa.ws().path("/api-keys/" + paused.id() + "/pause")).then().statusCode(200);
        client().auth().oauth2(paused.value()).get("/public").then().statusCode(401);
    }

    @Test
    void theClientAddressNginxForwardsIsCheckedAgainstTheKeysCidrs() {
        var elsewhere = fa.key(List.of(), "allowed_cidrs", List.of("10.0.0.0/8"));
        client().auth().oauth2(elsewhere.value()).get("/public").then().statusCode(403);
        // NGINX forwards the address it saw, not what the client claims, in one header line or several
        client().auth().oauth2(elsewhere.value()).header("X-Forwarded-For", "10.1.2.3").get("/public").then().statusCode(403);
        client().auth().oauth2(elsewhere.value()).header("X-Forwarded-For", "10.1.2.3").header("X-Forwarded-For", "10.1.2.4")
                .get("/public").then().statusCode(403);
        var local = fa.key(List.of(), "allowed_cidrs", List.of("127.0.0.1/32"));
        client().auth().oauth2(local.value()).get("/public").then().statusCode(200);
    }

    @Test
    void aPathOutsideTheKeysScopesOrTheRulesIs403() {
        var reader = fa.key(List.of("database:read"));
        // auth_request passes a 403 on as its own (Keyplane's challenge and body stay with NGINX)
        client().auth().oauth2(reader.value()).post("/databases/orders").then().statusCode(403);
        client().auth().oauth2(reader.value()).delete("/databases/orders").then().statusCode(403);
        client().auth().oauth2(reader.value()).get("/admin").then().statusCode(403);
    }

    /**
     * The upstream routes the raw path: {@code /databases/orders/..%2F..%2Fpublic} is a databases route to it, while a
     * decoding judge would have seen {@code /public} (no scope needed). Such a path is 400 at the client, and the
     * upstream never receives it (API.md 10.1).
     */
    @Test
    void aPathTheUpstreamCouldRouteDifferentlyIs400AndNeverReachesIt() {
        var nobody = fa.key(List.of());
        for (var confused : List.of("/databases/orders/..%2F..%2Fpublic", "/databases/orders/%2e%2e/%2e%2e/public",
                "/databases/orders/.%2E/.%2E/public", "/public%23/../databases/orders")) {
            client().urlEncodingEnabled(false).auth().oauth2(nobody.value()).get(confused).then().statusCode(400)
                    .contentType("application/problem+json").body("code", is("invalid_path"));
        }
        client().urlEncodingEnabled(false).auth().oauth2(nobody.value()).get("/public").then().statusCode(200);
        assertThat(nginx.upstreamUris().stream().filter(uri -> uri.startsWith("/databases/orders/") || uri.contains("%23"))
                .toList(), is(List.of()));
        assertThat(nginx.upstreamUris().contains("/public"), is(true));
    }

    @Test
    void aRateLimitedKeyIs429WithRetryAfterAtTheClient() throws IOException {
        var limited = fa.key(List.of(), "rate_limit", Map.of("limit", 1, "window_seconds", 3600));
        client().auth().oauth2(limited.value()).get("/public").then().statusCode(200);
        var refused = client().auth().oauth2(limited.value()).get("/public").then().statusCode(429)
                .contentType("application/problem+json").extract();
        assertThat(nginx.errorLog(), Integer.parseInt(refused.header("Retry-After")) > 0, is(true));
        assertThat(refused.jsonPath().getString("code"), is("rate_limited"));
    }

    @Test
    void revokingAKeyThroughTheApiRefusesItOnTheVeryNextRequest() {
        var key = fa.key(List.of("database:read"));
        client().auth().oauth2(key.value()).get("/databases/orders").then().statusCode(200);
        given().auth().oauth2(fa.ws().ownerKey()).delete(fa.ws().path("/api-keys/" + key.id())).then().statusCode(200);
        client().auth().oauth2(key.value()).get("/databases/orders").then().statusCode(401);
    }
}
