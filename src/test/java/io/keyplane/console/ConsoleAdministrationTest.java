package io.keyplane.console;

import static io.keyplane.console.Browser.button;
import static io.keyplane.console.Browser.labelled;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Service accounts, scopes, usage history, reveal and test connection, through the console. */
@QuarkusTest
class ConsoleAdministrationTest extends BrowserTest {

    @Test
    void scopesAndServiceAccountsAreCreatedEditedDisabledAndDeleted() {
        signIn(ws.ownerKey());
        browser.click(By.linkText("Scopes"));
        browser.await(labelled("Name")).sendKeys("reports:read");
        browser.await(labelled("Description")).sendKeys("Read reports");
        browser.click(By.id("create-scope"));
        browser.awaitText(By.id("notice"), "Scope reports:read created");
        assertThat(browser.await(By.id("scopes-table")).getText(), allOf(containsString("reports:read"),
                containsString("Read reports"), containsString("Built-in: cannot be deleted")));
        browser.screenshot("scopes");

        browser.click(By.linkText("Service accounts"));
        browser.click(By.id("create-account"));
        browser.await(labelled("Name")).sendKeys("reporting");
        browser.await(labelled("Description")).sendKeys("Nightly reports");
        browser.click(By.xpath("//label[code='reports:read']"));
        browser.click(button("Create service account"));
        browser.awaitText(By.id("account-title"), "reporting");
        var account = given().auth().oauth2(ws.ownerKey()).get(ws.path("/service-accounts")).jsonPath()
                .getMap("find { it.name == 'reporting' }");
        assertThat(account.get("scopes"), is(List.of("reports:read")));
        assertThat(account.get("description"), is("Nightly reports"));
        var accountId = (String) account.get("id");

        browser.click(By.id("edit-account"));
        var description = browser.await(labelled("Description"));
        description.clear();
        description.sendKeys("Nightly and weekly reports");
        browser.click(button("Save changes"));
        browser.awaitText(By.id("notice"), "saved");
        assertThat(accountField(accountId, "description"), is("Nightly and weekly reports"));

        var key = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", "report key", "service_account_id", accountId))
                .post(ws.path("/api-keys")).then().statusCode(201).extract().<String>path("key");
        browser.click(By.id("disable-account"));
        assertThat(browser.await(By.tagName("dialog")).getText(), containsString("Every key of \"reporting\" stops working"));
        browser.click(button("Disable \"reporting\""));
        browser.awaitText(By.id("notice"), "disabled");
        assertThat(accountField(accountId, "status"), is("disabled"));
        assertThat(verify(key), is("DISABLED"));
        browser.screenshot("service-account");
        browser.click(By.id("enable-account"));
        browser.awaitText(By.id("notice"), "enabled");
        assertThat(verify(key), is("VALID"));

        browser.click(By.linkText("Scopes"));
        browser.click(button("Delete reports:read"));
        browser.click(By.xpath("//dialog//button[normalize-space(.)='Delete reports:read']"));
        assertThat(problemShown(), containsString("still granted")); // 409 scope_in_use, readable

        browser.click(By.linkText("Service accounts"));
        browser.click(By.linkText("reporting"));
        browser.click(By.id("delete-account"));
        assertThat(browser.await(By.tagName("dialog")).getText(), containsString("revokes every key it owns"));
        browser.click(button("Delete \"reporting\""));
        browser.awaitText(By.id("notice"), "deleted");
        assertThat(browser.await(By.id("accounts-table")).getText(), not(containsString("reporting")));
        assertThat(verify(key), is("REVOKED"));

        browser.click(By.linkText("Scopes"));
        browser.click(button("Delete reports:read"));
        browser.click(By.xpath("//dialog//button[normalize-space(.)='Delete reports:read']"));
        browser.awaitText(By.id("notice"), "Scope reports:read deleted");
        assertThat(given().auth().oauth2(ws.ownerKey()).get(ws.path("/scopes")).jsonPath().getList("name"),
                not(hasItem("reports:read")));
    }

