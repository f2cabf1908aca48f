package io.keyplane.auth;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * A key's allowed_cidrs hold wherever the key is used: management calls, whoami and verify's own caller, with the
 * client address a trusted proxy forwards (the test profile trusts the local one).
 */
@QuarkusTest
class ClientAddressTest {

    TestWorkspace ws;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
    }

    static RequestSpecification from(String address, String key) {
        return given().header("X-Forwarded-For", address).auth().oauth2(key);
    }

    @Test
    void aServiceKeyOutsideItsCidrsIsRefusedOnManagementCallsAndTheRefusalIsAudited() {
        var key = ws.createKey(Map.of("name", "office only", "kind", "service", "scopes", List.of("keys:read"),
                "allowed_cidrs", List.of("203.0.113.0/24"))).getString("key");
        from("203.0.113.9", key).get(ws.path("/api-keys")).then().statusCode(200);
        from("198.51.100.1", key).header("X-Request-Id", "outside-1").get(ws.path("/api-keys"))
                .then().statusCode(403).contentType("application/problem+json").body("code", is("ip_not_allowed"));
        from("198.51.100.1", key).get("/api/v1/whoami").then().statusCode(403).body("code", is("ip_not_allowed"));
        given().auth().oauth2(key).get("/api/v1/whoami").then().statusCode(403).body("code", is("ip_not_allowed"));

        given().auth().oauth2(ws.ownerKey()).queryParam("action", "access.denied").get(ws.path("/audit-log"))
                .then().statusCode(200)
                .body("find { it.request_id == 'outside-1' }.changes.code", is(java.util.Arrays.asList(null, "ip_not_allowed")))
                .body("find { it.request_id == 'outside-1' }.source_ip", is("198.51.100.1"));
    }

    @Test
    void aGatewayKeyOutsideItsCidrsCannotVerify() {
        var gateway = ws.createKey(Map.of("name", "gateway", "kind", "service", "scopes", List.of("keys:verify"),
                "allowed_cidrs", List.of("10.0.0.0/8"))).getString("key");
        var app = ws.createKey("app", "api", List.of()).getString("key");
        from("10.1.2.3", gateway).contentType(ContentType.JSON).body(Map.of("key", app)).post("/api/v1/keys/verify")
                .then().statusCode(200).body("code", is("VALID"));
        from("192.0.2.1", gateway).contentType(ContentType.JSON).body(Map.of("key", app)).post("/api/v1/keys/verify")
                .then().statusCode(403).body("code", is("ip_not_allowed"));
    }

    @Test
    void usageRecordsTheForwardedClientNotTheProxy() {
        var created = ws.createKey(Map.of("name", "svc", "kind", "service", "scopes", List.of("keys:read")));
        from("203.0.113.77", created.getString("key")).header("X-Request-Id", "forwarded-use").get(ws.path("/api-keys"))
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(ws.ownerKey())
                .get(ws.path("/api-keys/" + created.getString("id") + "/usage")).then()
                .body("find { it.request_id == 'forwarded-use' }.source_ip", is("203.0.113.77")));
    }

    /**
     * Behind a proxy that appends to X-Forwarded-For (ingress-nginx, AWS ALB), the leftmost entries are what the
     * client sent. The client is the rightmost address that is not a trusted proxy, every line joined (API.md 10.1).
     */
    @Test
    void theClientIsTheRightmostUntrustedAddressOfEveryForwardedLine() {
        var key = ws.createKey(Map.of("name", "office", "kind", "service", "scopes", List.of("keys:read"),
                "allowed_cidrs", List.of("203.0.113.50/32"))).getString("key");
        // the client claims the office address; the proxy appended the address it really saw
        given().header("X-Forwarded-For", "203.0.113.50, 198.51.100.9").auth().oauth2(key).get("/api/v1/whoami")
                .then().statusCode(403).body("code", is("ip_not_allowed"));
        given().header("X-Forwarded-For", "203.0.113.50").header("X-Forwarded-For", "198.51.100.9").auth().oauth2(key)
                .get("/api/v1/whoami").then().statusCode(403).body("code", is("ip_not_allowed"));
        // a trusted proxy's own hop (the test profile trusts 127.0.0.1 and ::1) is skipped
        given().header("X-Forwarded-For", "198.51.100.9, 203.0.113.50, 127.0.0.1").auth().oauth2(key)
                .get("/api/v1/whoami").then().statusCode(200);
        given().header("X-Forwarded-For", "198.51.100.9").header("X-Forwarded-For", "203.0.113.50, ::1").auth().oauth2(key)
                .get("/api/v1/whoami").then().statusCode(200);
    }

    @Test
    void theAuditLogAndUsageNoteTheRightmostUntrustedAddress() {
        var created = ws.createKey(Map.of("name", "svc", "kind", "service", "scopes", List.of("keys:read")));
        given().header("X-Forwarded-For", "10.0.0.1, 198.51.100.23").header("X-Request-Id", "rightmost-use")
                .auth().oauth2(created.getString("key")).get(ws.path("/api-keys")).then().statusCode(200);
        given().header("X-Forwarded-For", "10.0.0.1, 198.51.100.24").header("X-Request-Id", "rightmost-denied")
                .auth().oauth2(created.getString("key")).get(ws.path("/audit-log")).then().statusCode(403);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(ws.ownerKey())
                .get(ws.path("/api-keys/" + created.getString("id") + "/usage")).then()
                .body("find { it.request_id == 'rightmost-use' }.source_ip", is("198.51.100.23")));
        given().auth().oauth2(ws.ownerKey()).queryParam("action", "access.denied").get(ws.path("/audit-log"))
                .then().statusCode(200).body("find { it.request_id == 'rightmost-denied' }.source_ip", is("198.51.100.24"));
    }

    @Test
    void anIpv4MappedRuleIsStoredAsItsIpv4NetworkAndStillBinds() {
        var created = ws.createKey(Map.of("name", "mapped", "allowed_cidrs", List.of("::ffff:10.1.2.3")));
        org.junit.jupiter.api.Assertions.assertEquals(List.of("10.1.2.3/32"), created.getList("allowed_cidrs"));
        verify(created.getString("key"), "8.8.8.8").body("code", is("IP_NOT_ALLOWED"));
        verify(created.getString("key"), "10.1.2.3").body("code", is("VALID"));
    }

    @Test
    void aStoredRuleThatNoLongerParsesRefusesTheKeyEverywhere() {
        var created = ws.createKey(Map.of("name", "legacy", "allowed_cidrs", List.of("10.0.0.0/8")));
        TestDatabase.update("update api_key set allowed_cidrs = array['10.1.2.3/128', '10.0.0.0/8'] where id = ?",
                created.getString("id"));
        verify(created.getString("key"), "10.1.2.3").body("code", is("IP_NOT_ALLOWED"));
        verify(created.getString("key"), "8.8.8.8").body("code", is("IP_NOT_ALLOWED"));
    }

    private io.restassured.response.ValidatableResponse verify(String key, String sourceIp) {
        return given().auth().oauth2(TestWorkspace.OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("key", key, "source_ip", sourceIp)).post("/api/v1/keys/verify").then().statusCode(200);
    }
}
