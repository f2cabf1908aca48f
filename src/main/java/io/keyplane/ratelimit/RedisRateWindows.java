package io.keyplane.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RedisURI;

/**
 * Fixed-window counters shared by every replica, in Redis: one atomic server-side script per use (one round trip),
 * which counts the use and sets the window's expiry on its first use. Windows align to multiples of the window
 * since the epoch, exactly as {@link LocalRateWindows} does, so switching modes keeps the semantics.
 * <p>
 * Every use is pipelined on one connection (taking one from the pool for each use costs more than the round trip).
 * A use that outlasts the timeout fails alone: the connection stays, and the uses behind it still get their answers
 * (a slow check must not fail every check in flight). A Redis that stops answering must not hold the connection
 * forever: a connect (TCP and handshake) that takes longer than {@link #CONNECT_TIMEOUT} fails, a use that timed out
 * without any answer arriving on its connection since it was sent drops that connection, and the next use makes a
 * new one.
 */
final class RedisRateWindows {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final String SCRIPT = """
            local used = redis.call('INCR', KEYS[1])
            if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return used""";
    private static final String SCRIPT_SHA = sha1(SCRIPT);

    private final Vertx vertx;
    private final Redis redis;
    private final Duration timeout;
    private final AtomicReference<Future<RedisConnection>> connection = new AtomicReference<>();
    /** When the shared connection last answered a use, or was made ({@link System#nanoTime()}). */
    private volatile long lastAnswered = System.nanoTime();

    RedisRateWindows(Vertx vertx, String url, Duration timeout) {
        requireValid(url);
        var options = new RedisOptions().setConnectionString(url).setMaxPoolSize(4).setMaxPoolWaiting(64)
                .setMaxWaitingHandlers(4096);
        // a connection that reads nothing for 10 s is closed: idle, or silent (the pool must not hand it out again)
        options.getNetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT.toMillis()).setReadIdleTimeout(10)
                .setTcpNoDelay(true).setTcpKeepAlive(true);
        this.vertx = vertx;
        this.redis = Redis.createClient(vertx, options);
        this.timeout = timeout;
    }

    /** Fails start-up on a URL that cannot work, without repeating it (it may carry a password). */
    private static void requireValid(String url) {
        try {
            new RedisURI(url);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("KEYPLANE_REDIS_URL is not a Redis URL: use "
                    + "redis://[[user]:password@]host[:port][/database] (or rediss:// for TLS)");
        }
    }

    /**
     * Counts one use in the window that starts at {@code windowStart}; the number of uses counted in it so far.
     * Fails when Redis does not answer within the timeout.
     */
    Uni<Integer> count(UUID keyId, long windowStart, long windowMillis, long nowMillis) {
        var key = "keyplane:rate:" + keyId + ":" + windowStart;
        // kept a little past the window's end, so clocks that differ slightly between replicas still agree
        var ttl = String.valueOf(windowStart + windowMillis - nowMillis + 5_000);
        var used = connection();
        long sent = System.nanoTime();
        return send(used, Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(1).arg(key).arg(ttl))
                .onFailure(RedisRateWindows::scriptNotLoaded)
                .recoverWithUni(() -> send(used, Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key).arg(ttl)))
                .invoke(() -> lastAnswered = System.nanoTime())
                .ifNoItem().after(timeout).fail()
                .onFailure().invoke(() -> {
                    if (lastAnswered - sent < 0) { // nothing came back since this use went out: the connection is dead
                        drop(used);
                    }
                })
                .map(Response::toInteger);
    }

    private static Uni<Response> send(Future<RedisConnection> connection, Request request) {
        return Uni.createFrom().completionStage(() -> connection.compose(c -> c.send(request)).toCompletionStage());
    }

    /** The shared connection: being made, or made; a failed or dropped one is made again by the next use. */
    private Future<RedisConnection> connection() {
        while (true) {
            var current = connection.get();
            if (current != null && !current.failed()) {
                return current;
            }
            var made = Promise.<RedisConnection>promise();
            var next = made.future();
            if (connection.compareAndSet(current, next)) {
                // the handshake after the TCP connect has no timeout of its own: a silent Redis would hold it forever
                long timer = vertx.setTimer(CONNECT_TIMEOUT.toMillis(),
                        id -> made.tryFail(new TimeoutException("no answer from Redis within " + CONNECT_TIMEOUT)));
                redis.connect().onComplete(result -> {
                    vertx.cancelTimer(timer);
                    if (result.succeeded()) {
                        var redisConnection = result.result();
                        redisConnection.exceptionHandler(e -> drop(next)).endHandler(ended -> drop(next));
                        lastAnswered = System.nanoTime();
                        if (!made.tryComplete(redisConnection)) {
                            redisConnection.close(); // too late: its use already failed over
                        }
                    } else {
                        made.tryFail(result.cause());
                    }
                });
                return next;
            }
        }
    }

    /** Forgets {@code used} if it is still the shared connection, so the next use connects anew. */
    private void drop(Future<RedisConnection> used) {
        if (connection.compareAndSet(used, null) && used.succeeded()) {
            used.result().close();
        }
    }

    private static boolean scriptNotLoaded(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    void close() {
        var current = connection.getAndSet(null);
        if (current != null && current.succeeded()) {
            current.result().close();
        }
        redis.close();
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
