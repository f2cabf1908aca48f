package io.keyplane.verify;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * {@link VerifyRoute} answers as {@link VerifyResource} does. Each case goes once with a {@code Content-Length}
 * (the route serves it) and once chunked (the route hands it to the resource), and the two answers must agree in
 * status, headers and body, the request id aside.
 */
@QuarkusTest
class VerifyRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TestWorkspace ws;
    String verifier;
    String target;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", "orders:read"))
                .post(ws.path("/scopes")).then().statusCode(201);
        verifier = ws.createKey(Map.of("name", "gateway", "kind", "service", "scopes", List.of("keys:verify"),
                "rate_limit", Map.of("limit", 1000, "window_seconds", 3600))).getString("key");
        target = ws.createKey(Map.of("name", "app", "scopes", List.of("orders:read"), "meta", Map.of("plan", "pro")))
                .getString("key");
    }

    @Test
    void theRouteAndTheResourceGiveTheSameAnswers() throws Exception {
        var other = TestWorkspace.create();
        var otherVerifier = other.createVerifier();
        var apiKey = ws.createKey(Map.of("name", "not-a-gateway")).getString("key");
        var noVerify = ws.createKey(Map.of("name", "reader", "kind", "service", "scopes", List.of("keys:read")))
                .getString("key");
        var body = "{\"key\":\"" + target + "\"}";
        same(verifier, "{\"key\":\"" + target + "\",\"scopes\":[\"orders:read\"],\"source_ip\":\"203.0.113.7\"}", 200);
        same(verifier, "{\"key\":\"" + target + "\",\"scopes\":[\"orders:write\"]}", 200);
        same(verifier, "{\"key\":\"kp_live_nothing\"}", 200);
        same(otherVerifier, body, 200); // another workspace's key is NOT_FOUND to it
        same(verifier, "{\"key\":", 400);
        same(verifier, "{\"key\":\"x\",\"nope\":1}", 400);
        same(verifier, "{\"key\":5}", 400);
        same(verifier, "{\"key\":\"x\",\"kinds\":[],\"cost\":-1}", 400);
        same(verifier, "{\"key\":\"x\",\"scopes\":[\"Not A Scope\"]}", 400);
        same(verifier, "null", 400);
        same(apiKey, body, 403);
        same(noVerify, body, 403);
        same("kp_svc_notakey", body, 401);
        same(TestWorkspace.OPERATOR, body, 200);
    }

    @Test
    void aVerifierKeyThatIsRefusedIsAnsweredAlikeWithItsChallenge() throws Exception {
        var paused = ws.createKey(Map.of("name", "paused-gateway", "kind", "service", "scopes", List.of("keys:verify")));
        given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + paused.getString("id") + "/pause"))
                .then().statusCode(200);
        var answers = same(paused.getString("key"), "{\"key\":\"" + target + "\"}", 401);
        assertEquals("key_paused", answers.get("code").asText());
    }

    @Test
    void requestsTheRouteDoesNotPlainlyHandleGetTheResourcesAnswer() throws Exception {
        var body = ("{\"key\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8);
        var textPlain = send(verifier, HttpRequest.BodyPublishers.ofByteArray(body), "text/plain", null, "plain");
        assertEquals(415, textPlain.statusCode());
        var html = send(verifier, HttpRequest.BodyPublishers.ofByteArray(body), "application/json", "text/html", "html");
        assertEquals(406, html.statusCode());
        var withCharset = send(verifier, HttpRequest.BodyPublishers.ofByteArray(body), "application/json; charset=utf-8",
                "application/json", "charset");
        assertEquals(200, withCharset.statusCode());
        assertEquals("VALID", JSON.readTree(withCharset.body()).get("code").asText());
    }

    @Test
    void refusalsOfEitherLaneAreCountedAndVerifyIsLeftOutOfHttpServerRequests() throws Exception {
        double badRequests = VerifyResourceTest.metric("keyplane_verify_refused_total{status=\"400\"");
        double unsupported = VerifyResourceTest.metric("keyplane_verify_refused_total{status=\"415\"");
        double valid = VerifyResourceTest.metric("keyplane_verify_requests_total{code=\"VALID\"");
        same(verifier, "{\"key\":5}", 400); // once by each lane
        var body = ("{\"key\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals(415, send(verifier, HttpRequest.BodyPublishers.ofByteArray(body), "text/plain", null, "t").statusCode());
        assertEquals(200, send(verifier, HttpRequest.BodyPublishers.ofByteArray(body), "application/json", null, "v").statusCode());
        assertEquals(badRequests + 2, VerifyResourceTest.metric("keyplane_verify_refused_total{status=\"400\""));
        assertEquals(unsupported + 1, VerifyResourceTest.metric("keyplane_verify_refused_total{status=\"415\""));
        assertEquals(valid + 1, VerifyResourceTest.metric("keyplane_verify_requests_total{code=\"VALID\""));
        var metrics = VerifyResourceTest.management().get("/q/metrics").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("http_server_requests_seconds_count{"), metrics);
        org.junit.jupiter.api.Assertions.assertFalse(metrics.contains("uri=\"/api/v1/keys/verify\""));
    }

    /** Both lanes' answers to one body, compared; returns the route's. */
    private ObjectNode same(String token, String body, int status) throws IOException, InterruptedException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        var routed = send(token, HttpRequest.BodyPublishers.ofByteArray(bytes), "application/json", null, "routed");
        var rest = send(token, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)),
                "application/json", null, "rest");
        var what = body + " as " + token.substring(0, Math.min(7, token.length()));
        assertEquals(status, routed.statusCode(), what);
        assertEquals(rest.statusCode(), routed.statusCode(), what);
        Function<String, String> routedHeader = name -> routed.headers().firstValue(name).orElse(null);
        Function<String, String> restHeader = name -> rest.headers().firstValue(name).orElse(null);
        for (var header : List.of("Content-Type", "WWW-Authenticate", "Cache-Control", "RateLimit-Limit")) {
            assertEquals(restHeader.apply(header), routedHeader.apply(header), header + " of " + what);
        }
        assertEquals(restHeader.apply("RateLimit-Remaining") == null, routedHeader.apply("RateLimit-Remaining") == null);
        assertEquals("routed", routedHeader.apply("X-Request-Id"));
        var routedBody = (ObjectNode) JSON.readTree(routed.body());
        var restBody = (ObjectNode) JSON.readTree(rest.body());
        if (status >= 400) {
            assertEquals("routed", routedBody.remove("request_id").asText());
            assertEquals("rest", restBody.remove("request_id").asText());
        }
        assertEquals(restBody, routedBody, what);
        assertNotNull(routedBody.get("code"));
        return routedBody;
    }

    private static HttpResponse<String> send(String token, BodyPublisher body, String contentType, String accept,
            String requestId) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/keys/verify"))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .header("X-Request-Id", requestId).POST(body);
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
