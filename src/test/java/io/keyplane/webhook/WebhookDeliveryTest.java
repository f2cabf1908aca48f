package io.keyplane.webhook;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Deliveries to a real HTTP receiver in this JVM (so private addresses are allowed, as tests may): signatures,
 * event order, retries after a 500, and an endpoint that keeps failing being disabled and audited. Polls each
 * second and retries fast, inside a 4-second window.
 */
@QuarkusTest
@TestProfile(WebhookDeliveryTest.FastDeliveries.class)
class WebhookDeliveryTest {

    public static class FastDeliveries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.webhook.allow-private", "true",
                    "keyplane.webhook.poll-interval", "1s",
                    "keyplane.webhook.first-retry", "200ms",
                    "keyplane.webhook.retry-window", "4s",
                    "keyplane.webhook.timeout", "2s");
        }
    }

    static final Duration PATIENCE = Duration.ofSeconds(20);
    static WebhookReceiver receiver;

    TestWorkspace ws;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
    }

    @AfterEach
    void disableTheWorkspacesWebhooks() {
        TestDatabase.update("update webhook set status = 'disabled' where workspace_id = ?::uuid", ws.id());
    }

    JsonPath createWebhook(String path, List<String> events) {
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url(path), "events", events)).post(ws.path("/webhooks"))
                .then().statusCode(201).extract().jsonPath();
    }

    List<Map<String, Object>> deliveries(String webhookId) {
        return given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + webhookId + "/deliveries"))
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    String status(String webhookId) {
        return given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + webhookId)).then().statusCode(200)
                .extract().path("status");
    }

    @Test
    void eventsArriveSignedInTheOrderTheyHappened() {
        var webhook = createWebhook("/ordered", List.of("*"));
        var secret = webhook.getString("secret");
        var key = ws.createKey("billing", "api", List.of());
        var keyId = key.getString("id");
        for (var action : List.of("pause", "resume")) {
            given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + keyId + "/" + action)).then().statusCode(200);
        }
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + keyId)).then().statusCode(200);

        await().atMost(PATIENCE).until(() -> receiver.at("/ordered").size() >= 4);
        var got = receiver.at("/ordered");
        assertThat(got.stream().map(WebhookReceiver.Received::type).toList(),
                is(List.of("api_key.create", "api_key.pause", "api_key.resume", "api_key.revoke")));
        var now = Instant.now().getEpochSecond();
        for (var request : got) {
            assertThat(WebhookReceiver.verifies(secret, request, now), is(true));
            assertThat(request.contentType(), is("application/json"));
            var body = request.json();
            assertThat(body.getString("id"), is(request.eventId()));
            assertThat(body.getString("workspace_id"), is(ws.id()));
            assertThat(body.getString("created_at"), containsString("T"));
            assertThat(body.getString("data.target.type"), is("api_key"));
            assertThat(body.getString("data.target.id"), is(keyId));
            assertThat(body.getString("data.actor.type"), is("service_account"));
            assertThat(request.bodyText(), not(containsString(key.getString("key"))));
        }
        assertThat(got.get(3).json().getList("data.changes.status"), is(List.of("active", "revoked")));
        // a signature made with another secret, or over another body, does not verify
        assertThat(WebhookReceiver.verifies(WebhookSecrets.PREFIX + "x".repeat(43), got.get(0), now), is(false));
        var tampered = new WebhookReceiver.Received("/", got.get(0).eventId(), got.get(0).signature(), "",
                got.get(1).body());
        assertThat(WebhookReceiver.verifies(secret, tampered, now), is(false));

        var log = deliveries(webhook.getString("id"));
        assertThat(log.size(), is(4));
        for (var delivery : log) {
            assertThat(delivery.get("status"), is("succeeded"));
            assertThat(delivery.get("response_code"), is(200));
            assertThat(delivery.get("attempts"), is(1));
            assertThat(delivery.get("next_attempt_at"), nullValue());
        }
        // newest event first, and the ids are the events' ids
        assertThat(log.get(0).get("type"), is("api_key.revoke"));
        assertThat(log.get(0).get("event_id"), is(got.get(3).eventId()));
        var auditIds = TestDatabase.query("select id::text as id from audit_event where workspace_id = ?::uuid "
                + "and target_id = ?::text order by seq", ws.id(), keyId).stream().map(r -> r.get("id")).toList();
        assertThat(got.stream().map(WebhookReceiver.Received::eventId).toList(), is(auditIds));
    }

    @Test
    void onlySubscribedEventsAreSentAndARefusedCallSendsNothing() {
        var webhook = createWebhook("/revocations", List.of("api_key.revoke"));
        var keyId = ws.createKey("short-lived", "api", List.of()).getString("id");
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", "refused", "scopes", List.of("no:such"))).post(ws.path("/api-keys"))
                .then().statusCode(422);
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + keyId)).then().statusCode(200);

        await().atMost(PATIENCE).until(() -> receiver.at("/revocations").size() >= 1);
        assertThat(receiver.at("/revocations").get(0).type(), is("api_key.revoke"));
        // the create before it (not subscribed) and the refused create (no event) were never queued

        await().atMost(PATIENCE).until(() -> deliveries(webhook.getString("id")).size() == 1);
        assertThat(receiver.at("/revocations").size(), is(1));
    }

    @Test
    void aPatchTakesEffectForTheNextEventAndDisablingFailsWhatIsPending() {
        receiver.answer("/patched", 500);
        var id = createWebhook("/patched", List.of("api_key.pause")).getString("id");
        var keyId = ws.createKey("toggled", "api", List.of()).getString("id");
        given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + keyId + "/pause")).then().statusCode(200);
        await().atMost(PATIENCE).until(() -> receiver.at("/patched").size() >= 1);
        var pending = deliveries(id).get(0);
        assertThat(pending.get("status"), is("pending"));
        given().auth().oauth2(ws.ownerKey())
                .post(ws.path("/webhooks/" + id + "/deliveries/" + pending.get("id") + "/redeliver"))
                .then().statusCode(409).body("code", is("delivery_pending"));

        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("status", "disabled"))
                .patch(ws.path("/webhooks/" + id)).then().statusCode(200);
        var failed = deliveries(id).get(0);
        assertThat(failed.get("status"), is("failed"));
        assertThat(failed.get("next_attempt_at"), nullValue());

        receiver.answer("/patched", 200);
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("status", "active", "events", List.of("api_key.resume")))
                .patch(ws.path("/webhooks/" + id)).then().statusCode(200);
        given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + keyId + "/resume")).then().statusCode(200);
        given().auth().oauth2(ws.ownerKey()).post(ws.path("/api-keys/" + keyId + "/pause")).then().statusCode(200);
        await().atMost(PATIENCE).until(() -> receiver.at("/patched").stream()
                .anyMatch(r -> r.type().equals("api_key.resume")));
        // a few more polls: the pause after the PATCH is not subscribed any more, the failed one is not retried
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> deliveries(id).size() == 2);
        assertThat(receiver.at("/patched").stream().filter(r -> r.type().equals("api_key.resume")).count(), is(1L));
        assertThat(deliveries(id).get(0).get("type"), is("api_key.resume"));
        assertThat(deliveries(id).get(1).get("status"), is("failed"));
    }

    @Test
    void anEventFromARolledBackTransactionIsNeverSent() throws Exception {
        createWebhook("/rolled-back", List.of("*"));
        var other = TestWorkspace.create();
        try (var tx = TestDatabase.open()) {
            tx.setAutoCommit(false);
            // what an audit append does, uncommitted: lock the chain head, add the next event
            try (var head = tx.prepareStatement("select audit_seq, audit_head from workspace where id = ?::uuid for update")) {
                head.setString(1, ws.id());
                var rs = head.executeQuery();
                rs.next();
                long seq = rs.getLong(1) + 1;
                try (var insert = tx.prepareStatement("""
                        insert into audit_event (id, workspace_id, seq, at, actor_type, actor_id, action, target_type,
                                                 target_id, outcome, changes, prev_hash, hash, key_version)
                        values (gen_random_uuid(), ?::uuid, ?, now(), 'operator', 'operator', 'api_key.revoke',
                                'api_key', 'rolled-back', 'success', '{}', ?, repeat('0', 64), 1)""");
                        var move = tx.prepareStatement("update workspace set audit_seq = ? where id = ?::uuid")) {
                    insert.setString(1, ws.id());
                    insert.setLong(2, seq);
                    insert.setString(3, rs.getString(2));
                    insert.executeUpdate();
                    move.setLong(1, seq);
                    move.setString(2, ws.id());
                    move.executeUpdate();
                }
            }
            // the worker polls meanwhile: another workspace's event goes out
            given().auth().oauth2(other.ownerKey()).contentType(ContentType.JSON)
                    .body(Map.of("url", receiver.url("/other"), "events", List.of("api_key.create")))
                    .post(other.path("/webhooks")).then().statusCode(201);
            other.createKey("meanwhile", "api", List.of());
            await().atMost(PATIENCE).until(() -> receiver.at("/other").size() == 1);
            tx.rollback();
        } finally {
            TestDatabase.update("update webhook set status = 'disabled' where workspace_id = ?::uuid", other.id());
        }
        var keyId = ws.createKey("after", "api", List.of()).getString("id");
        await().atMost(PATIENCE).until(() -> receiver.at("/rolled-back").size() >= 1);
        assertThat(receiver.at("/rolled-back").get(0).json().getString("data.target.id"), is(keyId));
        assertThat(receiver.at("/rolled-back").stream().noneMatch(r -> r.bodyText().contains("rolled-back")), is(true));
    }

    @Test
    void aDeliveryAnswered500IsRetriedWithTheSameEventId() {
        receiver.plan("/flaky", 500);
        var webhook = createWebhook("/flaky", List.of("api_key.create"));
        ws.createKey("retried", "api", List.of());

        await().atMost(PATIENCE).until(() -> receiver.at("/flaky").size() >= 2);
        var attempts = receiver.at("/flaky");
        assertThat(attempts.get(1).eventId(), is(attempts.get(0).eventId()));
        assertThat(attempts.get(1).bodyText(), is(attempts.get(0).bodyText()));
        assertThat(WebhookReceiver.verifies(webhook.getString("secret"), attempts.get(1), Instant.now().getEpochSecond()),
                is(true));
        await().atMost(PATIENCE).until(() -> "succeeded".equals(deliveries(webhook.getString("id")).get(0).get("status")));
        var delivery = deliveries(webhook.getString("id")).get(0);
        assertThat(delivery.get("attempts"), is(2));
        assertThat(delivery.get("response_code"), is(200));
        assertThat(delivery.get("last_error"), nullValue());
        assertThat(status(webhook.getString("id")), is("active"));
    }

    @Test
    void anEndpointThatKeepsFailingIsDisabledAndAuditedThenRedeliveredByHand() {
        receiver.answer("/down", 503);
        var webhook = createWebhook("/down", List.of("api_key.create"));
        var id = webhook.getString("id");
        ws.createKey("never-delivered", "api", List.of());

        await().atMost(PATIENCE).until(() -> "disabled".equals(status(id)));
        var delivery = deliveries(id).get(0);
        assertThat(delivery.get("status"), is("failed"));
        assertThat((Integer) delivery.get("attempts"), greaterThanOrEqualTo(3));
        assertThat(delivery.get("response_code"), is(503));
        assertThat(delivery.get("last_error"), is("HTTP 503"));
        assertThat(delivery.get("next_attempt_at"), nullValue());
        var audited = TestDatabase.query("select actor_type, changes::text as changes from audit_event "
                + "where target_id = ?::text and action = 'webhook.disable'", id);
        assertThat(audited.size(), is(1));
        assertThat(audited.get(0).get("actor_type"), is("operator"));
        assertThat((String) audited.get(0).get("changes"), containsString("\"status\":[\"active\",\"disabled\"]"));
        int attemptsWhenDisabled = receiver.at("/down").size();

        var redeliver = ws.path("/webhooks/" + id + "/deliveries/" + delivery.get("id") + "/redeliver");
        given().auth().oauth2(ws.ownerKey()).post(redeliver).then().statusCode(409).body("code", is("webhook_disabled"));
        receiver.answer("/down", 204);
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("status", "active"))
                .patch(ws.path("/webhooks/" + id)).then().statusCode(200).body("status", is("active"));
        given().auth().oauth2(ws.ownerKey()).post(redeliver).then().statusCode(202)
                .body("status", is("pending")).body("id", is(delivery.get("id")));
        await().atMost(PATIENCE).until(() -> "succeeded".equals(deliveries(id).get(0).get("status")));
        var again = receiver.at("/down");
        assertThat(again.size(), is(attemptsWhenDisabled + 1));
        assertThat(again.get(again.size() - 1).eventId(), is(delivery.get("event_id")));
        assertThat(deliveries(id).get(0).get("response_code"), is(204));
        given().auth().oauth2(ws.ownerKey()).post(redeliver).then().statusCode(202);
    }

    @Test
    void anEndpointFailingForLongerThanTheWindowIsDisabledAtItsNextDueRetryNotAtTheMinutesCheck() {
        receiver.answer("/late", 503);
        var id = createWebhook("/late", List.of("api_key.create")).getString("id");
        ws.createKey("late", "api", List.of());
        await().atMost(PATIENCE).until(() -> receiver.at("/late").size() >= 1);
        // as if it had been failing for an hour and its retry came due only after the poll that would have seen
        // the window end (what a slow machine does): the retry still happens, and reports the endpoint given up
        TestDatabase.update("update webhook set failing_since = now() - interval '1 hour' where id = ?::uuid", id);
        TestDatabase.update("""
                update webhook_delivery set first_attempt_at = now() - interval '1 hour', next_attempt_at = now(),
                       retry_until = now() + interval '1 hour'
                where webhook_id = ?::uuid and status = 'pending'""", id);

        await().atMost(PATIENCE).until(() -> "disabled".equals(status(id)));
        assertThat(deliveries(id).get(0).get("status"), is("failed"));
        assertThat(TestDatabase.query("select 1 from audit_event where target_id = ?::text and action = 'webhook.disable'",
                id).size(), is(1));
    }

    @Test
    void anUnreachableEndpointIsRecordedWithoutAResponseCode() {
        var webhook = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("url", "http://127.0.0.1:1/nobody-listens", "events", List.of("api_key.create")))
                .post(ws.path("/webhooks")).then().statusCode(201).extract().<String>path("id");
        ws.createKey("unreachable", "api", List.of());
        await().atMost(PATIENCE).until(() -> {
            var log = deliveries(webhook);
            return !log.isEmpty() && Objects.equals(log.get(0).get("last_error"), "connection refused");
        });
        assertThat(deliveries(webhook).get(0).get("response_code"), nullValue());
    }
}
