package io.keyplane.console;

import static io.keyplane.console.Browser.button;
import static io.keyplane.console.Browser.labelled;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;

/** Signing in and out, readable problems, permissions the key lacks, and keyboard-only use. */
@QuarkusTest
class ConsoleAccessTest extends BrowserTest {

    @Test
    void aKeyThatCannotSignInIsAReadableProblem() {
        browser.open("/console/");
        browser.await(By.id("service-key")).sendKeys("kp_svc_thisIsNotAKeyOfAnyone0000000000000000000000");
        browser.click(button("Sign in"));
        assertThat(problemShown(), containsString("Invalid token"));
        browser.screenshot("sign-in-problem");
        assertThat(browser.driver.findElements(By.id("sign-out")), empty());

        var apiKey = ws.createKey("data plane", "api", List.of()).getString("key");
        var field = browser.await(By.id("service-key"));
        field.clear();
        field.sendKeys(apiKey);
        browser.click(button("Sign in"));
        browser.awaitText(By.id("problem"), "A ServiceKey is needed");
        assertThat(browser.driver.findElement(By.id("problem")).getText(), containsString("This is an api key"));
        assertThat((String) browser.script("return JSON.stringify(sessionStorage)"), not(containsString("kp_")));
    }

    @Test
    void signOutForgetsTheKey() {
        signIn(ws.ownerKey());
        assertThat((String) browser.script("return sessionStorage.getItem('keyplane.console.credential')"), is(ws.ownerKey()));
        assertThat(browser.driver.getCurrentUrl(), not(containsString(ws.ownerKey())));
        assertThat(browser.driver.manage().getCookies(), empty());
        assertThat((String) browser.script("return JSON.stringify(localStorage)"), is("{}"));
        assertThat("the ServiceKey in the page", browser.pageText(), not(containsString(ws.ownerKey())));

        browser.driver.navigate().refresh();
        browser.await(By.id("sign-out")); // the tab keeps its session across a reload
        browser.click(By.id("sign-out"));
        browser.await(By.id("service-key"));
        assertThat((String) browser.script("return JSON.stringify(sessionStorage)"), is("{}"));
        assertThat(browser.pageText(), not(containsString(ws.ownerKey())));
        browser.driver.navigate().refresh();
        browser.await(By.id("service-key"));
        assertThat(browser.driver.findElements(By.id("sign-out")), empty());
    }

