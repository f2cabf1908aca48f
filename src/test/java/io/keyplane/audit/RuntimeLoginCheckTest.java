package io.keyplane.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The test profile runs as postgres, a superuser: the start-up check names that, and the fix. */
@QuarkusTest
class RuntimeLoginCheckTest {

    @Inject
    RuntimeLoginCheck check;

    @Test
    void aSuperuserRuntimeLoginIsWarnedOfWithTheFix() {
        var found = check.findings().await().atMost(Duration.ofSeconds(10));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("postgres is a superuser"), found.get(0));
        assertTrue(found.get(0).contains("KEYPLANE_DB_MIGRATION_USER"), found.get(0));
    }
}
