package io.keyplane.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** RateLimit-* headers (API.md section 9) describe the rate-limited credential in Authorization, on every answer. */
@QuarkusTest
class RateLimitHeadersTest {

    TestWorkspace ws;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
    }

    String serviceKey(Map<String, Object> rateLimit, String... scopes) {
        return ws.createKey(rateLimit == null ? Map.of("name", "svc", "kind", "service", "scopes", List.of(scopes))
                : Map.of("name", "svc", "kind", "service", "scopes", List.of(scopes), "rate_limit", rateLimit))
                .getString("key");
    }

    @Test
    void aRateLimitedCredentialIsDescribedOnEachAnswerTheRefusalIncluded() {
        var limited = serviceKey(Map.of("limit", 2, "window_seconds", 3600), "keys:read");
        var first = given().auth().oauth2(limited).get(ws.path("/api-keys")).then().statusCode(200)
                .header("RateLimit-Limit", "2").header("RateLimit-Remaining", "1").extract();
        long reset = Long.parseLong(first.header("RateLimit-Reset"));
        assertTrue(reset >= 1 && reset <= 3600, "whole seconds until the window resets: " + reset);
        given().auth().oauth2(limited).get(ws.path("/api-keys")).then().statusCode(200)
                .header("RateLimit-Remaining", "0");
        given().auth().oauth2(limited).get(ws.path("/api-keys")).then().statusCode(429)
                .body("code", is("rate_limited")).header("Retry-After", notNullValue())
                .header("RateLimit-Limit", "2").header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", notNullValue());
    }

    @Test
    void verifyDescribesTheVerifiersKeyNeverTheKeyItChecks() {
        var unlimitedVerifier = ws.createVerifier();
        var limitedKey = ws.createKey(Map.of("name", "app", "rate_limit", Map.of("limit", 7, "window_seconds", 60)));
        given().auth().oauth2(unlimitedVerifier).contentType(ContentType.JSON).body(Map.of("key", limitedKey.getString("key")))
                .post("/api/v1/keys/verify").then().statusCode(200).body("rate_limit.limit", is(7))
                .header("RateLimit-Limit", nullValue()).header("RateLimit-Remaining", nullValue());
        var limitedVerifier = serviceKey(Map.of("limit", 5, "window_seconds", 60), "keys:verify");
        given().auth().oauth2(limitedVerifier).contentType(ContentType.JSON).body(Map.of("key", limitedKey.getString("key")))
                .post("/api/v1/keys/verify").then().statusCode(200).body("rate_limit.limit", is(7))
                .header("RateLimit-Limit", "5").header("RateLimit-Remaining", "4");
    }

    @Test
    void unlimitedKeysAndTheOperatorGetNone() {
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys")).then().statusCode(200)
                .header("RateLimit-Limit", nullValue());
        given().auth().oauth2(TestWorkspace.OPERATOR).get(ws.path("/api-keys")).then().statusCode(200)
                .header("RateLimit-Limit", nullValue());
    }
}
