package io.keyplane.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The production setup of SECURITY.md: migrations run as a stronger login (KEYPLANE_DB_MIGRATION_USER), the service
 * as a login that may only read and append the audit log. Keyplane works; the runtime login cannot rewrite history.
 */
@QuarkusTest
@TestProfile(RestrictedRuntimeLoginTest.RuntimeLogin.class)
class RestrictedRuntimeLoginTest {

    static final String RUNTIME = "keyplane_runtime_test";

    public static class RuntimeLogin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.db.user", RUNTIME, "keyplane.db.migration-user", "postgres");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RuntimeRole.class));
        }
    }

    /** The runtime login, made before the application starts (a role is the cluster's, not the database's). */
    public static class RuntimeRole implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            var config = ConfigProvider.getConfig();
            var url = "jdbc:postgresql://" + config.getValue("keyplane.db.host", String.class) + ":"
                    + config.getValue("keyplane.db.port", String.class) + "/postgres";
            try (var c = DriverManager.getConnection(url, "postgres", ""); var st = c.createStatement()) {
                st.execute("do $$ begin if not exists (select from pg_roles where rolname = '" + RUNTIME + "') then "
                        + "create role " + RUNTIME + " login; end if; end $$");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void theServiceRunsAndItsLoginCanOnlyAppendToTheAuditLog() {
        var ws = TestWorkspace.create(); // written by the runtime login, audit events included
        var key = ws.createKey(Map.of("name", "k")).getString("id");
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + key)).then().statusCode(200);
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/audit-log/verify")).then().statusCode(200)
                .body("valid", is(true));
        // TestDatabase connects as keyplane.db.user: here the runtime login
        for (var sql : List.of("update audit_event set action = 'x' where workspace_id = ?",
                "delete from audit_event where workspace_id = ?")) {
            var refused = assertThrows(IllegalStateException.class, () -> TestDatabase.update(sql, ws.id()));
            assertTrue(refused.getCause().getMessage().contains("permission denied"), refused.getCause().getMessage());
        }
        assertThrows(IllegalStateException.class, () -> TestDatabase.update("delete from flyway_schema_history"));
    }
}
