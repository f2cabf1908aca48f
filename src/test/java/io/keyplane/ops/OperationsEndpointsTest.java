package io.keyplane.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.microprofile.config.ConfigProvider;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The operations endpoints of API.md section 7, as a Kubernetes probe or a Prometheus scrape sees them: health and
 * metrics on the management port only, the OpenAPI document and Swagger UI on the main port.
 */
@QuarkusTest
class OperationsEndpointsTest {

    /** The management interface's port in tests (9000 in production). */
    static int managementPort() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
    }

    static io.restassured.specification.RequestSpecification management() {
        return given().port(managementPort());
    }

    @Test
    void metricsArePrometheusTextWithHttpAndPoolMetrics() {
        // /q/* is not counted in http_server_requests: make one application request first
        given().when().get("/api/v1/whoami").then().statusCode(401);

        // the Prometheus text format (a scraper asking for OpenMetrics gets that instead)
        management().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200)
                .contentType(startsWith("text/plain; version=0.0.4"))
                .body(containsString("# TYPE http_server_requests_seconds"))
                .body(containsString("uri=\"/api/v1/whoami\""))
                // the reactive pool every request runs on, and the start-up JDBC pool
                .body(containsString("sql_pool_active{"))
                .body(containsString("pool_type=\"sql\""))
                .body(containsString("agroal_active_count{datasource=\"default\""));
    }

    @Test
    void livenessIsUp() {
        management().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void readinessMeansStartedAndTheDatabaseIsACheckOfItsOwn() {
        management().when().get("/q/health/ready")
                .then().statusCode(200).body("status", is("UP"))
                .body("checks.find { it.name == 'keyplane started' }.status", is("UP"))
                .body("checks.find { it.name == 'keyplane started' }.data.'listening for key changes'", is(true))
                .body("checks.find { it.name == 'database' }", org.hamcrest.Matchers.nullValue());
        management().when().get("/q/health")
                .then().statusCode(200).body("checks.find { it.name == 'database' }.status", is("UP"));
    }

    @Test
    void startupIsUp() {
        management().when().get("/q/health/started").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void healthAndMetricsAreNotOnThePublicPort() {
        for (var path : new String[] { "/q/health", "/q/health/ready", "/q/metrics" }) {
            given().when().get(path).then().statusCode(404);
        }
    }

    @Test
    void openApiDocumentIsServed() {
        given().accept("application/yaml").when().get("/q/openapi")
                .then().statusCode(200).body(containsString("title: Keyplane API"));
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui")
                .then().statusCode(200).contentType(startsWith("text/html"));
    }

    @Test
    void jsonLogsCarryRequestIdAndNoRequestHeaders() {
        // JSON is only on in prod (KEYPLANE_LOG_JSON); these hold in every profile
        var config = ConfigProvider.getConfig();
        assertTrue(config.getValue("quarkus.log.console.json.mdc.flat-fields", Boolean.class),
                "request_id is a top-level JSON field");
        assertFalse(config.getValue("quarkus.http.access-log.enabled", Boolean.class),
                "no access log: the Authorization header is never written");
    }
}
