package io.keyplane.apikey;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The refill job (each second here): refills keys nobody used, skips keys that cannot be used, audits each refill. */
@QuarkusTest
@TestProfile(CreditRefillJobTest.EverySecond.class)
class CreditRefillJobTest {

    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.credits.refill-check-interval", "1s");
        }
    }

    static long stored(String keyId) {
        return ((Number) TestDatabase.query("select credits_remaining from api_key where id = ?", keyId).get(0)
                .get("credits_remaining")).longValue();
    }

    static int refillEvents(String keyId) {
        return TestDatabase.query("select 1 from audit_event where target_id = ?::text and action = "
                + "'api_key.credits_refill'", keyId).size();
    }

    @Test
    void keysDueARefillAreRefilledAndAuditedOnce() {
        var ws = TestWorkspace.create();
        var due = ws.createKey(Map.of("name", "due", "credits",
                Map.of("remaining", 3, "refill", Map.of("amount", 7, "interval", "month")))).getString("id");
        var expired = ws.createKey(Map.of("name", "expired", "credits",
                Map.of("remaining", 3, "refill", Map.of("amount", 7, "interval", "day")))).getString("id");
        TestDatabase.update("update api_key set credits_refilled_at = credits_refilled_at - interval '40 days' "
                + "where id in (?, ?)", due, expired);
        TestDatabase.update("update api_key set expires_at = now() - interval '1 hour' where id = ?", expired);

        await().atMost(Duration.ofSeconds(15)).until(() -> stored(due) == 7 && refillEvents(due) == 1);
        var changes = TestDatabase.query("select actor_type, changes from audit_event where target_id = ?::text and "
                + "action = 'api_key.credits_refill'", due).get(0);
        assertEquals("operator", changes.get("actor_type"));
        assertTrue(changes.get("changes").toString().contains("\"credits.remaining\""), changes.toString());
        assertEquals(0, TestDatabase.query("select 1 from credit_refill where key_id = ?", due).size());
        // an expired key is not refilled: nobody can use it
        assertEquals(3, stored(expired));
        assertEquals(0, refillEvents(expired));
    }
}
