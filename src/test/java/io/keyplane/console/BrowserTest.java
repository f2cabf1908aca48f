package io.keyplane.console;

import static io.keyplane.console.Browser.button;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;

import io.keyplane.support.TestWorkspace;
import io.restassured.http.ContentType;

/** One headless chromium per test class, a fresh workspace per test, and what every console test checks. */
abstract class BrowserTest {

    static Browser browser;
    TestWorkspace ws;

    /** A failed test leaves a picture of the page it failed on (target/console-screenshots/failed-*.png). */
    @RegisterExtension
    final TestWatcher screenshotOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            browser.screenshot("failed-" + context.getRequiredTestMethod().getName());
        }
    };

    @BeforeAll
    static void startBrowser() {
        browser = new Browser();
    }

    @AfterAll
    static void stopBrowser() {
        browser.close();
    }

    @BeforeEach
    void signedOutInANewWorkspace() {
        ws = TestWorkspace.create("Acme payments " + System.nanoTime() % 10_000);
        browser.open("/console/favicon.svg"); // same origin, no app: nothing resumes the last test's session
        browser.script("sessionStorage.clear(); localStorage.clear()");
    }

    @AfterEach
    void noContentSecurityPolicyViolations() {
        var messages = browser.consoleLog().stream().map(e -> e.getMessage()).toList();
        assertThat(messages, everyItem(not(containsString("Content Security Policy"))));
        assertThat(messages, everyItem(not(containsString("Trusted Type"))));
        assertThat("a key in the browser's console log", messages, everyItem(not(matchesPattern(
                "(?s).*kp_(svc|live|ing)_[0-9A-Za-z]{20,}.*"))));
    }

    /** The problem banner: title, detail and request id as text, never the raw JSON body. */
    String problemShown() {
        var text = browser.await(By.id("problem")).getText();
        assertThat(text, allOf(containsString("Request id:"), not(containsString("\"status\"")), not(containsString("{")),
                not(containsString("null"))));
        return text;
    }

    void signIn(String serviceKey) {
        browser.open("/console/");
        browser.await(By.id("service-key")).sendKeys(serviceKey);
        browser.click(button("Sign in"));
        browser.await(By.id("sign-out"));
    }

    String verify(String key) {
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/api/v1/keys/verify").then().statusCode(200).extract().path("code");
    }

    String accountWithScopes(String name, List<String> scopes) {
        for (var scope : scopes) {
            given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(Map.of("name", scope))
                    .post(ws.path("/scopes")).then().statusCode(201);
        }
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", name, "scopes", scopes))
                .post(ws.path("/service-accounts")).then().statusCode(201).extract().path("id");
    }

    /** The plain key is in no element, attribute, storage, cookie or URL once its dialog has closed. */
    void assertPlainKeyNowhere(String plain) {
        assertThat("plain key in the page", browser.pageText(), not(containsString(plain)));
        assertThat("plain key in the URL", browser.driver.getCurrentUrl(), not(containsString(plain)));
        assertThat("localStorage", browser.script("return JSON.stringify(localStorage)"), is("{}"));
        assertThat("plain key in sessionStorage", (String) browser.script("return JSON.stringify(sessionStorage)"),
                not(containsString(plain)));
        assertThat("cookies", browser.script("return document.cookie"), is(""));
        assertThat(browser.driver.manage().getCookies(), empty());
            }

    /** Screenshots are committed (docs/console): they never show a real key. */
    void maskSecretForScreenshot() {
        browser.script("const i = document.querySelector('dialog input.secret');"
                + "i.value = i.value.slice(0, 12) + '•'.repeat(40);");
    }
}
