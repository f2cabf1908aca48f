package io.keyplane.key;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        double readsBefore = metric("keyplane_keys_reads_total");
        double statementsBefore = metric("keyplane_keys_read_statements_total");
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
        // 45 verifications missed the cache at once, two statements at a time: some went out together
        double reads = metric("keyplane_keys_reads_total") - readsBefore;
        double statements = metric("keyplane_keys_read_statements_total") - statementsBefore;
        assertTrue(reads >= 45 && statements < reads, reads + " keys read in " + statements + " statements");
    }

    static double metric(String name) {
        var text = given().port(9001).get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(
                line.substring(name.length() + 1))).findFirst().orElse(0);
    }
}
