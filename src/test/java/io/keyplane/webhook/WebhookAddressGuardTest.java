package io.keyplane.webhook;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The SSRF guard at delivery time, with private addresses refused as in production: a webhook whose host now
 * points at loopback (as a name would after DNS rebinding; here its stored URL is changed underneath) is never
 * connected to.
 */
@QuarkusTest
@TestProfile(WebhookAddressGuardTest.PollingWithoutPrivateAddresses.class)
class WebhookAddressGuardTest {

    public static class PollingWithoutPrivateAddresses implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.webhook.poll-interval", "1s", "keyplane.webhook.first-retry", "200ms");
        }
    }

    @Test
    void aHostThatNowPointsAtLoopbackIsRefusedAtDelivery() throws Exception {
        var ws = TestWorkspace.create();
        try (var receiver = new WebhookReceiver()) {
            var id = given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                    .body(Map.of("url", WebhookResourceTest.PUBLIC_URL, "events", List.of("api_key.create")))
                    .post(ws.path("/webhooks")).then().statusCode(201).extract().<String>path("id");
            TestDatabase.update("update webhook set url = ? where id = ?::uuid", receiver.url("/internal"), id);
            ws.createKey("guarded", "api", List.of());

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                var log = given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + id + "/deliveries"))
                        .then().statusCode(200).extract().jsonPath().getList("$", Map.class);
                return !log.isEmpty() && Objects.equals(log.get(0).get("last_error"),
                        "address not allowed (loopback, link-local or private)");
            });
            var delivery = given().auth().oauth2(ws.ownerKey()).get(ws.path("/webhooks/" + id + "/deliveries"))
                    .then().extract().jsonPath().getMap("[0]");
            assertThat(delivery.get("response_code"), nullValue());
            assertThat(delivery.get("status"), is("pending"));
            assertThat(receiver.at("/internal").size(), is(0));
        } finally {
            TestDatabase.update("update webhook set status = 'disabled' where workspace_id = ?::uuid", ws.id());
        }
    }
}
