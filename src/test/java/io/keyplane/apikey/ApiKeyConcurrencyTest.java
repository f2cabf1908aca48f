package io.keyplane.apikey;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ApiKeyConcurrencyTest {

    TestWorkspace ws;
    ExecutorService pool;

    @BeforeEach
    void setUp() {
        ws = TestWorkspace.create();
        pool = Executors.newFixedThreadPool(64); // at least as many threads as parties of the barrier
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void twoSimultaneousRotationsMakeOneSuccessorAndOne409() throws Exception {
        for (int round = 0; round < 5; round++) {
            var id = ws.createKey(Map.of("name", "r" + round)).getString("id");
            var statuses = together(2, () -> given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                    .body(Map.of("grace_period_seconds", 60)).post(ws.path("/api-keys/" + id + "/rotate"))
                    .then().extract().statusCode());
            assertEquals(List.of(201, 409), statuses.stream().sorted().toList());
            var successors = TestDatabase.query("select count(*) as n from api_key where rotated_from = ?", id);
            assertEquals(1L, successors.get(0).get("n"));
        }
    }

    @Test
    void revokeRacingWithPatchNeverResurrectsTheKey() throws Exception {
        for (int round = 0; round < 5; round++) {
            var id = ws.createKey(Map.of("name", "race" + round)).getString("id");
            together(2, () -> given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                    .body(Map.of("name", "renamed")).patch(ws.path("/api-keys/" + id)).then().extract().statusCode(),
                    () -> given().auth().oauth2(ws.ownerKey()).delete(ws.path("/api-keys/" + id))
                            .then().extract().statusCode());
            var row = TestDatabase.query("select status, revoked_at from api_key where id = ?", id).get(0);
            assertEquals("revoked", row.get("status"));
            org.junit.jupiter.api.Assertions.assertNotNull(row.get("revoked_at"));
        }
    }

    @Test
    void concurrentCreationsGetContiguousAuditSequence() throws Exception {
        var statuses = together(50, () -> given().auth().oauth2(ws.ownerKey()).contentType(ContentType.JSON)
                .body(Map.of("name", "burst")).post(ws.path("/api-keys")).then().extract().statusCode());
        assertEquals(50, statuses.stream().filter(s -> s == 201).count());
        var seqs = TestDatabase.query("select seq from audit_event where workspace_id = ? order by seq", ws.id())
                .stream().map(r -> ((Number) r.get("seq")).longValue()).toList();
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1L, seqs.get(i), "seq must have no gaps");
        }
        // 50 creations plus the bootstrap key made with the workspace
        assertEquals(51L, TestDatabase.query("select count(*) as n from audit_event where workspace_id = ? "
                + "and action = 'api_key.create'", ws.id()).get(0).get("n"));
    }

    /** Runs the calls at once (released together by a barrier) and returns their results. */
    @SafeVarargs
    final List<Integer> together(int copies, Supplier<Integer>... calls) throws Exception {
        var all = new ArrayList<Supplier<Integer>>();
        for (int i = 0; i < copies; i++) {
            all.add(calls[i % calls.length]);
        }
        var barrier = new CyclicBarrier(all.size());
        var futures = all.stream().map(call -> CompletableFuture.supplyAsync(() -> {
            try {
                barrier.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return call.get();
        }, pool)).toList();
        var results = new ArrayList<Integer>();
        for (var f : futures) {
            results.add(f.get());
        }
        return results;
    }
}
