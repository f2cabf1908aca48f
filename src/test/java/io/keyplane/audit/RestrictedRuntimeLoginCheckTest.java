package io.keyplane.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * SECURITY.md's two logins: nothing to warn of. Made the owner of audit_event (what a single login that also
 * migrates would be), the same login is warned of.
 */
@QuarkusTest
@TestProfile(RestrictedRuntimeLoginTest.RuntimeLogin.class)
class RestrictedRuntimeLoginCheckTest {

    @Inject
    RuntimeLoginCheck check;

    @Test
    void aPlainRuntimeLoginIsNotWarnedOfButAnOwnerIs() {
        assertEquals(List.of(), check.findings().await().atMost(Duration.ofSeconds(10)));
        var owner = TestDatabase.query("select tableowner from pg_tables where tablename = 'audit_event'").get(0)
                .get("tableowner");
        try (var c = java.sql.DriverManager.getConnection(adminUrl(), "postgres", ""); var st = c.createStatement()) {
            st.execute("grant " + owner + " to " + RestrictedRuntimeLoginTest.RUNTIME);
            try {
                var found = check.findings().await().atMost(Duration.ofSeconds(10));
                assertEquals(1, found.size(), found.toString());
                assertEquals(true, found.get(0).contains("owns audit_event"), found.get(0));
            } finally {
                st.execute("revoke " + owner + " from " + RestrictedRuntimeLoginTest.RUNTIME);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String adminUrl() {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return "jdbc:postgresql://" + config.getValue("keyplane.db.host", String.class) + ":"
                + config.getValue("keyplane.db.port", String.class) + "/" + config.getValue("keyplane.db.name", String.class);
    }
}
