package io.keyplane.webhook;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.keyplane.support.SilentServer;
import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * One tenant cannot crowd out the others' webhooks (API.md 10.1): a workspace at its cap of 16 webhooks, every one
 * pointed at a tarpit that accepts and never answers, beside another workspace's webhook on a fast receiver. With
 * production's delivery timeout (10 s) and poll (1 s), the other workspace's first attempt must come within 5 s.
 */
@QuarkusTest
@TestProfile(WebhookFairnessTest.ProductionTimings.class)
class WebhookFairnessTest {

    public static class ProductionTimings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.webhook.allow-private", "true", "keyplane.webhook.poll-interval", "1s");
        }
    }

    static WebhookReceiver receiver;
    TestWorkspace noisy;
    TestWorkspace quiet;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @AfterEach
    void disableTheWebhooks() {
        for (var ws : List.of(noisy, quiet)) {
            if (ws != null) {
                TestDatabase.update("update webhook set status = 'disabled' where workspace_id = ?::uuid", ws.id());
            }
        }
    }

    static void webhook(TestWorkspace ws, String url) {
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("url", url, "events", List.of("*")))
                .post(ws.path("/webhooks")).then().statusCode(201);
    }

    static void anEvent(TestWorkspace ws, String scope) {
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", scope))
                .post(ws.path("/scopes")).then().statusCode(201);
    }

    static long count(String sql, Object... params) {
        return ((Number) TestDatabase.query(sql, params).get(0).get("n")).longValue();
    }

    @Test
    void aWorkspaceWhoseWebhooksAllHangDoesNotDelayAnotherWorkspacesFirstAttempt() {
        noisy = TestWorkspace.create();
        quiet = TestWorkspace.create();
        // all 16 become due in the same instant: made, disabled, given an event, then switched on together
        for (int i = 0; i < 16; i++) {
            webhook(noisy, "http://127.0.0.1:" + SilentServer.port() + "/tarpit-" + i);
        }
        TestDatabase.update("update webhook set status = 'disabled', version = version + 1 where workspace_id = ?::uuid",
                noisy.id());
        anEvent(noisy, "noise:a");
        await().atMost(Duration.ofSeconds(70)).until(() -> count("select count(*) as n from webhook "
                + "where workspace_id = ?::uuid and lease_token is not null", noisy.id()) == 0);
        TestDatabase.update("update webhook set status = 'active', version = version + 1 where workspace_id = ?::uuid",
                noisy.id());
        int acceptedBeforeTheNoise = SilentServer.accepted();
        await().atMost(Duration.ofSeconds(10)).until(() -> SilentServer.accepted() - acceptedBeforeTheNoise
                >= DeliveryWorker.MAX_LEASED_PER_WORKSPACE);

        webhook(quiet, receiver.url("/quiet"));
        long started = System.nanoTime();
        anEvent(quiet, "quiet:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.at("/quiet").isEmpty());
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        int hanging = SilentServer.accepted() - acceptedBeforeTheNoise;

        assertTrue(waitedMillis <= 5_000, "the quiet workspace's first attempt came after " + waitedMillis + " ms");
        // within one 10 s timeout, the noisy workspace holds at most its share of delivery slots
        assertTrue(hanging <= DeliveryWorker.MAX_LEASED_PER_WORKSPACE, hanging + " deliveries hanging at once");
    }
}
