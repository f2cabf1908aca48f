package io.keyplane.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * The management API behind a real NGINX that appends to X-Forwarded-For, as ingress-nginx and AWS's ALB do: the
 * client cannot choose its address by sending the header itself. Only NGINX (connecting from 127.0.0.2) is a
 * trusted proxy here, so this test's own client (127.0.0.1) is a client like any other.
 */
@QuarkusTest
@TestProfile(IngressClientAddressTest.TrustOnlyTheIngress.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngressClientAddressTest {

    public static class TrustOnlyTheIngress implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.trusted-proxies", "127.0.0.2");
        }
    }

    Nginx ingress;
    TestWorkspace ws;

    @BeforeEach
    void startIngress() throws IOException {
        if (ingress == null) {
            ingress = Nginx.inFrontOfKeyplane("127.0.0.1:" + RestAssured.port, "127.0.0.2");
        }
        ws = TestWorkspace.create();
    }

    @AfterAll
    void stopIngress() {
        if (ingress != null) {
            ingress.close();
        }
    }

    RequestSpecification throughIngress(String key) {
        return given().baseUri("http://127.0.0.1").port(ingress.port).auth().oauth2(key);
    }

    @Test
    void aClientCannotClaimAnotherAddressByForwardingItItself() {
        var office = ws.createKey(Map.of("name", "office", "kind", "service", "scopes", List.of("keys:read"),
                "allowed_cidrs", List.of("203.0.113.50/32"))).getString("key");
        throughIngress(office).header("X-Forwarded-For", "203.0.113.50").get("/api/v1/whoami").then()
                .statusCode(403).body("code", is("ip_not_allowed"));
        throughIngress(office).header("X-Forwarded-For", "203.0.113.50").header("X-Forwarded-For", "203.0.113.50")
                .get("/api/v1/whoami").then().statusCode(403).body("code", is("ip_not_allowed"));
        // the address the ingress saw is the client's
        var local = ws.createKey(Map.of("name", "here", "kind", "service", "scopes", List.of("keys:read"),
                "allowed_cidrs", List.of("127.0.0.1/32"))).getString("key");
        throughIngress(local).header("X-Forwarded-For", "203.0.113.50").get("/api/v1/whoami").then().statusCode(200);
    }

    @Test
    void aForwardedHeaderFromAnUntrustedPeerIsIgnored() {
        var office = ws.createKey(Map.of("name", "office", "kind", "service", "scopes", List.of("keys:read"),
                "allowed_cidrs", List.of("203.0.113.50/32"))).getString("key");
        given().header("X-Forwarded-For", "203.0.113.50").auth().oauth2(office).get("/api/v1/whoami").then()
                .statusCode(403).body("code", is("ip_not_allowed"));
    }
}
