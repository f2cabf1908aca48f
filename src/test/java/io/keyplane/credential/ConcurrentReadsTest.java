package io.keyplane.credential;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Verifications that miss the cache together are read from the database together ({@link FactsReads}): each still
 * gets the answer for its own key, and another workspace's key stays NOT_FOUND inside a shared read.
 */
@QuarkusTest
class ConcurrentReadsTest {

    @Test
    void concurrentMissesEachGetTheirOwnAnswer() throws Exception {
        var ws = TestWorkspace.create();
        var other = TestWorkspace.create();
        var verifier = ws.createVerifier();
        var format = new KeyFormat();
        var expected = new ArrayList<Map.Entry<String, String>>();
        for (int i = 0; i < 15; i++) {
            var key = ws.createKey(Map.of("name", "k" + i, "meta", Map.of("n", i)));
            expected.add(Map.entry(key.getString("key"), "VALID:" + key.getString("id")));
            expected.add(Map.entry(other.createKey(Map.of("name", "o" + i)).getString("key"), "NOT_FOUND:null"));
            expected.add(Map.entry(format.generate(KeyKind.API), "NOT_FOUND:null"));
        }
        var pool = Executors.newFixedThreadPool(24);
        try {
            var calls = new ArrayList<Callable<String>>();
            for (var entry : expected) {
                calls.add(() -> {
                    var body = given().auth().oauth2(verifier).contentType(ContentType.JSON)
                            .body(Map.of("key", entry.getKey())).post("/api/v1/keys/verify")
                            .then().statusCode(200).extract().jsonPath();
                    return body.getString("code") + ":" + body.getString("key_id");
                });
            }
            var answers = pool.invokeAll(calls);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).getValue(), answers.get(i).get(), "answer " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
