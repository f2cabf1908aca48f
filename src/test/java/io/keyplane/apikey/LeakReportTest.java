package io.keyplane.apikey;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.key.KeyFormat;
import io.keyplane.key.KeyKind;
import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** POST /api/v1/keys/leaked: no credential, 202 whatever existed, and every leaked key that worked stops. */
@QuarkusTest
class LeakReportTest {

    static final String LEAKED = "/api/v1/keys/leaked";
    /** A client address of each test's own (the test profile trusts X-Forwarded-For from 127.0.0.1). */
    static final AtomicInteger ADDRESSES = new AtomicInteger();

    TestWorkspace ws;
    String verifier;
    String address;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        verifier = ws.createVerifier();
        address = "198.18.0." + ADDRESSES.incrementAndGet();
    }

    ValidatableResponse report(Object body) {
        return given().header("X-Forwarded-For", address).contentType(ContentType.JSON).body(body).post(LEAKED).then();
    }

    String verify(String key) {
        return given().auth().oauth2(verifier).contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/api/v1/keys/verify").then().statusCode(200).extract().path("code");
    }

    String status(String keyId) {
        return given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + keyId)).then().statusCode(200)
                .extract().path("status");
    }

    List<Map<String, Object>> leakEvents(String keyId) {
        return TestDatabase.query("select changes::text as changes from audit_event where workspace_id = ?::uuid "
                + "and action = 'api_key.leaked' and target_id = ?::text", ws.id(), keyId);
    }

    @Test
    void aLeakedKeyIsRevokedAtOnceAndTheAnswerRevealsNothing() {
        var key = ws.createKey(Map.of("name", "leaky"));
        assertThat(verify(key.getString("key")), is("VALID")); // cached now
        var unknown = new KeyFormat().generate(KeyKind.API);
        report(Map.of("keys", List.of(key.getString("key"), unknown, "not a key at all"),
                "source", "https://github.com/acme/app/blob/main/.env"))
                .statusCode(202).body("received", is(3));
        assertThat(status(key.getString("id")), is("revoked"));
        assertThat(verify(key.getString("key")), is("REVOKED"));
        var events = leakEvents(key.getString("id"));
        assertThat(events.size(), is(1));
        assertThat((String) events.get(0).get("changes"), containsString("https://github.com/acme/app/blob/main/.env"));
        assertThat((String) events.get(0).get("changes"), containsString("revoked"));

        // reported again: nothing works any more, so nothing happens
        report(Map.of("keys", List.of(key.getString("key")))).statusCode(202).body("received", is(1));
        assertThat(leakEvents(key.getString("id")).size(), is(1));
    }

    @Test
    void aKeyNamedTwiceIsActedOnOnceAndForgedKeysCostNothing() {
        var key = ws.createKey(Map.of("name", "leaky"));
        var forged = new java.util.ArrayList<String>();
        var format = new KeyFormat();
        for (int i = 0; i < 500; i++) {
            forged.add(format.generate(KeyKind.API));
        }
        forged.add(key.getString("key"));
        forged.add(key.getString("key"));
        report(Map.of("keys", forged, "source", "paste")).statusCode(202).body("received", is(502));
        assertThat(status(key.getString("id")), is("revoked"));
        assertThat(leakEvents(key.getString("id")).size(), is(1));
    }

    @Test
    void aWorkspaceMayChooseToPauseLeakedKeys() {
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("leak_action", "pause"))
                .patch(ws.path("")).then().statusCode(200);
        var key = ws.createKey(Map.of("name", "leaky"));
        report(Map.of("keys", List.of(key.getString("key")))).statusCode(202);
        assertThat(status(key.getString("id")), is("paused"));
        assertThat(verify(key.getString("key")), is("PAUSED"));
    }

    @Test
    void gitHubSecretScanningReportsAreAccepted() {
        var key = ws.createKey(Map.of("name", "committed"));
        var other = ws.createKey(Map.of("name", "fine"));
        report(List.of(Map.of("token", key.getString("key"), "type", "keyplane_api_key",
                "url", "https://github.com/acme/app/commit/abc", "source", "commit")))
                .statusCode(202).body("received", is(1));
        assertThat(status(key.getString("id")), is("revoked"));
        assertThat(status(other.getString("id")), is("active"));
        assertThat((String) leakEvents(key.getString("id")).get(0).get("changes"),
                containsString("https://github.com/acme/app/commit/abc"));
    }

    @Test
    void aKeyInARotationsGracePeriodIsStoppedToo() {
        var key = ws.createKey(Map.of("name", "rotated"));
        var successor = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("grace_period_seconds", 3600)).post(ws.path("/api-keys/" + key.getString("id") + "/rotate"))
                .then().statusCode(201).extract().jsonPath();
        assertThat(verify(key.getString("key")), is("VALID"));
        report(Map.of("keys", List.of(key.getString("key")))).statusCode(202);
        assertThat(verify(key.getString("key")), is("REVOKED"));
        assertThat(verify(successor.getString("key")), is("VALID"));
    }

    @Test
    void malformedReportsAre400AndOversizedOnes413() {
        report(Map.of()).statusCode(400).body("errors[0].field", is("keys"));
        report(Map.of("keys", "kp_live_x")).statusCode(400).body("errors[0].field", is("keys"));
        report(Map.of("keys", List.of())).statusCode(400).body("errors[0].field", is("keys"));
        report(Map.of("keys", List.of(1))).statusCode(400).body("errors[0].field", is("keys[0]"));
        report(Map.of("keys", List.of("k"), "source", 5)).statusCode(400).body("errors[0].field", is("source"));
        report(Map.of("keys", List.of("k"), "extra", true)).statusCode(400).body("errors[0].field", is("extra"));
        report(List.of(Map.of("type", "x"))).statusCode(400).body("errors[0].field", is("[0].token"));
        report(List.of("kp_live_x")).statusCode(400);
        report("\"kp_live_x\"").statusCode(400);
        given().header("X-Forwarded-For", address).contentType(ContentType.JSON).body("{\"keys\": [").post(LEAKED)
                .then().statusCode(400).body("code", is("validation_failed"));
        report(Map.of("keys", List.of("x".repeat(70_000)))).statusCode(413).body("code", is("payload_too_large"));
    }

    @Test
    void tooManyReportsOfWellFormedKeysFromOneAddressAre429() {
        // the window is the clock's minute: if it turns during the loop, the new one refuses at its 31st
        var format = new KeyFormat();
        int status = 202;
        int sent = 0;
        while (status == 202 && sent < 61) {
            status = report(Map.of("keys", List.of(format.generate(KeyKind.API)))).extract().statusCode();
            sent++;
        }
        assertThat(status, is(429));
        assertThat(sent >= 31, is(true));
        var refused = report(Map.of("keys", List.of(format.generate(KeyKind.API)))).statusCode(429)
                .body("code", is("rate_limited")).extract();
        assertThat(Integer.parseInt(refused.header("Retry-After")) > 0, is(true));
        // a report naming no well-formed key costs nothing and is not refused
        report(Map.of("keys", List.of("kp_live_nothing"))).statusCode(202);
        // another address is not held back
        address = "198.18.1." + ADDRESSES.incrementAndGet();
        report(Map.of("keys", List.of(format.generate(KeyKind.API)))).statusCode(202);
    }
}
