package io.keyplane.verify;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest;
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
 * {@link VerifyRoute} serves every request to {@code /api/v1/keys/verify} itself, answering as the REST resource it
 * replaced did: each case goes once with a {@code Content-Length} and once chunked, and the two answers must agree in
 * status, headers and body, the request id aside; what REST used to answer on its own (405, 415, 406, the missing
 * credential, 413 for a chunked body) the route answers the same way.
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
    void aChunkedBodyIsAnsweredAsOneWithALength() throws Exception {
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
    void methodsMediaTypesAndMissingCredentialsAreAnsweredAsRestAnsweredThem() throws Exception {
        var body = ("{\"key\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8);
        var options = raw("OPTIONS", verifier, null, null, null);
        assertEquals(200, options.statusCode());
        assertEquals("HEAD, POST, OPTIONS", options.headers().firstValue("Allow").orElse(null));
        assertProblem(raw("GET", verifier, null, null, null), 405, "method_not_allowed");
        assertProblem(raw("POST", null, "text/plain", null, body), 415, "unsupported_media_type"); // before the caller
        assertProblem(raw("POST", verifier, "application/json", "text/html", body), 406, "not_acceptable");
        assertProblem(raw("POST", verifier, "application/json", "application/problem+json", body), 406, "not_acceptable");
        assertProblem(raw("POST", verifier, "application/json", "application/json;q=0", body), 406, "not_acceptable");
        assertEquals(200, raw("POST", verifier, "application/json", "text/html, application/json;q=0.9", body).statusCode());
        assertEquals(200, raw("POST", verifier, null, null, body).statusCode(), "a body with no type is taken as JSON");
        assertEquals(200, raw("POST", verifier, "application/json; charset=utf-8", "application/json", body).statusCode());
        var missing = raw("POST", null, "application/json", null, body);
        assertProblem(missing, 401, "missing_credentials");
        assertEquals("Bearer realm=\"keyplane\", error=\"invalid_token\"", missing.headers().firstValue("WWW-Authenticate")
                .orElse(null));
        var basic = HttpRequest.newBuilder(uri("")).header("Authorization", "Basic eDp5")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        assertProblem(HTTP.send(basic, HttpResponse.BodyHandlers.ofString()), 401, "missing_credentials");
        var empty = raw("POST", verifier, "application/json", null, new byte[0]);
        assertProblem(empty, 400, "validation_failed");
        assertEquals("body", JSON.readTree(empty.body()).get("errors").get(0).get("field").asText());
        var withSlash = HttpRequest.newBuilder(uri("/")).header("Authorization", "Bearer " + verifier)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        assertEquals("VALID", JSON.readTree(HTTP.send(withSlash, HttpResponse.BodyHandlers.ofString()).body()).get("code").asText());
    }

    @Test
    void aBodyOver64KiBIs413ChunkedOrNot() throws Exception {
        var big = ("{\"key\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertProblem(send(verifier, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)),
                "application/json", null, "chunked"), 413, "payload_too_large");
        assertProblem(send(verifier, HttpRequest.BodyPublishers.ofByteArray(big), "application/json", null, "length"), 413,
                "payload_too_large");
        // the verifier's next call is answered as ever
        assertEquals(200, send(verifier, HttpRequest.BodyPublishers.ofByteArray(("{\"key\":\"" + target + "\"}")
                .getBytes(StandardCharsets.UTF_8)), "application/json", null, "after").statusCode());
    }

    @Test
    void refusalsAreCountedAndVerifyIsLeftOutOfHttpServerRequests() throws Exception {
        double badRequests = VerifyResourceTest.metric("keyplane_verify_refused_total{status=\"400\"");
        double unsupported = VerifyResourceTest.metric("keyplane_verify_refused_total{status=\"415\"");
        double valid = VerifyResourceTest.metric("keyplane_verify_requests_total{code=\"VALID\"");
        same(verifier, "{\"key\":5}", 400); // with a length and chunked
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

    /** The route's operation, which VerifyOpenApi writes: the scanner cannot see a route. */
    @Test
    void theDocumentDescribesTheRoute() {
        var doc = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        var op = "paths.'/api/v1/keys/verify'.post.";
        assertEquals("verifyKey", doc.getString(op + "operationId"));
        assertEquals("#/components/schemas/VerifyRequest",
                doc.getString(op + "requestBody.content.'application/json'.schema.$ref"));
        assertEquals(List.of("#/components/schemas/VerifyResponse", "#/components/schemas/VerifyFailure"),
                doc.getList(op + "responses.'200'.content.'application/json'.schema.oneOf.$ref"));
        for (var status : List.of("400", "401", "403", "406", "413", "415", "429", "503")) {
            assertNotNull(doc.get(op + "responses.'" + status + "'"), status);
        }
        assertEquals(Map.of("bearer", List.of()), doc.getMap(op + "security[0]"));
        assertEquals("The hot path gateways call on every request of their own users",
                doc.getString("tags.find { it.name == 'Verification' }.description"));
        assertNotNull(doc.get("components.schemas.VerifyRequest.properties.key"));
    }

    /** One body's answers with a length and chunked, compared; returns the first. */
    private ObjectNode same(String token, String body, int status) throws IOException, InterruptedException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        var withLength = send(token, HttpRequest.BodyPublishers.ofByteArray(bytes), "application/json", null, "length");
        var chunked = send(token, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)),
                "application/json", null, "chunked");
        var what = body + " as " + token.substring(0, Math.min(7, token.length()));
        assertEquals(status, withLength.statusCode(), what);
        assertEquals(chunked.statusCode(), withLength.statusCode(), what);
        Function<String, String> lengthHeader = name -> withLength.headers().firstValue(name).orElse(null);
        Function<String, String> chunkedHeader = name -> chunked.headers().firstValue(name).orElse(null);
        for (var header : List.of("Content-Type", "WWW-Authenticate", "Cache-Control", "RateLimit-Limit")) {
            assertEquals(chunkedHeader.apply(header), lengthHeader.apply(header), header + " of " + what);
        }
        assertEquals(chunkedHeader.apply("RateLimit-Remaining") == null, lengthHeader.apply("RateLimit-Remaining") == null);
        assertEquals("length", lengthHeader.apply("X-Request-Id"));
        var lengthBody = (ObjectNode) JSON.readTree(withLength.body());
        var chunkedBody = (ObjectNode) JSON.readTree(chunked.body());
        if (status >= 400) {
            assertEquals("length", lengthBody.remove("request_id").asText());
            assertEquals("chunked", chunkedBody.remove("request_id").asText());
        }
        assertEquals(chunkedBody, lengthBody, what);
        assertNotNull(lengthBody.get("code"));
        return lengthBody;
    }

    static URI uri(String suffix) {
        return URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/keys/verify" + suffix);
    }

    /** Any method, with only the headers given (null: not sent). */
    private static HttpResponse<String> raw(String method, String token, String contentType, String accept, byte[] body)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(uri("")).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals(code, JSON.readTree(response.body()).get("code").asText());
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
