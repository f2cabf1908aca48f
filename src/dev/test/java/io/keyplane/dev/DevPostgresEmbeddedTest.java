package io.keyplane.dev;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** The README's first run with no PostgreSQL: the dev profile pointed at a closed port still gets a working service. */
@QuarkusTest
@TestProfile(DevPostgresEmbeddedTest.DevWithNoPostgres.class)
class DevPostgresEmbeddedTest {

    public static class DevWithNoPostgres implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "dev";
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ClosedPort.class));
        }
    }

    /** A port nothing listens on; its embedded server's data is deleted once the application has stopped. */
    public static class ClosedPort implements QuarkusTestResourceLifecycleManager {
        private int port;

        @Override
        public Map<String, String> start() {
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("keyplane.db.port", String.valueOf(port), "keyplane.db.name", "keyplane_dev_embedded");
        }

        @Override
        public void stop() {
            try {
                EmbeddedPostgres.deleteTree(DevPostgres.home(port));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void theServiceIsUpOnTheEmbeddedDatabase() {
        var management = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class)
                .orElse(9001);
        given().port(management).when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().auth().oauth2("dev-operator-token").contentType(ContentType.JSON).body(Map.of("name", "First run"))
                .when().post("/api/v1/workspaces")
                .then().statusCode(201).body("name", is("First run"));
    }

    @Test
    void theEmbeddedServerAnswersOnTheConfiguredPort() throws SQLException {
        var port = ConfigProvider.getConfig().getValue("keyplane.db.port", Integer.class);
        try (var c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/keyplane_dev_embedded", "postgres", "");
                var st = c.createStatement()) {
            var version = st.executeQuery("select version()");
            version.next();
            assertTrue(version.getString(1).startsWith("PostgreSQL 17."), version.getString(1));
            var dataDirectory = st.executeQuery("show data_directory");
            dataDirectory.next();
            assertEquals(DevPostgres.home(port).resolve("data").toString(), dataDirectory.getString(1));
        }
    }
}
