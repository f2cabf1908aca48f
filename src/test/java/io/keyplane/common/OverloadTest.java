package io.keyplane.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A request that cannot get a pooled connection past KEYPLANE_DB_MAX_WAIT_QUEUE is 503, never a 500 or a hang. */
@QuarkusTest
@TestProfile(OverloadTest.OneConnectionNoQueue.class)
class OverloadTest {

    public static class OneConnectionNoQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.max-size", "1", "keyplane.db.max-wait-queue", "0");
        }
    }

    @Test
    void overloadIs503WithRetryAfter() {
        var port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.test-port", Integer.class).orElse(8081);
        var client = HttpClient.newHttpClient();
        var calls = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 40; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/workspaces"))
                    .header("Authorization", "Bearer " + TestWorkspace.OPERATOR).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int unavailable = 0;
        for (var call : calls) {
            var response = call.join();
            assertTrue(response.statusCode() == 200 || response.statusCode() == 503, response.statusCode() + " " + response.body());
            if (response.statusCode() == 503) {
                unavailable++;
                assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
                assertTrue(response.body().contains("\"code\":\"service_unavailable\""), response.body());
            }
        }
        assertTrue(unavailable > 0, "40 concurrent calls on one connection with no wait queue: some must be refused");
    }
}
