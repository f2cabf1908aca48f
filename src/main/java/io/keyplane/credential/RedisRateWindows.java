package io.keyplane.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Fixed-window counters shared by every replica, in Redis: one atomic server-side script per use (one round trip),
 * which counts the use and sets the window's expiry on its first use. Windows align to multiples of the window
 * since the epoch, exactly as {@link LocalRateWindows} does, so switching modes keeps the semantics.
 */
final class RedisRateWindows {

    private static final String SCRIPT = """
            local used = redis.call('INCR', KEYS[1])
            if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return used""";
    private static final String SCRIPT_SHA = sha1(SCRIPT);

    private final Redis redis;
    private final Duration timeout;

    RedisRateWindows(Vertx vertx, String url, Duration timeout) {
        var options = new RedisOptions().setConnectionString(url).setMaxPoolSize(16).setMaxPoolWaiting(512)
                .setMaxWaitingHandlers(4096);
        // a Redis that does not answer must fail fast: no connect may outlast a few timeouts
        options.getNetClientOptions().setConnectTimeout((int) Math.max(250, timeout.toMillis() * 5))
                .setTcpNoDelay(true).setTcpKeepAlive(true);
        this.redis = Redis.createClient(vertx, options);
        this.timeout = timeout;
    }

    /**
     * Counts one use in the window that starts at {@code windowStart}; the number of uses counted in it so far.
     * Fails when Redis does not answer within the timeout.
     */
    Uni<Integer> count(UUID keyId, long windowStart, long windowMillis, long nowMillis) {
        var key = "keyplane:rate:" + keyId + ":" + windowStart;
        // kept a little past the window's end, so clocks that differ slightly between replicas still agree
        var ttl = String.valueOf(windowStart + windowMillis - nowMillis + 5_000);
        return send(Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(1).arg(key).arg(ttl))
                .onFailure(RedisRateWindows::scriptNotLoaded)
                .recoverWithUni(() -> send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key).arg(ttl)))
                .ifNoItem().after(timeout).fail()
                .map(Response::toInteger);
    }

    private Uni<Response> send(Request request) {
        return Uni.createFrom().completionStage(() -> redis.send(request).toCompletionStage());
    }

    private static boolean scriptNotLoaded(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    void close() {
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
