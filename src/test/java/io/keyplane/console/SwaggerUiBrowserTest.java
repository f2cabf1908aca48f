package io.keyplane.console;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The Swagger UI renders the whole document under its strict Content-Security-Policy: every operation is listed and
 * the browser reports no violation (BrowserTest checks the console log after each test).
 */
@QuarkusTest
class SwaggerUiBrowserTest extends BrowserTest {

    @Test
    void theSwaggerUiRendersEveryOperationWithoutACspViolation() {
        browser.open("/q/swagger-ui/");
        browser.await(By.cssSelector(".opblock-summary"));
        var operations = browser.driver.findElements(By.cssSelector(".opblock")).size();
        assertThat(operations, greaterThan(40));
        // an operation opened: its schemas and examples render too
        browser.click(By.cssSelector("#operations-API_keys-verifyKey .opblock-summary, .opblock-summary"));
        browser.await(By.cssSelector(".opblock.is-open"));
    }
}
