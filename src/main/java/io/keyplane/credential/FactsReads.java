package io.keyplane.credential;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Reads of key facts by hash, many to a statement. A read goes out at once while fewer than {@code maxInFlight}
 * statements are under way; otherwise it waits for one to finish and goes out with every read that waited meanwhile.
 * A calm replica sends one hash per statement, as before; a busy one sends one statement per batch instead of one per
 * key, and on a machine shared with PostgreSQL most of a read's cost is per statement (a round trip, a backend wake-up,
 * the executor). A statement that takes longer than {@code timeout} fails its reads and frees its place, so one hung
 * connection cannot hold up every read after it. Each read is answered on the Vert.x context it was asked from.
 */
final class FactsReads {

    private record Read(ByteBuffer hash, Context context, UniEmitter<? super KeyFacts> emitter) {
    }

    private final Function<List<byte[]>, Uni<Map<ByteBuffer, KeyFacts>>> statement;
    private final int maxInFlight;
    private final int maxBatch;
    private final Duration timeout;
    private final ArrayDeque<Read> waiting = new ArrayDeque<>();
    private int inFlight;

    /** {@code statement} reads the facts of every hash given, keyed by hash; a hash without a key is left out. */
    FactsReads(Function<List<byte[]>, Uni<Map<ByteBuffer, KeyFacts>>> statement, int maxInFlight, int maxBatch,
            Duration timeout) {
        this.statement = statement;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.timeout = timeout;
    }

    /** The facts of the key with this hash, or null when there is none. */
    Uni<KeyFacts> find(byte[] hash) {
        return Uni.createFrom().emitter(emitter -> {
            List<Read> batch;
            synchronized (this) {
                waiting.add(new Read(ByteBuffer.wrap(hash), Vertx.currentContext(), emitter));
                if (inFlight >= maxInFlight) {
                    return;
                }
                inFlight++;
                batch = take();
            }
            send(batch);
        });
    }

    private List<Read> take() {
        var batch = new ArrayList<Read>(Math.min(waiting.size(), maxBatch));
        while (!waiting.isEmpty() && batch.size() < maxBatch) {
            batch.add(waiting.poll());
        }
        return batch;
    }

    private void send(List<Read> batch) {
        var hashes = new ArrayList<byte[]>(batch.size());
        for (var read : batch) {
            hashes.add(read.hash().array());
        }
        Uni.createFrom().deferred(() -> statement.apply(hashes)).ifNoItem().after(timeout).fail().subscribe().with(found -> {
            for (var read : batch) {
                answer(read, found.get(read.hash()), null);
            }
            sendNext();
        }, failure -> {
            for (var read : batch) {
                answer(read, null, failure);
            }
            sendNext();
        });
    }

    private void sendNext() {
        List<Read> batch;
        synchronized (this) {
            if (waiting.isEmpty()) {
                inFlight--;
                return;
            }
            batch = take();
        }
        send(batch);
    }

    private static void answer(Read read, KeyFacts facts, Throwable failure) {
        Runnable emit = failure == null ? () -> read.emitter().complete(facts) : () -> read.emitter().fail(failure);
        if (read.context() == null || read.context() == Vertx.currentContext()) {
            emit.run();
        } else {
            read.context().runOnContext(ignored -> emit.run());
        }
    }
}
