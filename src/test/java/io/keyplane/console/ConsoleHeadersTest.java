package io.keyplane.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** What the server sends for /console: the files from the jar, each with the security headers, errors included. */
@QuarkusTest
class ConsoleHeadersTest {

    static final List<String> ASSETS = List.of("index.html", "app.js", "api.js", "session.js", "dom.js", "ui.js",
            "console.css", "favicon.svg", "views/sign-in.js", "views/keys.js", "views/key-create.js",
            "views/key-detail.js", "views/forms.js", "views/accounts.js", "views/scopes.js", "views/audit.js",
            "views/connection.js");

    @Test
    void theBarePathRedirectsToTheConsole() {
        var response = given().redirects().follow(false).get("/console");
        assertThat(response.statusCode(), is(302));
        assertThat(response.header("Location"), is("/console/"));
        assertSecurityHeaders(response);
    }

    @Test
    void everyAssetComesFromTheApplicationWithTheSecurityHeaders() {
        for (var asset : ASSETS) {
            var response = given().get("/console/" + asset);
            assertThat(asset, response.statusCode(), is(200));
            assertSecurityHeaders(response);
            var type = asset.endsWith(".js") ? "text/javascript" : asset.endsWith(".css") ? "text/css"
                    : asset.endsWith(".svg") ? "image/svg+xml" : "text/html";
            assertThat(asset, response.contentType(), startsWith(type));
            var body = response.asString().replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assertThat(asset + " loads nothing from elsewhere", body, not(containsString("http://")));
            assertThat(asset + " loads nothing from elsewhere", body, not(containsString("https://")));
            for (var sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")) {
                assertThat(asset + " never writes HTML from strings", body, not(containsString(sink)));
            }
        }
        var root = given().get("/console/");
        assertThat(root.statusCode(), is(200));
        assertSecurityHeaders(root);
        var index = root.asString();
        assertThat("inline script", Pattern.compile("<script(?![^>]*\\ssrc=)").matcher(index).find(), is(false));
        assertThat("inline style", Pattern.compile("<style|\\sstyle=").matcher(index).find(), is(false));
    }

    @Test
    void aMissingFileIsA404WithTheSameHeaders() {
        var response = given().get("/console/nothing-here.js");
        assertThat(response.statusCode(), is(404));
        assertSecurityHeaders(response);
    }

    @Test
    void theRestOfTheServiceIsNotConstrainedByTheConsolePolicy() {
        var response = given().get("/q/openapi");
        assertThat(response.statusCode(), is(200));
        assertThat(response.header("Content-Security-Policy"), is((String) null));
    }

    static void assertSecurityHeaders(Response response) {
        var csp = response.header("Content-Security-Policy");
        assertThat(csp, startsWith("default-src 'self'"));
        assertThat(csp, containsString("script-src 'self';"));
        assertThat(csp, containsString("frame-ancestors 'none'"));
        assertThat(csp, not(containsString("unsafe-inline")));
        assertThat(csp, containsString("form-action 'none'"));
        assertThat(csp, containsString("require-trusted-types-for 'script'"));
        assertThat(response.header("X-Content-Type-Options"), is("nosniff"));
        assertThat(response.header("Referrer-Policy"), is("no-referrer"));
        assertThat(response.header("X-Frame-Options"), is("DENY"));
    }
}
