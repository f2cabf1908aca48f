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

    /**
     * The Swagger UI shares the console's origin and sessionStorage: it cannot be framed or sniffed, and runs only its
     * own files plus the two inline scripts Quarkus generates into its page, allowed by hash. After an upgrade that
     * changes those scripts, this names the hashes to put in application.properties.
     */
    @Test
    void theSwaggerUiCannotBeFramedAndRunsOnlyItsOwnScripts() throws Exception {
        var page = given().get("/q/swagger-ui/");
        assertThat(page.statusCode(), is(200));
        var csp = page.header("Content-Security-Policy");
        assertThat(csp, startsWith("default-src 'self'"));
        assertThat(csp, containsString("frame-ancestors 'none'"));
        assertThat(csp, containsString("object-src 'none'"));
        assertThat(page.header("X-Frame-Options"), is("DENY"));
        assertThat(page.header("X-Content-Type-Options"), is("nosniff"));
        var scriptSrc = csp.substring(csp.indexOf("script-src"), csp.indexOf(';', csp.indexOf("script-src")));
        assertThat(scriptSrc, not(containsString("unsafe")));
        var inline = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>(.*?)</script>", Pattern.DOTALL).matcher(page.asString());
        int scripts = 0;
        while (inline.find()) {
            var hash = "'sha256-" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                    .getInstance("SHA-256").digest(inline.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8))) + "'";
            assertThat("an inline script of the Swagger UI page is not allowed: add " + hash, scriptSrc, containsString(hash));
            scripts++;
        }
        assertThat(scripts, is(2));
        for (var asset : List.of("swagger-ui-bundle.js", "swagger-ui.css")) {
            var response = given().get("/q/swagger-ui/" + asset);
            assertThat(asset, response.statusCode(), is(200));
            assertThat(asset, response.header("X-Frame-Options"), is("DENY"));
            assertThat(asset, response.header("X-Content-Type-Options"), is("nosniff"));
        }
    }
}
