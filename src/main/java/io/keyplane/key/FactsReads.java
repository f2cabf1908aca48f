package io.keyplane.key;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;

/**
 * Reads of key facts by hash, many to a statement. A read goes out at once while fewer than {@code maxInFlight}
 * statements are under way; otherwise it waits for one to finish and goes out with every read that waited meanwhile.
 * A calm replica sends one hash per statement, as before; a busy one sends one statement per batch instead of one per
 * key, and on a machine shared with PostgreSQL most of a read's cost is per statement (a round trip, a backend wake-up,
 * the executor).
 * <p>
 * Overload and failure stay bounded: at most {@code maxWaiting} reads wait (past that a read fails at once, and is
 * answered 503 like a full pool); a read its caller gave up on is not sent; a statement that takes longer than
 * {@code timeout} fails its reads and frees its place, so one hung connection cannot hold up every read after it.
 * Each read is answered on the Vert.x context it was asked from.
 */
final class FactsReads {

    private static final class Read {
        final ByteBuffer hash;
        final Context context;
        final UniEmitter<? super KeyFacts> emitter;
        /** Answered, failed or given up on by its caller: nothing more to send or say. */
        volatile boolean over;

        Read(ByteBuffer hash, Context context, UniEmitter<? super KeyFacts> emitter) {
            this.hash = hash;
            this.context = context;
            this.emitter = emitter;
        }
    }

    private final Function<List<byte[]>, Uni<Map<ByteBuffer, KeyFacts>>> statement;
    private final int maxInFlight;
    private final int maxBatch;
    private final int maxWaiting;
    private final Duration timeout;
    private final ArrayDeque<Read> waiting = new ArrayDeque<>();
    private int inFlight;

    /** {@code statement} reads the facts of every hash given, keyed by hash; a hash without a key is left out. */
    FactsReads(Function<List<byte[]>, Uni<Map<ByteBuffer, KeyFacts>>> statement, int maxInFlight, int maxBatch,
            int maxWaiting, Duration timeout) {
        this.statement = statement;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.maxWaiting = maxWaiting;
        this.timeout = timeout;
    }

    /** The facts of the key with this hash, or null when there is none. */
    Uni<KeyFacts> find(byte[] hash) {
        return Uni.createFrom().emitter(emitter -> {
            var read = new Read(ByteBuffer.wrap(hash), Vertx.currentContext(), emitter);
            emitter.onTermination(() -> read.over = true);
            List<Read> batch;
            synchronized (this) {
                if (inFlight < maxInFlight) {
                    inFlight++;
                    waiting.add(read);
                    batch = take();
                } else if (waiting.size() < maxWaiting) {
                    waiting.add(read);
                    return;
                } else {
                    batch = null;
                }
            }
            if (batch == null) {
                emitter.fail(new ConnectionPoolTooBusyException("Too many key reads waiting for the database"));
            } else {
                send(batch);
            }
        });
    }

    /** The next reads to send (skipping those already over), up to {@code maxBatch}; empty when none wait. */
    private List<Read> take() {
        var batch = new ArrayList<Read>(Math.min(waiting.size(), maxBatch));
        while (!waiting.isEmpty() && batch.size() < maxBatch) {
            var read = waiting.poll();
            if (!read.over) {
                batch.add(read);
            }
        }
        return batch;
    }

    private void send(List<Read> batch) {
        if (batch.isEmpty()) { // every waiting read was given up on
            sendNext();
            return;
        }
        var hashes = new ArrayList<byte[]>(batch.size());
        for (var read : batch) {
            hashes.add(read.hash.array());
        }
        var answered = Uni.createFrom().deferred(() -> statement.apply(hashes)).ifNoItem().after(timeout).fail();
        answered.subscribe().with(found -> finish(batch, found, null), failure -> finish(batch, null, failure));
    }

    /** Hands the statement's place to the next reads first, so nothing a caller does with its answer can keep it. */
    private void finish(List<Read> batch, Map<ByteBuffer, KeyFacts> found, Throwable failure) {
        var context = Vertx.currentContext();
        if (context != null) { // a statement that fails at once (a closed pool) must not recurse once per batch
            context.runOnContext(ignored -> sendNext());
        } else {
            sendNext();
        }
        for (var read : batch) {
            try {
                answer(read, found == null ? null : found.get(read.hash), failure);
            } catch (RuntimeException e) {
                Log.errorf(e, "A key read's caller failed on its answer");
            }
        }
    }

    private void sendNext() {
        List<Read> batch;
        synchronized (this) {
            batch = take();
            if (batch.isEmpty()) {
                inFlight--;
                return;
            }
        }
        send(batch);
    }

    private static void answer(Read read, KeyFacts facts, Throwable failure) {
        Runnable emit = failure == null ? () -> read.emitter.complete(facts) : () -> read.emitter.fail(failure);
        if (read.context == null || read.context == Vertx.currentContext()) {
            emit.run();
        } else {
            read.context.runOnContext(ignored -> emit.run());
        }
    }
}