    @Test
    void aKeyRevokedWhileSignedInEndsTheSessionAndSaysWhy() {
        var admin = ws.createKey("second admin", "service", List.of("workspace:admin"));
        signIn(admin.getString("key"));
        browser.await(By.id("keys-table"));
        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + admin.getString("id"))).then().statusCode(200);

        browser.click(By.linkText("Service accounts"));
        browser.await(By.id("service-key"));
        assertThat(problemShown(), containsString("Key revoked"));
        assertThat((String) browser.script("return JSON.stringify(sessionStorage)"), is("{}"));
        assertThat(browser.driver.findElements(By.id("sign-out")), empty());
    }

    @Test
    void anotherWorkspacesKeyIsNotFoundFromThisOne() {
        var other = TestWorkspace.create();
        var foreignKey = other.createKey("theirs", "api", List.of()).getString("id");
        signIn(ws.ownerKey());
        browser.open("/console/#/keys/" + foreignKey);
        assertThat(problemShown(), containsString("Resource not found"));
        assertThat(browser.pageText(), not(containsString("theirs")));
        assertThat(browser.driver.findElements(By.id("key-card")), empty());
        assertThat(given().auth().oauth2(other.ownerKey()).get(other.path("/api-keys/" + foreignKey)).path("name"),
                is("theirs"));
    }

    @Test
    void anApiRefusalShowsTitleDetailFieldsAndRequestId() {
        accountWithScopes("narrow", List.of("reports:read"));
        given().auth().oauth2(ws.ownerKey()).contentType("application/json").body(Map.of("name", "billing:write"))
                .post(ws.path("/scopes")).then().statusCode(201);
        signIn(ws.ownerKey());
        browser.click(By.id("create-key"));
        browser.await(labelled("Name")).sendKeys("Too wide");
        new Select(browser.await(labelled("Service account"))).selectByVisibleText("narrow");
        browser.click(By.xpath("//label[code='billing:write']"));
        browser.click(By.id("create-submit"));
        var problem = problemShown();
        assertThat(problem, containsString("billing:write"));
        var requestId = browser.driver.findElement(By.cssSelector("#problem .request-id")).getText();
        assertThat(requestId.length() > 8, is(true));
        browser.screenshot("problem");
        assertThat(given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys")).jsonPath().getList("name"),
                not(hasItem("Too wide")));
    }

    @Test
    void buttonsTheKeyLacksTheScopeForAreDisabledWithTheReason() {
        var readOnly = ws.createKey("auditor", "service", List.of("keys:read")).getString("key");
        var keyId = ws.createKey("some key", "api", List.of()).getString("id");
        signIn(readOnly);
        var create = browser.await(By.id("create-key"));
        assertThat(reasonOf(create), is("Needs keys:write"));
        create.click();
        assertThat("a refused button does nothing", browser.driver.getCurrentUrl(), not(containsString("/keys/new")));

        browser.open("/console/#/keys/" + keyId);
        browser.awaitText(By.id("key-title"), "some key");
        for (var id : List.of("edit-key", "pause-key", "rotate-key", "revoke-key")) {
            var button = browser.driver.findElement(By.id(id));
            assertThat(id, reasonOf(button), is("Needs keys:write"));
            button.click();
        }
        assertThat(browser.driver.findElements(By.tagName("dialog")), empty());
        assertThat(browser.driver.findElements(By.cssSelector("#edit-area form")), empty());
        browser.screenshot("read-only-key");

        browser.click(By.linkText("Audit log"));
        assertThat(problemShown(), containsString("audit:read"));
        assertThat(given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + keyId)).path("status"), is("active"));
    }

    @Test
    void everyActionIsReachableByTabAndEnterAndEveryFieldIsLabelled() {
        var keyId = ws.createKey("keyboard key", "api", List.of()).getString("id");
        browser.open("/console/");
        var start = browser.await(By.id("service-key"));
        assertThat(start.equals(browser.driver.switchTo().activeElement()), is(true));
        assertEveryFieldLabelled();
        start.sendKeys(ws.ownerKey(), Keys.ENTER);
        browser.await(By.id("keys-table"));

        assertEveryControlReachableByTab();
        assertEveryFieldLabelled();
        tabTo(By.id("create-key")).sendKeys(Keys.ENTER);
        var name = browser.await(labelled("Name"));
        assertEveryControlReachableByTab();
        assertEveryFieldLabelled();
        name.sendKeys("typed", Keys.ENTER); // Enter in a field submits its form
        browser.await(button("I have stored it"));
        tabTo(button("I have stored it")).sendKeys(Keys.ENTER);
        browser.awaitGone(By.tagName("dialog"));
        browser.awaitText(By.id("key-title"), "typed");

        browser.open("/console/#/keys/" + keyId);
        browser.awaitText(By.id("key-title"), "keyboard key");
        assertEveryControlReachableByTab();
        tabTo(By.id("edit-key")).sendKeys(Keys.ENTER);
        browser.await(By.cssSelector("#edit-area form"));
        assertEveryFieldLabelled();
        tabTo(By.id("pause-key")).sendKeys(Keys.ENTER);
        browser.awaitText(By.id("notice"), "paused");
        for (var page : List.of("#/service-accounts", "#/scopes", "#/audit", "#/connection")) {
            browser.open("/console/" + page);
            browser.await(By.cssSelector("main h1"));
            assertEveryControlReachableByTab();
            assertEveryFieldLabelled();
        }
        assertThat(given().auth().oauth2(ws.ownerKey()).get(ws.path("/api-keys/" + keyId)).path("status"), is("paused"));
    }

    // --- keyboard and labels ---

    /** A refused button: aria-disabled (still focusable, so its reason is reachable) and described by the reason. */
    String reasonOf(WebElement button) {
        assertThat(button.getAttribute("aria-disabled"), is("true"));
        var reasonId = button.getAttribute("aria-describedby");
        assertThat(reasonId, startsWith("reason-"));
        return browser.driver.findElement(By.id(reasonId)).getText();
    }

    /** Presses Tab until `target` has the focus; fails if a whole cycle never reaches it. */
    WebElement tabTo(By target) {
        var element = browser.await(target);
        for (int i = 0; i < 120; i++) {
            if (element.equals(browser.driver.switchTo().activeElement())) {
                return element;
            }
            browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        throw new AssertionError("Tab never reached " + target);
    }

    /** Tabs through the page from the top: every visible, enabled link, button, field and summary gets the focus. */
    @SuppressWarnings("unchecked")
    void assertEveryControlReachableByTab() {
        var controls = (List<String>) browser.script("""
                const all = [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
                    .filter(el => !el.disabled && el.getClientRects().length > 0);
                all.forEach((el, i) => el.dataset.kb = String(i));
                document.activeElement && document.activeElement.blur();
                return all.map(el => el.dataset.kb);""");
        var reached = new HashSet<String>();
        var body = browser.driver.findElement(By.tagName("body"));
        body.sendKeys(Keys.TAB);
        for (int i = 0; i < controls.size() * 2 + 10; i++) {
            var kb = (String) browser.script("return document.activeElement.dataset.kb || null");
            if (kb != null) {
                reached.add(kb);
            }
            browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        var missed = new ArrayList<String>();
        for (var kb : controls) {
            if (!reached.contains(kb)) {
                missed.add((String) browser.script("return document.querySelector('[data-kb=\"" + kb + "\"]').outerHTML.slice(0, 120)"));
            }
        }
        assertThat("not reachable by Tab on " + browser.driver.getCurrentUrl(), missed, empty());
    }

    @SuppressWarnings("unchecked")
    void assertEveryFieldLabelled() {
        var unlabelled = (List<String>) browser.script("""
                return [...document.querySelectorAll('input, select, textarea')]
                    .filter(el => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
                    .map(el => el.outerHTML.slice(0, 120));""");
        assertThat("fields without a label on " + browser.driver.getCurrentUrl(), unlabelled, empty());
    }
}
