package io.keyplane.apikey;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.key.KeyFormat;
import io.keyplane.key.KeyKind;
import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * GitHub's secret scanning partner protocol (API.md 10.1) against a stand-in for GitHub's key list: signed
 * reports are checked byte for byte, answered with GitHub's feedback array, and never throttled per address.
 */
@QuarkusTest
@WithTestResource(GithubScanning.KeysServer.class)
public class GithubSecretScanningTest {

    static final String LEAKED = "/api/v1/keys/leaked";
    static final java.util.concurrent.atomic.AtomicInteger ADDRESSES = new java.util.concurrent.atomic.AtomicInteger();

    TestWorkspace ws;
    String address;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        address = "198.18.9." + ADDRESSES.incrementAndGet();
    }

    ValidatableResponse signed(String body, String identifier, String signature) {
        return given().header("X-Forwarded-For", address).header("Github-Public-Key-Identifier", identifier)
                .header("Github-Public-Key-Signature", signature).contentType(ContentType.JSON).body(body)
                .post(LEAKED).then();
    }

    static String githubReport(String... tokens) {
        var entries = new StringBuilder();
        for (var token : tokens) {
            entries.append(entries.isEmpty() ? "" : ",").append("{\"token\":\"").append(token)
                    .append("\",\"type\":\"keyplane_api_key\",\"url\":\"https://github.com/octo/app/blob/main/.env\","
                            + "\"source\":\"content\"}");
        }
        return "[" + entries + "]";
    }

    static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    String verify(String key) {
        return given().auth().oauth2(TestWorkspace.OPERATOR).contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/api/v1/keys/verify").then().statusCode(200).extract().path("code");
    }

    @Test
    void aSignedReportRevokesTheKeyAndAnswersGithubsFeedback() throws Exception {
        var leaked = ws.createKey(Map.of("name", "committed by mistake"));
        var forged = new KeyFormat().generate(KeyKind.API);
        var body = githubReport(leaked.getString("key"), forged, "not-a-keyplane-key");
        var feedback = signed(body, GithubScanning.KEY_IDENTIFIER, GithubScanning.sign(body)).statusCode(200)
                .contentType(ContentType.JSON).extract().jsonPath();
        assertEquals(List.of(sha256(leaked.getString("key")), sha256(forged), sha256("not-a-keyplane-key")),
                feedback.getList("token_hash"));
        assertEquals(List.of("true_positive", "false_positive", "false_positive"), feedback.getList("label"));
        assertEquals(List.of("keyplane_api_key", "keyplane_api_key", "keyplane_api_key"), feedback.getList("token_type"));
        assertEquals("REVOKED", verify(leaked.getString("key")));
        var events = TestDatabase.query("select changes::text as changes from audit_event where workspace_id = ?::uuid "
                + "and action = 'api_key.leaked'", ws.id());
        assertEquals(1, events.size());
        assertTrue(((String) events.get(0).get("changes")).contains("github.com/octo/app"), events.toString());
        // the same report again: the key is known (true_positive), nothing more to revoke, no second event
        signed(body, GithubScanning.KEY_IDENTIFIER, GithubScanning.sign(body)).statusCode(200)
                .body("[0].label", is("true_positive"));
        assertEquals(1, TestDatabase.query("select 1 from audit_event where workspace_id = ?::uuid "
                + "and action = 'api_key.leaked'", ws.id()).size());
    }

    @Test
    void aBadOrIncompleteSignatureIs401AndRevokesNothing() {
        var leaked = ws.createKey(Map.of("name", "still fine")).getString("key");
        var body = githubReport(leaked);
        var otherBody = githubReport(new KeyFormat().generate(KeyKind.API));
        for (var refused : List.of(
                signed(body, GithubScanning.KEY_IDENTIFIER, GithubScanning.sign(otherBody)), // signs another body
                signed(body + " ", GithubScanning.KEY_IDENTIFIER, GithubScanning.sign(body)), // one byte more
                signed(body, GithubScanning.KEY_IDENTIFIER, "bm90IGEgc2lnbmF0dXJl"),
                signed(body, "00ff", GithubScanning.sign(body)), // a key GitHub does not have
                given().header("Github-Public-Key-Signature", GithubScanning.sign(body)).contentType(ContentType.JSON)
                        .body(body).post(LEAKED).then(),
                given().header("Github-Public-Key-Identifier", GithubScanning.KEY_IDENTIFIER)
                        .contentType(ContentType.JSON).body(body).post(LEAKED).then())) {
            refused.statusCode(401).contentType("application/problem+json").body("code", is("invalid_signature"));
        }
        assertEquals("VALID", verify(leaked));
    }

    /** Per-address limits are for anonymous reports: GitHub's egress sends them all from a few addresses. */
    @Test
    void signedReportsAreNeverThrottledAndUnknownIdentifiersCostAtMostAFetchAMinute() {
        for (int i = 0; i < 40; i++) {
            var body = githubReport(new KeyFormat().generate(KeyKind.API));
            signed(body, GithubScanning.KEY_IDENTIFIER, GithubScanning.sign(body)).statusCode(200);
        }
        var leaked = ws.createKey(Map.of("name", "found by github")).getString("key");
        var body = githubReport(leaked);
        signed(body, GithubScanning.KEY_IDENTIFIER, GithubScanning.sign(body)).statusCode(200);
        assertEquals("REVOKED", verify(leaked));

        int before = fetches();
        for (int i = 0; i < 20; i++) {
            signed(body, "feed" + i, GithubScanning.sign(body)).statusCode(401);
        }
        assertTrue(fetches() - before <= 1, (fetches() - before) + " fetches for 20 unknown identifiers");
    }

    static int fetches() {
        var server = System.getProperty(GithubScanning.SERVER_PROPERTY);
        return Integer.parseInt(given().baseUri(server).get("/fetches").then().statusCode(200).extract().asString());
    }
}
