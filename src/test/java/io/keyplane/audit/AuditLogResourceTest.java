package io.keyplane.audit;

import static io.keyplane.audit.AuditTrail.as;
import static io.keyplane.audit.AuditTrail.byRequest;
import static io.keyplane.audit.AuditTrail.map;
import static io.keyplane.audit.AuditTrail.requestId;
import static io.keyplane.support.TestWorkspace.OPERATOR;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class AuditLogResourceTest {

    static final String HASH = "[0-9a-f]{64}";

    TestWorkspace ws;
    String ownerKeyId;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
        ownerKeyId = keyIdOf(ws.ownerKey());
        as(ws.ownerKey(), requestId()).body(Map.of("name", "database:read")).post(ws.path("/scopes"))
                .then().statusCode(201);
    }

    static String keyIdOf(String key) {
        return given().auth().oauth2(key).get("/api/v1/whoami").then().statusCode(200).extract().path("key_id");
    }

    /** The one event with this action written by the request; fails when there is none or more than one. */
    Map<String, Object> single(TestWorkspace in, String requestId, String action) {
        var matching = byRequest(in, requestId).stream().filter(e -> action.equals(e.get("action"))).toList();
        assertEquals(1, matching.size(), "events " + action + " of request " + requestId);
        var e = matching.get(0);
        assertEquals(requestId, e.get("request_id"));
        assertEquals(in.id(), e.get("workspace_id"));
        assertTrue(((String) e.get("hash")).matches(HASH));
        return e;
    }

    void assertOwnerActor(Map<String, Object> event) {
        assertEquals(Map.of("type", "service_account", "id", ws.ownerAccountId(), "key_id", ownerKeyId),
                map(event, "actor"));
    }

    static void assertTarget(Map<String, Object> event, String type, String id) {
        assertEquals(Map.of("type", type, "id", id), map(event, "target"));
    }

    static List<Object> change(Map<String, Object> event, String field) {
        @SuppressWarnings("unchecked")
        var pair = (List<Object>) map(event, "changes").get(field);
        return pair;
    }

    // --- every change is one event with actor, target, outcome and request id ---

    @Test
    void workspaceCreationIsAuditedAsTheOperatorWithTheCallersRequestId() {
        var rid = requestId();
        var body = as(OPERATOR, rid).body(Map.of("name", "audited")).post("/api/v1/workspaces")
                .then().statusCode(201).header("X-Request-Id", rid).extract().jsonPath();
        var created = new TestWorkspace(body.getString("id"), body.getString("bootstrap.service_account.id"),
                body.getString("bootstrap.key"));

        var events = byRequest(created, rid);
        assertEquals(List.of("workspace.create", "service_account.create", "api_key.create"),
                events.stream().map(e -> e.get("action")).toList());
        var e = single(created, rid, "workspace.create");
        assertEquals(1, e.get("seq"));
        assertTrue(((String) e.get("id")).matches("[0-9a-f-]{36}"));
        assertNotNull(Instant.parse((String) e.get("at")));
        var actor = map(e, "actor");
        assertEquals("operator", actor.get("type"));
        assertEquals("operator", actor.get("id"));
        assertTrue(actor.containsKey("key_id"));
        assertNull(actor.get("key_id"));
        assertTarget(e, "workspace", created.id());
        assertEquals("success", e.get("outcome"));
        assertEquals(Arrays.asList(null, "audited"), change(e, "name"));
        assertEquals("", e.get("prev_hash"));
        assertNotNull(e.get("source_ip"));
        assertNotNull(e.get("user_agent"));
        // the chain links the three events of the one transaction
        assertEquals(e.get("hash"), events.get(1).get("prev_hash"));
        assertEquals(events.get(1).get("hash"), events.get(2).get("prev_hash"));
    }

    @Test
    void everyApiKeyActionIsOneEventByTheActingServiceAccount() {
        var rid = requestId();
        var id = as(ws.ownerKey(), rid).body(Map.of("name", "ingest-1", "kind", "ingest", "scopes", List.of("database:read")))
                .post(ws.path("/api-keys")).then().statusCode(201).extract().<String>path("id");
        var create = single(ws, rid, "api_key.create");
        assertOwnerActor(create);
        assertTarget(create, "api_key", id);
        assertEquals("success", create.get("outcome"));
        assertEquals(Arrays.asList(null, "ingest"), change(create, "kind"));
        assertEquals(1, byRequest(ws, rid).size());

        rid = requestId();
        as(ws.ownerKey(), rid).body(Map.of("name", "ingest-2")).patch(ws.path("/api-keys/" + id)).then().statusCode(200);
        var update = single(ws, rid, "api_key.update");
        assertOwnerActor(update);
        assertTarget(update, "api_key", id);
        assertEquals(List.of("ingest-1", "ingest-2"), change(update, "name"));
        assertEquals(1, byRequest(ws, rid).size());

        rid = requestId();
        as(ws.ownerKey(), rid).post(ws.path("/api-keys/" + id + "/pause")).then().statusCode(200);
        var pause = single(ws, rid, "api_key.pause");
        assertOwnerActor(pause);
        assertTarget(pause, "api_key", id);
        assertEquals(List.of("active", "paused"), change(pause, "status"));

        rid = requestId();
        as(ws.ownerKey(), rid).post(ws.path("/api-keys/" + id + "/resume")).then().statusCode(200);
        var resume = single(ws, rid, "api_key.resume");
        assertTarget(resume, "api_key", id);
        assertEquals(List.of("paused", "active"), change(resume, "status"));

        rid = requestId();
        as(ws.ownerKey(), rid).get(ws.path("/api-keys/" + id + "/reveal")).then().statusCode(200);
        var reveal = single(ws, rid, "api_key.reveal");
        assertOwnerActor(reveal);
        assertTarget(reveal, "api_key", id);
        assertEquals(Map.of(), map(reveal, "changes"));
        assertEquals(1, byRequest(ws, rid).size());

        rid = requestId();
        var successor = as(ws.ownerKey(), rid).body(Map.of("grace_period_seconds", 60))
                .post(ws.path("/api-keys/" + id + "/rotate")).then().statusCode(201).extract().<String>path("id");
        var rotate = single(ws, rid, "api_key.rotate");
        assertOwnerActor(rotate);
        assertTarget(rotate, "api_key", id);
        assertEquals(Arrays.asList(null, successor), change(rotate, "replaced_by"));
        var successorCreate = single(ws, rid, "api_key.create");
        assertTarget(successorCreate, "api_key", successor);
        assertEquals(Arrays.asList(null, id), change(successorCreate, "rotated_from"));
        assertEquals(2, byRequest(ws, rid).size());

        // revoking the successor revokes the key it replaced too, still in its grace period: one event each
        rid = requestId();
        as(ws.ownerKey(), rid).delete(ws.path("/api-keys/" + successor)).then().statusCode(200);
        var revokes = byRequest(ws, rid);
        assertEquals(2, revokes.size());
        var revoke = revokes.stream().filter(e -> successor.equals(map(e, "target").get("id"))).findFirst().orElseThrow();
        assertOwnerActor(revoke);
        assertEquals("api_key.revoke", revoke.get("action"));
        assertEquals(List.of("active", "revoked"), change(revoke, "status"));
        var predecessor = revokes.stream().filter(e -> id.equals(map(e, "target").get("id"))).findFirst().orElseThrow();
        assertOwnerActor(predecessor);
        assertEquals("api_key.revoke", predecessor.get("action"));
        assertEquals(List.of("active", "revoked"), change(predecessor, "status"));
        assertEquals(Arrays.asList(null, successor), change(predecessor, "revoked_with"));
    }

    @Test
    void serviceAccountAndScopeChangesAreEachOneEvent() {
        var rid = requestId();
        as(ws.ownerKey(), rid).body(Map.of("name", "billing:read", "description", "Reads invoices"))
                .post(ws.path("/scopes")).then().statusCode(201);
        var scopeCreate = single(ws, rid, "scope.create");
        assertOwnerActor(scopeCreate);
        assertTarget(scopeCreate, "scope", "billing:read");
        assertEquals("success", scopeCreate.get("outcome"));

        rid = requestId();
        var account = as(ws.ownerKey(), rid).body(Map.of("name", "billing", "scopes", List.of("billing:read")))
                .post(ws.path("/service-accounts")).then().statusCode(201).extract().<String>path("id");
        var saCreate = single(ws, rid, "service_account.create");
        assertOwnerActor(saCreate);
        assertTarget(saCreate, "service_account", account);
        assertEquals(Arrays.asList(null, List.of("billing:read")), change(saCreate, "scopes"));
        assertEquals(1, byRequest(ws, rid).size());

        rid = requestId();
        as(ws.ownerKey(), rid).body(Map.of("description", "Reads and lists invoices"))
                .patch(ws.path("/service-accounts/" + account)).then().statusCode(200);
        var saUpdate = single(ws, rid, "service_account.update");
        assertOwnerActor(saUpdate);
        assertTarget(saUpdate, "service_account", account);
        assertEquals(Arrays.asList(null, "Reads and lists invoices"), change(saUpdate, "description"));

        rid = requestId();
        as(ws.ownerKey(), rid).delete(ws.path("/service-accounts/" + account)).then().statusCode(200);
        var saDelete = single(ws, rid, "service_account.delete");
        assertOwnerActor(saDelete);
        assertTarget(saDelete, "service_account", account);
        assertEquals(List.of("active", "deleted"), change(saDelete, "status"));
        assertEquals(1, byRequest(ws, rid).size());

        rid = requestId();
        as(ws.ownerKey(), rid).delete(ws.path("/scopes/billing:read")).then().statusCode(204);
        var scopeDelete = single(ws, rid, "scope.delete");
        assertOwnerActor(scopeDelete);
        assertTarget(scopeDelete, "scope", "billing:read");
        assertEquals(1, byRequest(ws, rid).size());
    }

    @Test
    void aFailedChangeLeavesNoEvent() {
        var id = ws.createKey(Map.of("name", "doomed")).getString("id");
        as(ws.ownerKey(), requestId()).delete(ws.path("/api-keys/" + id)).then().statusCode(200);

        var rid = requestId();
        as(ws.ownerKey(), rid).body(Map.of("name", "too late")).patch(ws.path("/api-keys/" + id))
                .then().statusCode(409).body("code", is("key_revoked"));
        as(ws.ownerKey(), rid).post(ws.path("/api-keys/" + id + "/pause")).then().statusCode(409);
        as(ws.ownerKey(), rid).body(Map.of("name", "x", "scopes", List.of("nope:nope")))
                .post(ws.path("/api-keys")).then().statusCode(422);
        assertEquals(List.of(), byRequest(ws, rid));
    }

    // --- denied management calls ---

    @Test
    void anApiKeyOnTheManagementApiIsAuditedAsDenied() {
        var key = ws.createKey("gateway", "api", List.of("database:read"));
        var rid = requestId();
        as(key.getString("key"), rid).get(ws.path("/api-keys")).then().statusCode(403)
                .body("code", is("service_key_required")).body("request_id", is(rid));

        var denied = single(ws, rid, "access.denied");
        assertEquals("denied", denied.get("outcome"));
        assertEquals(Map.of("type", "service_account", "id", ws.ownerAccountId(), "key_id", key.getString("id")),
                map(denied, "actor"));
        assertTarget(denied, "request", ws.path("/api-keys"));
        assertEquals(Arrays.asList(null, "service_key_required"), change(denied, "code"));
        assertEquals(Arrays.asList(null, "GET"), change(denied, "method"));
        assertEquals(1, byRequest(ws, rid).size());
    }

    @Test
    void aKeyUsedOnAnotherWorkspaceIsAuditedInItsOwnWorkspaceOnly() {
        var victim = TestWorkspace.create();
        var victimKey = victim.createKey(Map.of("name", "victim-key")).getString("id");
        var before = AuditTrail.all(victim).size();

        var rid = requestId();
        as(ws.ownerKey(), rid).get(victim.path("/api-keys")).then().statusCode(403).body("code", is("workspace_mismatch"));
        as(ws.ownerKey(), rid).delete(victim.path("/api-keys/" + victimKey)).then().statusCode(403)
                .body("code", is("workspace_mismatch"));

        var denied = byRequest(ws, rid);
        assertEquals(2, denied.size());
        assertTrue(denied.stream().allMatch(e -> "access.denied".equals(e.get("action"))
                && "denied".equals(e.get("outcome")) && ws.id().equals(e.get("workspace_id"))));
        assertOwnerActor(denied.get(0));
        assertTarget(denied.get(0), "request", victim.path("/api-keys"));
        assertTarget(denied.get(1), "request", victim.path("/api-keys/" + victimKey));
        assertEquals(Arrays.asList(null, "DELETE"), change(denied.get(1), "method"));
        assertEquals(Arrays.asList(null, "workspace_mismatch"), change(denied.get(1), "code"));

        assertEquals(List.of(), byRequest(victim, rid));
        assertEquals(before, AuditTrail.all(victim).size());
    }

    @Test
    void repeatsOfOneRefusedCallBecomeOneEventWithTheirCount() {
        var reader = ws.createKey("looping reader", "service", List.of("keys:read"));
        for (int i = 0; i < 5; i++) {
            as(reader.getString("key"), requestId()).get(ws.path("/service-accounts")).then().statusCode(403);
        }
        // the first at once; the four repeats as one event when the window (1 s in tests) closes
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            var denied = given().auth().oauth2(ws.ownerKey()).queryParam("action", "access.denied")
                    .queryParam("actor_id", ws.ownerAccountId()).get(ws.path("/audit-log")).then().statusCode(200)
                    .extract().jsonPath().getList("findAll { it.actor.key_id == '" + reader.getString("id") + "' }",
                            Map.class);
            assertEquals(2, denied.size());
            assertEquals(Arrays.asList(null, 4), ((Map<?, ?>) denied.get(0).get("changes")).get("count"));
            assertNull(((Map<?, ?>) denied.get(1).get("changes")).get("count"));
            assertEquals(Arrays.asList(null, "insufficient_scope"), ((Map<?, ?>) denied.get(0).get("changes")).get("code"));
        });
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200).body("valid", is(true));
    }

    @Test
    void aMissingPermissionIsAuditedAsDenied() {
        var reader = ws.createKey("reader", "service", List.of("keys:read"));
        var rid = requestId();
        as(reader.getString("key"), rid).body(Map.of("name", "escalate")).post(ws.path("/api-keys"))
                .then().statusCode(403).body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("keys:write")));

        var denied = single(ws, rid, "access.denied");
        assertEquals("denied", denied.get("outcome"));
        assertEquals(reader.getString("id"), map(denied, "actor").get("key_id"));
        assertTarget(denied, "request", ws.path("/api-keys"));
        assertEquals(Arrays.asList(null, "insufficient_scope"), change(denied, "code"));
        assertEquals(Arrays.asList(null, "POST"), change(denied, "method"));
        assertEquals(1, byRequest(ws, rid).size());
    }

    @Test
    void aDeniedCallOnAVeryLongPathIsAuditedWithThePathCut() {
        var revoked = ws.createKey("retired", "service", List.of("keys:read"));
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + revoked.getString("id"))).then().statusCode(200);
        var rid = requestId();
        var longPath = ws.path("/api-keys/" + "x".repeat(400));
        as(revoked.getString("key"), rid).get(longPath).then().statusCode(401).body("code", is("key_revoked"));

        var denied = single(ws, rid, "access.denied");
        assertTarget(denied, "request", longPath.substring(0, 255));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200).body("valid", is(true));
    }

    @Test
    void operatorCallsAndBadRequestsAreNotAuditedAsDenied() {
        var rid = requestId();
        // 400 before any permission check
        as(ws.ownerKey(), rid).header("X-Workspace-ID", UUID.randomUUID().toString()).get(ws.path("/api-keys"))
                .then().statusCode(400).body("code", is("workspace_header_mismatch"));
        // the operator is never denied; an unknown workspace is a 404
        as(OPERATOR, rid).get("/api/v1/workspaces/" + UUID.randomUUID() + "/api-keys").then().statusCode(404);
        as(OPERATOR, rid).get(ws.path("/audit-log")).then().statusCode(200);
        // 401s have no caller to attribute
        as(ws.ownerKey() + "x", rid).get(ws.path("/api-keys")).then().statusCode(401);
        assertEquals(List.of(), byRequest(ws, rid));
    }

    // --- reading the log ---

    @Test
    void theLogIsABareArrayNewestFirstWithTheContractsFields() {
        var body = given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log")).then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("$", hasSize(4))
                .body("seq", is(List.of(4, 3, 2, 1)))
                .body("[0].action", is("scope.create"))
                .body("[3].action", is("workspace.create"))
                .extract().asString();
        var first = JsonPath.from(body).<String, Object>getMap("[0]");
        assertEquals(java.util.Set.of("id", "seq", "workspace_id", "at", "actor", "action", "target", "outcome",
                "request_id", "source_ip", "user_agent", "changes", "prev_hash", "hash", "key_version"), first.keySet());
        var events = JsonPath.from(body).getList("$", Map.class);
        for (int i = 0; i < events.size() - 1; i++) {
            assertEquals(events.get(i + 1).get("hash"), events.get(i).get("prev_hash"), "newer links to older");
        }
    }

    @Test
    void filtersNarrowTheLog() {
        var key = ws.createKey(Map.of("name", "filtered")).getString("id");
        as(ws.ownerKey(), requestId()).delete(ws.path("/api-keys/" + key)).then().statusCode(200);
        var reader = ws.createKey("reader", "service", List.of("keys:read")).getString("key");
        as(reader, requestId()).body(Map.of("name", "nope")).post(ws.path("/api-keys")).then().statusCode(403);

        var owner = given().auth().oauth2(ws.ownerKey());
        owner.queryParam("action", "api_key.revoke").get(ws.path("/audit-log")).then().statusCode(200)
                .body("$", hasSize(1)).body("[0].target.id", is(key));
        given().auth().oauth2(ws.ownerKey()).queryParam("target_id", key).get(ws.path("/audit-log")).then()
                .statusCode(200).body("action", is(List.of("api_key.revoke", "api_key.create")));
        given().auth().oauth2(ws.ownerKey()).queryParam("actor_id", "operator").get(ws.path("/audit-log")).then()
                .statusCode(200).body("action", is(List.of("api_key.create", "service_account.create", "workspace.create")));
        given().auth().oauth2(ws.ownerKey()).queryParam("actor_id", ws.ownerAccountId()).get(ws.path("/audit-log"))
                .then().statusCode(200).body("actor.id", everyItem(is(ws.ownerAccountId())))
                .body("$", hasSize(5)); // database:read, create, revoke, the reader's create, the reader's denial
        given().auth().oauth2(ws.ownerKey()).queryParam("outcome", "denied").get(ws.path("/audit-log")).then()
                .statusCode(200).body("$", hasSize(1)).body("[0].action", is("access.denied"));
        given().auth().oauth2(ws.ownerKey()).queryParam("outcome", "success").get(ws.path("/audit-log")).then()
                .statusCode(200).body("outcome", everyItem(is("success"))).body("action", not(hasItem("access.denied")));
        given().auth().oauth2(ws.ownerKey()).queryParam("action", "api_key.create").queryParam("target_id", key)
                .get(ws.path("/audit-log")).then().statusCode(200).body("$", hasSize(1));
        given().auth().oauth2(ws.ownerKey()).queryParam("action", "no.such").get(ws.path("/audit-log")).then()
                .statusCode(200).body("$", hasSize(0));
    }

    @Test
    void sinceAndUntilBoundTheTimeRange() {
        var all = AuditTrail.all(ws);
        var oldest = Instant.parse((String) all.get(all.size() - 1).get("at"));
        var newest = Instant.parse((String) all.get(0).get("at"));
        var total = all.size();

        given().auth().oauth2(ws.ownerKey()).queryParam("since", oldest.toString()).get(ws.path("/audit-log"))
                .then().statusCode(200).body("$", hasSize(total)); // inclusive
        given().auth().oauth2(ws.ownerKey()).queryParam("until", oldest.toString()).get(ws.path("/audit-log"))
                .then().statusCode(200).body("$", hasSize(0)); // exclusive
        given().auth().oauth2(ws.ownerKey()).queryParam("since", newest.plusMillis(1).toString())
                .get(ws.path("/audit-log")).then().statusCode(200).body("$", hasSize(0));
        // any RFC 3339 offset names the same instant
        var inPlusTwo = oldest.atOffset(ZoneOffset.ofHours(2)).toString();
        given().auth().oauth2(ws.ownerKey()).queryParam("since", inPlusTwo)
                .queryParam("until", newest.plus(1, ChronoUnit.MINUTES).toString())
                .get(ws.path("/audit-log")).then().statusCode(200).body("$", hasSize(total));
    }

    @Test
    void badFiltersAndPagingAre400NamingTheField() {
        assertBadQuery("since", "yesterday", "since");
        assertBadQuery("since", "2026-01-15", "since");
        assertBadQuery("until", "2026-13-01T00:00:00Z", "until");
        assertBadQuery("until", "2026-01-15T09:30:00", "until"); // no offset: not RFC 3339
        assertBadQuery("outcome", "maybe", "outcome");
        assertBadQuery("limit", "0", "limit");
        assertBadQuery("limit", "201", "limit");
        assertBadQuery("limit", "ten", "limit");
        assertBadQuery("cursor", "not-a-cursor", "cursor");
        assertBadQuery("cursor", io.keyplane.common.PageRequest.cursorOf(Instant.now(), UUID.randomUUID()), "cursor");
        given().auth().oauth2(ws.ownerKey()).queryParam("since", "2026-02-01T00:00:00Z")
                .queryParam("until", "2026-01-01T00:00:00Z").get(ws.path("/audit-log"))
                .then().statusCode(400).body("code", is("validation_failed")).body("errors.field", hasItem("since"));
    }

    @Test
    void oneAnswerNamesEveryBadParameter() {
        given().auth().oauth2(ws.ownerKey()).queryParam("limit", "ten").queryParam("outcome", "maybe")
                .queryParam("since", "yesterday").queryParam("until", "tomorrow").get(ws.path("/audit-log"))
                .then().statusCode(400).body("code", is("validation_failed"))
                .body("errors.field", contains("limit", "outcome", "since", "until"));
        given().auth().oauth2(ws.ownerKey()).queryParam("from_seq", "0").queryParam("to_seq", "last")
                .get(ws.path("/audit-log/export")).then().statusCode(400)
                .body("errors.field", contains("from_seq", "to_seq"));
    }

    void assertBadQuery(String param, String value, String field) {
        given().auth().oauth2(ws.ownerKey()).queryParam(param, value).get(ws.path("/audit-log"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed")).body("errors[0].field", is(field));
    }

    @Test
    void pagesFollowTheLinkHeaderWithoutGapsOrRepeats() {
        for (int i = 0; i < 4; i++) {
            as(ws.ownerKey(), requestId()).body(Map.of("name", "paged:s" + i)).post(ws.path("/scopes"))
                    .then().statusCode(201);
        }
        // 3 bootstrap events, database:read and 4 more scopes: 8
        var seen = new ArrayList<Integer>();
        String next = ws.path("/audit-log?limit=3");
        int pages = 0;
        while (next != null) {
            var response = given().auth().oauth2(ws.ownerKey()).get(next).then().statusCode(200).extract();
            List<Integer> seqs = response.jsonPath().getList("seq");
            assertTrue(seqs.size() <= 3);
            seen.addAll(seqs);
            var link = response.header("Link");
            if (link != null) {
                assertTrue(link.matches("<[^>]+cursor=[^>]+>; rel=\"next\""), link);
                assertTrue(link.contains("limit=3"), link);
                next = link.substring(1, link.indexOf('>'));
            } else {
                next = null;
            }
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(List.of(8, 7, 6, 5, 4, 3, 2, 1), seen);

        // filters are kept on the next page
        var first = given().auth().oauth2(ws.ownerKey()).queryParam("action", "scope.create").queryParam("limit", 3)
                .get(ws.path("/audit-log")).then().statusCode(200).body("seq", is(List.of(8, 7, 6))).extract();
        var link = first.header("Link");
        assertTrue(link.contains("action=scope.create"), link);
        given().auth().oauth2(ws.ownerKey()).get(link.substring(1, link.indexOf('>'))).then().statusCode(200)
                .body("seq", is(List.of(5, 4))).header("Link", nullValue());
    }

    // --- who may read it ---

    @Test
    void readingTheLogNeedsAuditRead() {
        var reader = ws.createKey("reader", "service", List.of("keys:read")).getString("key");
        for (var path : List.of("/audit-log", "/audit-log/verify", "/audit-log/export")) {
            given().auth().oauth2(reader).get(ws.path(path)).then().statusCode(403)
                    .contentType("application/problem+json")
                    .body("code", is("insufficient_scope")).body("required_scopes", is(List.of("audit:read")));
        }
        var auditor = ws.createKey("auditor", "service", List.of("audit:read")).getString("key");
        given().auth().oauth2(auditor).get(ws.path("/audit-log")).then().statusCode(200)
                .body("action", hasItem("access.denied"));
        given().auth().oauth2(auditor).get(ws.path("/audit-log/verify")).then().statusCode(200).body("valid", is(true));
    }

    @Test
    void anotherWorkspacesLogIsWorkspaceMismatch() {
        var other = TestWorkspace.create();
        for (var path : List.of("/audit-log", "/audit-log/verify", "/audit-log/export")) {
            given().auth().oauth2(ws.ownerKey()).get(other.path(path)).then().statusCode(403)
                    .contentType("application/problem+json").body("code", is("workspace_mismatch"));
        }
        given().auth().oauth2(other.ownerKey()).get(other.path("/audit-log")).then().statusCode(200)
                .body("workspace_id", everyItem(is(other.id()))).body("outcome", everyItem(is("success")));
    }

    @Test
    void theOperatorReadsAnyLogAndAnUnknownWorkspaceIs404() {
        given().auth().oauth2(OPERATOR).get(ws.path("/audit-log")).then().statusCode(200).body("$", hasSize(4));
        given().auth().oauth2(OPERATOR).get("/api/v1/workspaces/" + UUID.randomUUID() + "/audit-log")
                .then().statusCode(404).body("code", is("not_found"));
        given().auth().oauth2(OPERATOR).get("/api/v1/workspaces/" + UUID.randomUUID() + "/audit-log/export")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not_found"));
    }

    @Test
    void noEventOrResponseOfTheLogCarriesAKey() {
        var api = ws.createKey("plain-api", "api", List.of("database:read"));
        var ingest = ws.createKey("plain-ingest", "ingest", List.of("database:read"));
        var service = ws.createKey("plain-service", "service", List.of("keys:read"));
        var rotated = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("grace_period_seconds", 30)).post(ws.path("/api-keys/" + api.getString("id") + "/rotate"))
                .then().statusCode(201).extract().<String>path("key");
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + ingest.getString("id") + "/reveal"))
                .then().statusCode(200);
        given().auth().oauth2(api.getString("key")).get(ws.path("/api-keys")).then().statusCode(403);

        var bodies = new ArrayList<String>();
        String next = ws.path("/audit-log?limit=5");
        while (next != null) {
            var response = given().auth().oauth2(ws.ownerKey()).get(next).then().statusCode(200).extract();
            bodies.add(response.asString());
            var link = response.header("Link");
            next = link == null ? null : link.substring(1, link.indexOf('>'));
        }
        bodies.add(given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/export")).then().statusCode(200)
                .extract().asString());
        bodies.add(given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200)
                .extract().asString());
        for (var body : bodies) {
            assertFalse(body.contains("kp_"), "no key value or prefix in the audit log: " + body);
            for (var secret : List.of(api.getString("key"), ingest.getString("key"), service.getString("key"),
                    rotated, ws.ownerKey())) {
                assertFalse(body.contains(secret.substring(8)));
            }
        }
        var stored = io.keyplane.support.TestDatabase.query(
                "select count(*) as n from audit_event where workspace_id = ? and changes like '%kp\\_%'", ws.id());
        assertEquals(0L, stored.get(0).get("n"));
    }

    // --- export ---

    @Test
    void exportIsJsonLinesOldestFirstWithinTheSeqRange() {
        var listed = AuditTrail.all(ws);
        var text = given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/export")).then().statusCode(200)
                .contentType(containsString("application/x-ndjson")).extract().asString();
        var lines = text.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(listed.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            var event = JsonPath.from(lines.get(i)).<String, Object>getMap("$");
            assertEquals(i + 1, event.get("seq"));
            assertEquals(listed.get(listed.size() - 1 - i), event, "same object as the list");
        }

        var range = given().auth().oauth2(ws.ownerKey()).queryParam("from_seq", 2).queryParam("to_seq", 3)
                .get(ws.path("/audit-log/export")).then().statusCode(200).extract().asString()
                .lines().filter(l -> !l.isBlank()).map(l -> JsonPath.from(l).getInt("seq")).toList();
        assertEquals(List.of(2, 3), range);
        var tail = given().auth().oauth2(ws.ownerKey()).queryParam("from_seq", 4).queryParam("to_seq", 1000)
                .get(ws.path("/audit-log/export")).then().statusCode(200).extract().asString()
                .lines().filter(l -> !l.isBlank()).map(l -> JsonPath.from(l).getInt("seq")).toList();
        assertEquals(List.of(4), tail);
        var past = given().auth().oauth2(ws.ownerKey()).queryParam("from_seq", 50)
                .get(ws.path("/audit-log/export")).then().statusCode(200).extract().asString();
        assertTrue(past.isBlank());
    }

    @Test
    void badExportRangesAre400() {
        for (var bad : List.of(Map.of("from_seq", "0"), Map.of("from_seq", "first"), Map.of("to_seq", "-1"),
                Map.of("from_seq", "5", "to_seq", "2"))) {
            given().auth().oauth2(ws.ownerKey()).queryParams(bad).get(ws.path("/audit-log/export")).then()
                    .statusCode(400).contentType("application/problem+json").body("code", is("validation_failed"))
                    .body("errors[0].field", is(bad.containsKey("from_seq") ? "from_seq" : "to_seq"));
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheAuditLog() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/workspaces/{workspaceId}/audit-log'.get.tags", hasItem("Audit log"))
                .body("paths.'/api/v1/workspaces/{workspaceId}/audit-log/verify'.get.summary", containsString("Verify"))
                .body("paths.'/api/v1/workspaces/{workspaceId}/audit-log/export'.get.responses.'200'.content",
                        org.hamcrest.Matchers.hasKey("application/x-ndjson"))
                .body("components.schemas.AuditEvent.properties.changes.type", is("object"))
                .body("components.schemas.AuditEvent.properties.seq.type", is("integer"))
                .body("components.schemas.AuditVerification.properties.first_bad_seq.type", is("integer"))
                .body("paths.'/api/v1/workspaces/{workspaceId}/audit-log'.get.responses.'403'.description",
                        containsString("insufficient_scope"));
    }
}
