package io.keyplane.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/** Reads that wait for a statement go out together, and each gets the answer for its own hash. */
class FactsReadsTest {

    record Statement(List<byte[]> hashes, CompletableFuture<Map<ByteBuffer, KeyFacts>> answer) {
    }

    final List<Statement> sent = new ArrayList<>();
    final FactsReads reads = new FactsReads(hashes -> {
        var statement = new Statement(hashes, new CompletableFuture<>());
        sent.add(statement);
        return Uni.createFrom().completionStage(statement.answer());
    }, 1, 3, 5, Duration.ofSeconds(30));

    static byte[] hash(int n) {
        return new byte[] { (byte) n, 7, 7 };
    }

    static KeyFacts facts() {
        return new KeyFacts(null, null, null, KeyKind.API, "kp_", "active", List.of(), "active", "active", null, null,
                null, List.of(), null, false);
    }

    @Test
    void readsThatWaitGoOutTogetherAndEachGetsItsOwnAnswer() {
        var first = reads.find(hash(1)).subscribe().withSubscriber(UniAssertSubscriber.create());
        var waiting = new ArrayList<UniAssertSubscriber<KeyFacts>>();
        for (int n = 2; n <= 5; n++) {
            waiting.add(reads.find(hash(n)).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        assertEquals(1, sent.size(), "one statement in flight at most");
        var known = facts();
        sent.get(0).answer().complete(Map.of());
        first.assertCompleted();
        assertNull(first.getItem());
        assertEquals(2, sent.size(), "the four waiting reads went out, at most three to a statement");
        assertEquals(List.of(2, 3, 4), sent.get(1).hashes().stream().map(h -> (int) h[0]).toList());
        sent.get(1).answer().complete(Map.of(ByteBuffer.wrap(hash(3)), known));
        assertNull(waiting.get(0).assertCompleted().getItem());
        assertSame(known, waiting.get(1).assertCompleted().getItem());
        assertNull(waiting.get(2).assertCompleted().getItem());
        assertEquals(List.of(5), sent.get(2).hashes().stream().map(h -> (int) h[0]).toList());
        var failure = new IllegalStateException("connection closed");
        sent.get(2).answer().completeExceptionally(failure);
        waiting.get(3).assertFailedWith(IllegalStateException.class, "connection closed");
        // all answered: the next read goes out at once, alone
        reads.find(hash(6)).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertEquals(4, sent.size());
    }

    @Test
    void readsGivenUpOnAreNotSentAndTooManyWaitingFailAtOnce() {
        reads.find(hash(1)).subscribe().withSubscriber(UniAssertSubscriber.create());
        var abandoned = reads.find(hash(2)).subscribe().withSubscriber(UniAssertSubscriber.create());
        for (int n = 3; n <= 6; n++) {
            reads.find(hash(n)).subscribe().withSubscriber(UniAssertSubscriber.create());
        }
        // five wait: the sixth is refused at once, as a full connection pool would be (503)
        reads.find(hash(7)).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(io.vertx.core.http.ConnectionPoolTooBusyException.class);
        abandoned.cancel();
        sent.get(0).answer().complete(Map.of());
        assertEquals(List.of(3, 4, 5), sent.get(1).hashes().stream().map(h -> (int) h[0]).toList());
    }

    @Test
    void aCallerThatFailsOnItsAnswerKeepsNoPlace() {
        reads.find(hash(1)).subscribe().withSubscriber(new io.smallrye.mutiny.subscription.UniSubscriber<KeyFacts>() {
            @Override
            public void onSubscribe(io.smallrye.mutiny.subscription.UniSubscription subscription) {
            }

            @Override
            public void onItem(KeyFacts item) {
                throw new IllegalStateException("a caller's own failure");
            }

            @Override
            public void onFailure(Throwable failure) {
            }
        });
        var next = reads.find(hash(2)).subscribe().withSubscriber(UniAssertSubscriber.create());
        sent.get(0).answer().complete(Map.of());
        sent.get(1).answer().complete(Map.of());
        assertNull(next.assertCompleted().getItem());
        reads.find(hash(3)).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertEquals(3, sent.size(), "the place was freed: the next read went out at once");
    }

    @Test
    void aStatementThatHangsFailsItsReadsAndFreesItsPlace() {
        var hung = new FactsReads(hashes -> sent.isEmpty() ? hang(hashes) : answered(hashes), 1, 3, 5,
                Duration.ofMillis(200));
        var first = hung.find(hash(1)).subscribe().withSubscriber(UniAssertSubscriber.create());
        var second = hung.find(hash(2)).subscribe().withSubscriber(UniAssertSubscriber.create());
        first.awaitFailure(Duration.ofSeconds(5)).assertFailedWith(io.smallrye.mutiny.TimeoutException.class);
        assertNull(second.awaitItem(Duration.ofSeconds(5)).getItem());
    }

    Uni<Map<ByteBuffer, KeyFacts>> hang(List<byte[]> hashes) {
        sent.add(new Statement(hashes, new CompletableFuture<>()));
        return Uni.createFrom().nothing();
    }

    Uni<Map<ByteBuffer, KeyFacts>> answered(List<byte[]> hashes) {
        return Uni.createFrom().item(Map.of());
    }
}
