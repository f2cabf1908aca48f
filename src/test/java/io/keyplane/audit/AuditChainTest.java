package io.keyplane.audit;

import static io.keyplane.audit.AuditTrail.as;
import static io.keyplane.audit.AuditTrail.requestId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class AuditChainTest {

    TestWorkspace ws;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create(); // seq 1-3: workspace, owner account, bootstrap key
        as(ws.ownerKey(), requestId()).body(Map.of("name", "database:read")).post(ws.path("/scopes"))
                .then().statusCode(201);
        var key = ws.createKey(Map.of("name", "chained")).getString("id");
        as(ws.ownerKey(), requestId()).post(ws.path("/api-keys/" + key + "/pause")).then().statusCode(200);
    }

    /** The test profile's KEYPLANE_AUDIT_KEY: what an insider who holds the key could hash with. */
    static final byte[] AUDIT_KEY = "dev-and-test-only-audit-key-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** A whole walk, whatever an earlier verification checkpointed. */
    JsonPath verify() {
        return given().auth().oauth2(ws.ownerKey()).queryParam("full", true).get(ws.path("/audit-log/verify")).then()
                .statusCode(200).extract().jsonPath();
    }

    JsonPath verifySinceCheckpoint() {
        return given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200)
                .extract().jsonPath();
    }

    long count() {
        return (Long) TestDatabase.query("select count(*) as n from audit_event where workspace_id = ?", ws.id())
                .get(0).get("n");
    }

    String hashAt(long seq) {
        return (String) TestDatabase.query("select hash from audit_event where workspace_id = ? and seq = ?", ws.id(), seq)
                .get(0).get("hash");
    }

    void assertBrokenAt(long seq) {
        var report = verify();
        assertEquals(false, report.getBoolean("valid"), report.prettify());
        assertEquals(seq, report.getLong("first_bad_seq"), report.prettify());
        assertFalse(report.getString("reason").isBlank());
        assertEquals(count(), report.getLong("events"));
        assertFalse(report.getMap("$").containsKey("head"));
    }

    @Test
    void anUntouchedChainIsValidWithItsHead() {
        // a denied call is appended in its own transaction and keeps the chain intact
        var reader = ws.createKey("reader", "service", List.of("keys:read")).getString("key");
        given().auth().oauth2(reader).get(ws.path("/audit-log")).then().statusCode(403);

        var n = count();
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200)
                .body("valid", is(true))
                .body("events", is((int) n))
                .body("head", is(hashAt(n)))
                .body("$", not(org.hamcrest.Matchers.hasKey("first_bad_seq")))
                .body("$", not(org.hamcrest.Matchers.hasKey("reason")));
        var newest = given().auth().oauth2(ws.ownerKey()).queryParam("limit", 1).get(ws.path("/audit-log"))
                .then().extract().jsonPath();
        assertEquals(hashAt(n), newest.getString("[0].hash"));
        assertEquals(n, newest.getLong("[0].seq"));
        var head = TestDatabase.query("select audit_seq, audit_head from workspace where id = ?", ws.id()).get(0);
        assertEquals(n, head.get("audit_seq"));
        assertEquals(hashAt(n), head.get("audit_head"));
    }

    /** Each stored field is covered by the hash or the chain: changing any of them on seq 2 breaks it there. */
    @ParameterizedTest
    @ValueSource(strings = { "action = 'x'", "actor_type = 'operator_'", "actor_id = 'someone-else'",
            "actor_key_id = gen_random_uuid()", "target_type = 'scope'", "target_id = 'other'", "outcome = 'denied'",
            "request_id = 'forged'", "source_ip = '192.0.2.1'", "user_agent = 'forged/1.0'", "changes = '{}'",
            "at = at + interval '1 millisecond'", "id = gen_random_uuid()", "prev_hash = repeat('0', 64)",
            "hash = repeat('0', 64)", "seq = 1000", "key_version = 2", "key_version = 0" })
    void alteringAStoredFieldIsDetectedAtItsSeq(String assignment) {
        assertEquals(true, verify().getBoolean("valid"));
        assertEquals(1, TestDatabase.tamper("update audit_event set " + assignment + " where workspace_id = ? and seq = 2",
                ws.id()));
        assertBrokenAt(2);
    }

    @Test
    void recomputingTheAlteredEventsHashStillBreaksTheNextLink() {
        var rows = TestDatabase.query("select id from audit_event where workspace_id = ? and seq = 2", ws.id());
        TestDatabase.tamper("update audit_event set action = 'x' where workspace_id = ? and seq = 2", ws.id());
        var forged = load(2);
        TestDatabase.tamper("update audit_event set hash = ? where id = ?", AuditHasher.keyed(AUDIT_KEY, forged),
                rows.get(0).get("id"));
        assertBrokenAt(3);
    }

    @Test
    void withoutTheAuditKeyAnAlteredEventCannotBeRehashed() {
        TestDatabase.tamper("update audit_event set action = 'x' where workspace_id = ? and seq = 2", ws.id());
        var forged = load(2);
        forged.keyVersion = 0; // the plain SHA-256 anyone can compute
        TestDatabase.tamper("update audit_event set hash = ?, key_version = 0 where workspace_id = ? and seq = 2",
                unkeyed(forged), ws.id());
        assertBrokenAt(2);
        assertEquals(true, verify().getString("reason").contains("unkeyed"));
        var wrongKey = load(2);
        wrongKey.keyVersion = 1;
        TestDatabase.tamper("update audit_event set hash = ?, key_version = 1 where workspace_id = ? and seq = 2",
                AuditHasher.keyed("a-guess-at-the-audit-key-0123456789abcdef".getBytes(), wrongKey), ws.id());
        assertBrokenAt(2);
    }

    /**
     * Whoever can write the database rewrites the whole history as a chain of unkeyed (version 0) hashes, computed
     * without the audit key, head included: not a single event of it is accepted.
     */
    @Test
    void aWholeHistoryRewrittenWithUnkeyedHashesIsInvalid() {
        var n = count();
        var previousHash = "";
        for (long seq = 1; seq <= n; seq++) {
            var e = load(seq);
            e.action = seq == 2 ? "history.rewritten" : e.action;
            e.prevHash = previousHash;
            e.keyVersion = 0;
            e.hash = unkeyed(e);
            TestDatabase.tamper("update audit_event set action = ?, prev_hash = ?, key_version = 0, hash = ? "
                    + "where workspace_id = ? and seq = ?", e.action, e.prevHash, e.hash, ws.id(), seq);
            previousHash = e.hash;
        }
        TestDatabase.update("update workspace set audit_head = ? where id = ?", previousHash, ws.id());
        assertBrokenAt(1);
        assertEquals(true, verify().getString("reason").contains("unkeyed"), verify().prettify());
    }

    @Test
    void aTailCutBehindTheCheckpointIsInvalidNotIgnored() {
        assertEquals(true, verifySinceCheckpoint().getBoolean("valid"));
        var n = count();
        // the last two events go, and the head is moved back onto what is left: a consistent, shorter chain
        TestDatabase.tamper("delete from audit_event where workspace_id = ? and seq > ?", ws.id(), n - 2);
        TestDatabase.update("update workspace set audit_seq = ?, audit_head = ? where id = ?", n - 2, hashAt(n - 2),
                ws.id());
        var report = verifySinceCheckpoint();
        assertEquals(false, report.getBoolean("valid"), report.prettify());
        assertEquals(n - 1, report.getLong("first_bad_seq"));
        assertEquals(true, report.getString("reason").contains("gone"), report.prettify());
        assertEquals(n - 2, report.getLong("to_seq"));
        // the shorter chain is consistent in itself: the signed checkpoint is what remembers, for a full walk too
        var full = verify();
        assertEquals(false, full.getBoolean("valid"), full.prettify());
        assertEquals(n - 1, full.getLong("first_bad_seq"));
    }

    @Test
    void eachAnswerSaysWhichRangeItRecomputed() {
        var n = count();
        var first = verifySinceCheckpoint();
        assertEquals(List.of(true, 1L, n), List.of(first.getBoolean("valid"), first.getLong("from_seq"), first.getLong("to_seq")));
        as(ws.ownerKey(), requestId()).body(Map.of("name", "database:write")).post(ws.path("/scopes")).then().statusCode(201);
        var next = verifySinceCheckpoint();
        assertEquals(List.of(true, n + 1, n + 1), List.of(next.getBoolean("valid"), next.getLong("from_seq"), next.getLong("to_seq")));
        assertEquals(n + 1, next.getLong("events"));
        var nothingNew = verifySinceCheckpoint();
        assertEquals(List.of(true, n + 2, n + 1),
                List.of(nothingNew.getBoolean("valid"), nothingNew.getLong("from_seq"), nothingNew.getLong("to_seq")));
        var full = verify();
        assertEquals(List.of(1L, n + 1), List.of(full.getLong("from_seq"), full.getLong("to_seq")));
        TestDatabase.tamper("update audit_event set action = 'x' where workspace_id = ? and seq = 2", ws.id());
        var broken = verify();
        assertEquals(List.of(false, 1L, n + 1), List.of(broken.getBoolean("valid"), broken.getLong("from_seq"),
                broken.getLong("to_seq")));
    }

    @Test
    void theDatabaseRefusesToChangeOrDeleteAuditEvents() {
        for (var sql : List.of("update audit_event set action = 'x' where workspace_id = ?",
                "delete from audit_event where workspace_id = ?")) {
            var refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> TestDatabase.update(sql, ws.id()));
            org.junit.jupiter.api.Assertions.assertTrue(refused.getCause().getMessage().contains("append-only"),
                    refused.getCause().getMessage());
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> TestDatabase.update("truncate audit_event cascade"));
        assertEquals(true, verify().getBoolean("valid"));
    }

    @Test
    void aVerificationWalksOnlyWhatCameSinceTheLastOneUnlessAskedForAll() {
        assertEquals(true, verifySinceCheckpoint().getBoolean("valid"));
        var checkpointed = count();
        as(ws.ownerKey(), requestId()).body(Map.of("name", "database:write")).post(ws.path("/scopes")).then().statusCode(201);
        // a change to an event after the checkpoint is found by the next, incremental, verification
        TestDatabase.tamper("update audit_event set action = 'x' where workspace_id = ? and seq = ?", ws.id(),
                checkpointed + 1);
        var report = verifySinceCheckpoint();
        assertEquals(false, report.getBoolean("valid"));
        assertEquals(checkpointed + 1, report.getLong("first_bad_seq"));
        assertEquals(count(), report.getLong("events"), "events counts the whole chain, checkpointed ones included");
        // one before the checkpoint needs full=true (a checkpoint vouches for what it covered)
        TestDatabase.tamper("update audit_event set action = 'y' where workspace_id = ? and seq = 2", ws.id());
        assertEquals(2, verify().getLong("first_bad_seq"));
    }

    @Test
    void aCheckpointMovedWithoutTheKeyIsIgnored() {
        assertEquals(true, verifySinceCheckpoint().getBoolean("valid"));
        TestDatabase.tamper("update audit_event set action = 'x' where workspace_id = ? and seq = 2", ws.id());
        // moving the checkpoint needs its MAC: a forged one makes the next verification walk from the start
        TestDatabase.update("update audit_checkpoint set mac = repeat('0', 64) where workspace_id = ?", ws.id());
        assertEquals(2, verifySinceCheckpoint().getLong("first_bad_seq"));
    }

    @Test
    void deletingTheLastEventIsDetected() {
        var n = count();
        assertEquals(1, TestDatabase.tamper("delete from audit_event where workspace_id = ? and seq = ?", ws.id(), n));
        assertBrokenAt(n);
        assertEquals(true, verify().getString("reason").contains("missing"));
    }

    @Test
    void deletingAnEventInTheMiddleIsDetected() {
        TestDatabase.tamper("delete from audit_event where workspace_id = ? and seq = 3", ws.id());
        assertBrokenAt(3);
    }

    @Test
    void aWorkspaceHeadThatIsNotTheLastEventIsDetected() {
        TestDatabase.update("update workspace set audit_head = repeat('0', 64) where id = ?", ws.id());
        assertBrokenAt(count());
    }

    @Test
    void aWellFormedEventSlippedInBeyondTheHeadIsDetected() {
        var n = count();
        var last = load(n);
        insert(List.of(successor(last, "x.forged")));
        var report = verify();
        assertEquals(false, report.getBoolean("valid"));
        assertEquals(n + 1, report.getLong("first_bad_seq"));
    }

    @Test
    void longChainsAreWalkedInBatches() throws Exception {
        // more than two batches of events, chained exactly as AuditLog chains them
        var previous = load(count());
        var synthetic = new ArrayList<AuditEvent>();
        for (int i = 0; i < 1100; i++) {
            previous = successor(previous, "test.synthetic");
            synthetic.add(previous);
        }
        insert(synthetic);
        TestDatabase.update("update workspace set audit_seq = ?, audit_head = ? where id = ?", previous.seq,
                previous.hash, ws.id());
        var n = count();
        assertEquals(previous.seq, n);

        given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200)
                .body("valid", is(true)).body("events", is((int) n)).body("head", is(previous.hash));
        var exported = given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/export")).then().statusCode(200)
                .extract().asString().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(n, exported.size());
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < exported.size(); i++) {
            assertEquals(i + 1, json.readTree(exported.get(i)).get("seq").asLong());
        }

        TestDatabase.tamper("update audit_event set user_agent = 'x' where workspace_id = ? and seq = ?", ws.id(), n - 7);
        assertBrokenAt(n - 7);
    }

    @Test
    void concurrentChangesAndDenialsKeepTheChainValid() throws Exception {
        var reader = ws.createKey("reader", "service", List.of("keys:read")).getString("key");
        var pool = Executors.newFixedThreadPool(16);
        try {
            var calls = new ArrayList<Callable<Integer>>();
            for (int i = 0; i < 24; i++) {
                int n = i;
                calls.add(() -> n % 2 == 0
                        ? as(ws.ownerKey(), requestId()).body(Map.of("name", "burst:s" + n)).post(ws.path("/scopes"))
                                .then().extract().statusCode()
                        : as(reader, requestId()).body(Map.of("name", "nope")).post(ws.path("/api-keys"))
                                .then().extract().statusCode());
            }
            for (var f : pool.invokeAll(calls)) {
                assertEquals(true, f.get() == 201 || f.get() == 403);
            }
        } finally {
            pool.shutdownNow();
        }
        var seqs = TestDatabase.query("select seq from audit_event where workspace_id = ? order by seq", ws.id())
                .stream().map(r -> (Long) r.get("seq")).toList();
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1L, seqs.get(i));
        }
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200)
                .body("valid", is(true)).body("events", is(seqs.size())).body("head", not(emptyOrNullString()));
        // the 12 identical refusals: the first as its own event, the 11 repeats as one more with their count once
        // the window (1 s in tests) closes; the chain stays valid with that event appended
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            var denied = given().auth().oauth2(ws.ownerKey()).queryParam("outcome", "denied").queryParam("limit", 200)
                    .get(ws.path("/audit-log")).then().statusCode(200).body("size()", is(2))
                    .body("[0].target.id", containsString("/api-keys")).extract().jsonPath();
            assertEquals(java.util.Arrays.asList(null, 11), denied.getList("[0].changes.count"));
            org.junit.jupiter.api.Assertions.assertNull(denied.get("[1].changes.count"));
        });
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200).body("valid", is(true));
    }

    // --- helpers: events as stored, and well-formed forgeries ---

    AuditEvent load(long seq) {
        var row = TestDatabase.query("select * from audit_event where workspace_id = ? and seq = ?", ws.id(), seq).get(0);
        var e = new AuditEvent();
        e.id = (UUID) row.get("id");
        e.workspaceId = (UUID) row.get("workspace_id");
        e.seq = (Long) row.get("seq");
        e.at = ((java.sql.Timestamp) row.get("at")).toInstant();
        e.actorType = (String) row.get("actor_type");
        e.actorId = (String) row.get("actor_id");
        e.actorKeyId = (UUID) row.get("actor_key_id");
        e.action = (String) row.get("action");
        e.targetType = (String) row.get("target_type");
        e.targetId = (String) row.get("target_id");
        e.outcome = (String) row.get("outcome");
        e.requestId = (String) row.get("request_id");
        e.sourceIp = (String) row.get("source_ip");
        e.userAgent = (String) row.get("user_agent");
        e.changes = (String) row.get("changes");
        e.prevHash = (String) row.get("prev_hash");
        e.hash = (String) row.get("hash");
        e.keyVersion = ((Number) row.get("key_version")).shortValue();
        return e;
    }

    /** The plain SHA-256 of an event's canonical form: what anyone can compute without the audit key. */
    static String unkeyed(AuditEvent e) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(AuditHasher.canonicalJson(e).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static AuditEvent successor(AuditEvent previous, String action) {
        var e = new AuditEvent();
        e.id = UUID.randomUUID();
        e.workspaceId = previous.workspaceId;
        e.seq = previous.seq + 1;
        e.at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        e.actorType = "operator";
        e.actorId = "operator";
        e.action = action;
        e.targetType = "workspace";
        e.targetId = previous.workspaceId.toString();
        e.outcome = "success";
        e.requestId = "synthetic-" + e.seq;
        e.changes = "{}";
        e.prevHash = previous.hash;
        e.keyVersion = 1;
        e.hash = AuditHasher.keyed(AUDIT_KEY, e);
        return e;
    }

    static void insert(List<AuditEvent> events) {
        for (int from = 0; from < events.size(); from += 500) {
            var chunk = events.subList(from, Math.min(events.size(), from + 500));
            var sql = new StringBuilder("insert into audit_event (id, workspace_id, seq, at, actor_type, actor_id, "
                    + "actor_key_id, action, target_type, target_id, outcome, request_id, source_ip, user_agent, changes, "
                    + "prev_hash, hash, key_version) values ");
            var params = new ArrayList<Object>();
            for (var e : chunk) {
                sql.append(params.isEmpty() ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                params.addAll(java.util.Arrays.asList(e.id, e.workspaceId, e.seq, e.at.atOffset(ZoneOffset.UTC),
                        e.actorType, e.actorId, e.actorKeyId, e.action, e.targetType, e.targetId, e.outcome, e.requestId,
                        e.sourceIp, e.userAgent, e.changes, e.prevHash, e.hash, e.keyVersion));
            }
            TestDatabase.update(sql.toString(), params.toArray());
        }
    }
}
