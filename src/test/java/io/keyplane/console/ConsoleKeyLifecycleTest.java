package io.keyplane.console;

import static io.keyplane.console.Browser.button;
import static io.keyplane.console.Browser.labelled;
import static io.keyplane.console.Browser.link;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import io.quarkus.test.junit.QuarkusTest;

/** The whole life of a key clicked through in the console, checked against the API and the audit log. */
@QuarkusTest
class ConsoleKeyLifecycleTest extends BrowserTest {

    @Test
    void aKeyFromCreationToRevocationAndEveryStepInTheAuditLog() {
        accountWithScopes("mobile-backend", List.of("database:read", "query:execute"));
        signIn(ws.ownerKey());
        browser.await(By.id("keys-title"));

        browser.click(By.id("create-key"));
        browser.await(labelled("Name")).sendKeys("Mobile App");
        new Select(browser.await(labelled("Service account"))).selectByVisibleText("mobile-backend");
        browser.click(By.xpath("//label[code='database:read']"));
        new Select(browser.await(labelled("Expiration"))).selectByVisibleText("90 days");
        new Select(browser.await(labelled("Rate limit"))).selectByVisibleText("Pro: 2000 per minute");
        browser.screenshot("create-key");
        browser.click(By.id("create-submit"));

        var plain = browser.await(By.cssSelector("dialog input.secret")).getAttribute("value");
        assertThat(plain, startsWith("kp_live_"));
        assertThat(browser.await(By.cssSelector("dialog .warning")).getText(), containsString("You will not see this key again"));
        browser.click(button("Copy key"));
        browser.awaitText(By.cssSelector("dialog .copy-status"), "Copied");
        maskSecretForScreenshot();
        browser.screenshot("key-created");
        browser.click(button("I have stored it"));
        browser.awaitGone(By.tagName("dialog"));
        browser.awaitText(By.id("key-title"), "Mobile App");
        assertPlainKeyNowhere(plain);

        browser.click(link("← API Keys"));
        var row = browser.await(By.xpath("//table[@id='keys-table']//tr[td/a='Mobile App']"));
        assertThat(row.getText(), allOf(containsString(plain.substring(0, 12)), containsString("api"), containsString("active"),
                containsString("database:read"), containsString("mobile-backend")));
        assertThat(row.getText(), not(containsString("query:execute")));
        browser.screenshot("keys");
        new Select(browser.await(labelled("Status"))).selectByVisibleText("Paused");
        browser.click(button("Apply filters"));
        browser.await(By.cssSelector("p.empty"));
        assertThat(browser.driver.getCurrentUrl(), endsWith("#/keys?status=paused"));

        assertThat(verify(plain), is("VALID"));
        var keyId = given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys")).jsonPath().getString("[0].id");
        browser.open("/console/#/keys/" + keyId);
        browser.click(By.id("pause-key"));
        browser.awaitText(By.id("notice"), "paused");
        assertThat(browser.await(By.id("key-card")).getText(), containsString("paused"));
        assertThat(verify(plain), is("PAUSED"));
        browser.click(By.id("resume-key"));
        browser.awaitText(By.id("notice"), "resumed");
        assertThat(verify(plain), is("VALID"));
        browser.screenshot("key-detail");

        browser.click(By.id("rotate-key"));
        new Select(browser.await(labelled("Grace period for the old key"))).selectByVisibleText("1 hour");
        browser.click(button("Rotate key"));
        var rotated = browser.await(By.cssSelector("dialog input.secret")).getAttribute("value");
        assertThat(rotated, allOf(startsWith("kp_live_"), not(plain)));
        assertThat(browser.await(By.tagName("dialog")).getText(), containsString("The old key keeps working until"));
        browser.click(button("I have stored it"));
        browser.awaitGone(By.tagName("dialog"));
        browser.await(link("the previous key"));
        assertThat(verify(rotated), is("VALID"));
        assertThat("inside the grace period", verify(plain), is("VALID"));
        assertPlainKeyNowhere(rotated);

        browser.click(By.id("revoke-key"));
        var confirm = browser.await(By.tagName("dialog"));
        assertThat(confirm.getText(), allOf(containsString("Revoke \"Mobile App\"?"), containsString(rotated.substring(0, 12))));
        browser.screenshot("revoke-confirmation");
        browser.click(button("Revoke \"Mobile App\""));
        browser.awaitText(By.id("notice"), "revoked");
        assertThat(browser.await(By.id("key-card")).getText(), containsString("revoked"));
        assertThat(verify(rotated), is("REVOKED"));
        assertThat("the key it replaced no longer works either", verify(plain), is("REVOKED"));

        browser.click(link("Audit log"));
        browser.awaitText(By.id("chain-badge"), "Chain verified");
        var actions = browser.driver.findElements(By.cssSelector("#audit-table td.action")).stream()
                .map(td -> td.getText()).toList();
        assertThat(actions, hasItems("service_account.create", "api_key.create", "api_key.pause", "api_key.resume",
                "api_key.rotate", "api_key.revoke"));
        browser.screenshot("audit-log");
        browser.await(labelled("Action")).sendKeys("api_key.revoke");
        var filtered = browser.clickAndAwaitNew(button("Apply filters"), By.id("audit-table"));
        assertThat(browser.driver.getCurrentUrl(), endsWith("#/audit?action=api_key.revoke"));
        var filteredActions = filtered.findElements(By.cssSelector("td.action")).stream().map(td -> td.getText()).toList();
        // the successor, and the key it replaced, revoked with it during its grace period (as the dialog promises)
        assertThat(filteredActions, is(List.of("api_key.revoke", "api_key.revoke")));
                assertPlainKeyNowhere(plain);
        assertPlainKeyNowhere(rotated);
    }

    @Test
    void theKeyListIsPagedByTheApisCursorAndFiltered() {
        for (int i = 1; i <= 24; i++) {
            ws.createKey("batch key " + i, i % 2 == 0 ? "ingest" : "api", List.of());
        }
        signIn(ws.ownerKey()); // the bootstrap key makes 25
        assertThat(keyNames().size(), is(20));
        assertThat(keyNames().get(0), is("batch key 24")); // newest first
        browser.clickAndAwaitNew(button("Next page"), By.id("keys-table"));
        assertThat(keyNames(), is(List.of("batch key 4", "batch key 3", "batch key 2", "batch key 1", "bootstrap")));
        assertThat(browser.driver.findElements(button("Next page")).isEmpty(), is(true));
        browser.clickAndAwaitNew(button("First page"), By.id("keys-table"));
        assertThat(keyNames().size(), is(20));

        new Select(browser.await(labelled("Kind"))).selectByVisibleText("ingest");
        browser.clickAndAwaitNew(button("Apply filters"), By.id("keys-table"));
        assertThat(keyNames().size(), is(12));
        assertThat(browser.driver.findElements(By.cssSelector("#keys-table tbody tr td:nth-child(3)")).stream()
                .map(td -> td.getText()).toList(), everyItem(is("ingest")));
    }

    List<String> keyNames() {
        return browser.await(By.id("keys-table")).findElements(By.cssSelector("tbody tr td:first-child")).stream()
                .map(td -> td.getText()).toList();
    }
}