    @Test
    void usageHistoryOpensIntoItsDetailsAndAnIngestKeyIsRevealedOnce() {
        var created = ws.createKey(Map.of("name", "event pipeline", "kind", "ingest", "scopes", List.of("keys:read")));
        var plain = created.getString("key");
        var keyId = created.getString("id");
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).header("User-Agent", "ingestor/1.0")
                .body(Map.of("key", plain, "source_ip", "203.0.113.7", "method", "POST", "path", "/events",
                        "user_agent", "ingestor/1.0"))
                .post("/api/v1/keys/verify").then().statusCode(200);
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("key", plain, "scopes", List.of("audit:read"), "method", "GET", "path", "/admin"))
                .post("/api/v1/keys/verify").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> given().auth().oauth2(ws.ownerKey())
                .get(ws.path("/api-keys/" + keyId + "/usage")).jsonPath().getList("$").size() == 2);

        signIn(ws.ownerKey());
        browser.open("/console/#/keys/" + keyId);
        var uses = browser.await(By.cssSelector("ul.usage")).findElements(By.tagName("details"));
        assertThat(uses.size(), is(2));
        assertThat(uses.get(0).getText(), allOf(containsString("GET /admin"), containsString("denied (INSUFFICIENT_SCOPE)")));
        uses.get(1).findElement(By.tagName("summary")).click();
        assertThat(uses.get(1).getText(), allOf(containsString("POST /events"), containsString("203.0.113.7"),
                containsString("ingestor/1.0"), containsString("VALID")));
        browser.screenshot("usage-history");

        browser.click(By.id("reveal-key"));
        assertThat(browser.await(By.cssSelector("dialog input.secret")).getAttribute("value"), is(plain));
        browser.click(button("I have stored it"));
        browser.awaitGone(By.tagName("dialog"));
        assertPlainKeyNowhere(plain);
        assertThat(given().auth().oauth2(ws.ownerKey()).queryParam("action", "api_key.reveal")
                .get(ws.path("/audit-log")).jsonPath().getList("target.id"), hasItem(keyId));
    }

    @Test
    void markupInNamesAndMetadataIsShownAsTextAndNeverRuns() {
        var attack = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
        given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", "reports:read", "description", attack)).post(ws.path("/scopes")).then().statusCode(201);
        var keyId = ws.createKey(Map.of("name", "key " + attack, "meta", Map.of("note", attack))).getString("id");
        signIn(ws.ownerKey());
        assertThat(browser.await(By.id("keys-table")).getText(), containsString("key " + attack));
        browser.open("/console/#/keys/" + keyId);
        assertThat(browser.await(By.id("key-card")).getText(), containsString(attack.replace("\"", "\\\"")));
        browser.click(By.linkText("Scopes"));
        assertThat(browser.await(By.id("scopes-table")).getText(), containsString(attack));
        browser.click(By.linkText("Audit log"));
        browser.await(By.id("audit-table"));
        assertThat(browser.script("return window.__xss === undefined && document.querySelectorAll('main img, main script').length"),
                is(0L));
    }

    @Test
    void testConnectionShowsWhatKeyplaneKnowsOfTheSignedInKey() {
        signIn(ws.ownerKey());
        browser.click(By.linkText("Test connection"));
        browser.click(By.id("test-connection"));
        var result = browser.await(By.cssSelector("#connection-result .card")).getText();
        assertThat(result, allOf(containsString(ws.ownerKey().substring(0, 12)), containsString("workspace:admin"),
                containsString("service"), containsString(ws.id())));
        assertThat(browser.await(By.cssSelector("#connection-result .ok")).getText(), containsString("Connection works"));
        browser.screenshot("test-connection");
    }

    Object accountField(String accountId, String field) {
        return given().auth().oauth2(ws.ownerKey()).get(ws.path("/service-accounts/" + accountId)).path(field);
    }
}
