package io.keyplane.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Webhooks through the management API: the secret shown once, validation, the SSRF guard (private addresses are
 * refused here, as in production), scopes, audit and tenant isolation. Deliveries: {@link WebhookDeliveryTest}.
 */
@QuarkusTest
class WebhookResourceTest {

    /** A public address literal: accepted without a DNS lookup, and never delivered to (the test profile does not poll). */
    static final String PUBLIC_URL = "https://93.184.215.14/keyplane-events";

    TestWorkspace ws;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
    }

    /** So that an application with another profile, polling each second, never sends to these. */
    @AfterEach
    void disableTheWorkspacesWebhooks() {
        TestDatabase.update("update webhook set status = 'disabled' where workspace_id = ?::uuid", ws.id());
    }

    ValidatableResponse create(String as, Object body) {
        return given().auth().oauth2(as).contentType(ContentType.JSON).body(body).post(ws.path("/webhooks")).then();
    }

    ValidatableResponse patch(String id, Object body) {
        return given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON).body(body)
                .patch(ws.path("/webhooks/" + id)).then();
    }

    @Test
    void createShowsTheSecretOnceThenReadUpdateAndDelete() {
        var created = create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("api_key.revoke",
                "api_key.leaked", "api_key.revoke"), "description", "security team"))
                .statusCode(201).contentType(ContentType.JSON).header("Cache-Control", containsString("no-store"))
                .body("workspace_id", is(ws.id())).body("url", is(PUBLIC_URL))
                .body("events", is(List.of("api_key.revoke", "api_key.leaked")))
                .body("description", is("security team")).body("status", is("active"))
                .body("created_by", is(ws.ownerAccountId())).body("created_at", notNullValue())
                .body("secret", matchesPattern(WebhookSecrets.PATTERN))
                .extract();
        String id = created.path("id");
        String secret = created.path("secret");
        assertThat(created.header("Location"), endsWith(ws.path("/webhooks/" + id)));

        given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + id)).then().statusCode(200)
                .body("id", is(id)).body("$", not(hasKey("secret"))).body("status", is("active"));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks")).then().statusCode(200)
                .body("id", is(List.of(id))).body("[0]", not(hasKey("secret")));

        // the secret is stored sealed, and no audit event holds it
        var stored = TestDatabase.query("select encode(secret, 'escape') as secret from webhook where id = ?::uuid", id);
        assertThat((String) stored.get(0).get("secret"), not(containsString(secret.substring(6))));
        var audited = TestDatabase.query("select changes::text as changes from audit_event where target_id = ?::text", id);
        assertThat(audited.toString(), not(containsString(secret.substring(6))));

        patch(id, Map.of("events", List.of("*"), "description", "everything", "status", "disabled"))
                .statusCode(200).body("events", is(List.of("*"))).body("description", is("everything"))
                .body("status", is("disabled")).body("url", is(PUBLIC_URL));
        patch(id, Map.of("url", "http://93.184.215.14:8443/v2", "status", "active")).statusCode(200)
                .body("url", is("http://93.184.215.14:8443/v2")).body("status", is("active"));
        var patchNull = new java.util.HashMap<String, Object>();
        patchNull.put("description", null);
        patch(id, patchNull).statusCode(200).body("description", is((Object) null));

        given().auth().oauth2(ws.ownerKey()).delete(ws.path("/webhooks/" + id)).then().statusCode(204);
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + id)).then().statusCode(404)
                .body("code", is("not_found"));
        assertThat(TestDatabase.query("select id from webhook where id = ?::uuid", id).size(), is(0));

        var actions = TestDatabase.query("select action from audit_event where workspace_id = ?::uuid "
                + "and target_id = ?::text order by seq", ws.id(), id).stream().map(r -> r.get("action")).toList();
        assertThat(actions, is(List.of("webhook.create", "webhook.update", "webhook.update", "webhook.update",
                "webhook.delete")));
    }

    @Test
    void loopbackLinkLocalAndPrivateAddressesAreRefused() {
        for (var url : List.of("http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.1.2.3/hook",
                "http://172.16.0.1/hook", "http://192.168.1.10/hook", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]/hook", "http://[fd00:ec2::254]/hook", "http://[fe80::1]/hook",
                "http://[::ffff:127.0.0.1]/hook", "http://0.0.0.0/hook", "http://100.64.0.1/hook",
                "http://[64:ff9b::a00:1]/hook")) {
            create(ws.ownerKey(), Map.of("url", url, "events", List.of("*"))).statusCode(422)
                    .body("code", is("url_not_allowed")).body("errors[0].field", is("url"));
        }
        var id = create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("*"))).statusCode(201)
                .extract().<String>path("id");
        patch(id, Map.of("url", "http://127.0.0.1:9000/q/metrics")).statusCode(422).body("code", is("url_not_allowed"));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + id)).then().body("url", is(PUBLIC_URL));
        assertThat(TestDatabase.query("select id from webhook where workspace_id = ?::uuid", ws.id()).size(), is(1));
    }

    @Test
    void malformedBodiesAre400AndUnknownEventTypes422() {
        for (var url : List.of("ftp://93.184.215.14/x", "93.184.215.14/x", "https://user:pw@93.184.215.14/x",
                "https://93.184.215.14/x#frag", "https:///nohost", " ")) {
            create(ws.ownerKey(), Map.of("url", url, "events", List.of("*"))).statusCode(400)
                    .body("code", is("validation_failed")).body("errors[0].field", is("url"));
        }
        create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of())).statusCode(400)
                .body("errors[0].field", is("events"));
        create(ws.ownerKey(), Map.of("url", PUBLIC_URL)).statusCode(400).body("errors[0].field", is("events"));
        create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("API_KEY.revoke"))).statusCode(400)
                .body("errors[0].field", is("events[0]"));
        create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("*"), "secret", "mine")).statusCode(400)
                .body("code", is("validation_failed"));
        create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("api_key.create", "api_key.explode")))
                .statusCode(422).body("code", is("unprocessable")).body("errors[0].field", is("events[1]"));
        create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("*", "api_key.create"))).statusCode(422)
                .body("errors[0].field", is("events"));
        var id = create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("*"))).statusCode(201)
                .extract().<String>path("id");
        patch(id, Map.of("status", "paused")).statusCode(400).body("errors[0].field", is("status"));
        var nullEvents = new java.util.HashMap<String, Object>();
        nullEvents.put("events", null);
        patch(id, nullEvents).statusCode(400).body("errors[0].field", is("events"));
        assertThat(TestDatabase.query("select id from webhook where workspace_id = ?::uuid", ws.id()).size(), is(1));
    }

    @Test
    void readingNeedsWebhooksReadAndChangingWebhooksWrite() {
        var id = create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("*"))).statusCode(201)
                .extract().<String>path("id");
        var reader = ws.createKey("reader", "service", List.of("webhooks:read")).getString("key");
        given().auth().oauth2(reader).get(ws.path("/webhooks")).then().statusCode(200).body("id", is(List.of(id)));
        given().auth().oauth2(reader).get(ws.path("/webhooks/" + id + "/deliveries")).then().statusCode(200);
        create(reader, Map.of("url", PUBLIC_URL, "events", List.of("*"))).statusCode(403)
                .body("code", is("insufficient_scope")).body("required_scopes", is(List.of("webhooks:write")));
        given().auth().oauth2(reader).delete(ws.path("/webhooks/" + id)).then().statusCode(403);

        var keysOnly = ws.createKey("keys", "service", List.of("keys:read")).getString("key");
        given().auth().oauth2(keysOnly).get(ws.path("/webhooks")).then().statusCode(403)
                .body("required_scopes", is(List.of("webhooks:read")));
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/scopes")).then().statusCode(200)
                .body("name", org.hamcrest.Matchers.hasItems("webhooks:read", "webhooks:write"));
    }

    @Test
    void anotherWorkspacesWebhooksCannotBeSeenOrChanged() {
        var id = create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("*"))).statusCode(201)
                .extract().<String>path("id");
        var other = TestWorkspace.create();
        try {
            given().auth().oauth2(other.ownerKey()).get(ws.path("/webhooks/" + id)).then().statusCode(403);
            given().auth().oauth2(other.ownerKey()).get(other.path("/webhooks/" + id)).then().statusCode(404);
            given().auth().oauth2(other.ownerKey()).contentType(ContentType.JSON).body(Map.of("status", "disabled"))
                    .patch(other.path("/webhooks/" + id)).then().statusCode(404);
            given().auth().oauth2(other.ownerKey()).delete(other.path("/webhooks/" + id)).then().statusCode(404);
            given().auth().oauth2(other.ownerKey()).get(other.path("/webhooks/" + id + "/deliveries")).then()
                    .statusCode(404);
            given().auth().oauth2(other.ownerKey())
                    .post(other.path("/webhooks/" + id + "/deliveries/" + java.util.UUID.randomUUID() + "/redeliver"))
                    .then().statusCode(404).body("code", is("not_found"));
            given().auth().oauth2(other.ownerKey())
                    .post(ws.path("/webhooks/" + id + "/deliveries/" + java.util.UUID.randomUUID() + "/redeliver"))
                    .then().statusCode(403);
            given().auth().oauth2(other.ownerKey()).get(other.path("/webhooks")).then().statusCode(200)
                    .body("$", org.hamcrest.Matchers.empty());
            given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + id)).then().statusCode(200)
                    .body("status", is("active"));
        } finally {
            TestDatabase.update("update webhook set status = 'disabled' where workspace_id = ?::uuid", other.id());
        }
    }

    @Test
    void deliveriesOfAnUnknownWebhookOrDeliveryAreNotFound() {
        var id = create(ws.ownerKey(), Map.of("url", PUBLIC_URL, "events", List.of("*"))).statusCode(201)
                .extract().<String>path("id");
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + id + "/deliveries")).then().statusCode(200)
                .body("$", org.hamcrest.Matchers.empty());
        given().auth().oauth2(ws.ownerKey())
                .post(ws.path("/webhooks/" + id + "/deliveries/" + java.util.UUID.randomUUID() + "/redeliver"))
                .then().statusCode(404);
        given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + java.util.UUID.randomUUID() + "/deliveries"))
                .then().statusCode(404);
    }
}
