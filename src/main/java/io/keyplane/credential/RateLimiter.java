package io.keyplane.credential;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneConfig.RedisFailure;
import io.keyplane.common.KeyplaneException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Rate limits per key, in fixed windows aligned to multiples of window_seconds since the epoch. With
 * {@code KEYPLANE_REDIS_URL} every replica shares one counter per key and window; without it each replica counts
 * on its own ({@link LocalRateWindows}). With Redis, each use is counted in this replica's memory too, so that when
 * Redis fails or is slower than {@code KEYPLANE_REDIS_TIMEOUT} the use is decided by this replica's own count
 * ({@code KEYPLANE_RATE_LIMIT_REDIS_FAILURE=open}, the default: at most the limit per replica, never unlimited) or
 * refused with 503 ({@code closed}); either way the failure is counted and logged, never a 500 and never a hang.
 * A use Redis allows is also refused when this replica alone has seen more than the limit in the window (Redis,
 * counting every replica's uses, would have too, unless it missed some while it failed).
 */
@Singleton
public class RateLimiter {

    private static final long LOG_EVERY_MILLIS = 10_000;

    /** The outcome of one use: whether it was allowed, what is left in the window and when it resets. */
    public record Decision(boolean allowed, int limit, int remaining, Instant resetAt) {
        public long retryAfterSeconds(Instant now) {
            return Math.max(1, resetAt.getEpochSecond() - now.getEpochSecond());
        }
    }

    private final LocalRateWindows<UUID> local = new LocalRateWindows<>(200_000, Duration.ofHours(25));
    private final RedisRateWindows shared;
    private final boolean failOpen;
    private final Counter rejections;
    private final Counter redisFailures;
    private final AtomicLong lastFailureLogged = new AtomicLong();

    @Inject
    RateLimiter(KeyplaneConfig config, Vertx vertx, MeterRegistry registry) {
        this.shared = config.redis().url().map(url -> new RedisRateWindows(vertx, url, config.redis().timeout()))
                .orElse(null);
        this.failOpen = config.rateLimitRedisFailure() == RedisFailure.OPEN;
        this.rejections = Counter.builder("keyplane.ratelimit.rejections")
                .description("Uses refused because a key's rate limit was reached").register(registry);
        this.redisFailures = Counter.builder("keyplane.ratelimit.redis.failures")
                .description("Rate-limit checks that Redis did not answer in time (decided by this replica's own count "
                        + "when the mode is open)")
                .tag("mode", failOpen ? "open" : "closed").register(registry);
    }

    /** True when a use is counted in this replica's memory, so {@link #consumeHere} can decide it at once. */
    public boolean countsHere() {
        return shared == null;
    }

    /** Counts one use of the key in this replica's memory; null limit means unlimited (nothing is counted). */
    public Decision consumeHere(UUID keyId, Integer limit, Integer windowSeconds, Instant now) {
        if (limit == null || windowSeconds == null) {
            return null;
        }
        long windowMillis = windowSeconds * 1000L;
        long start = LocalRateWindows.windowStart(now, windowMillis);
        return decide(limit, local.count(keyId, start), start + windowMillis);
    }

    /** Counts one use of the key where this replica counts; a null item for an unlimited key. */
    public Uni<Decision> consume(UUID keyId, Integer limit, Integer windowSeconds, Instant now) {
        if (shared == null || limit == null || windowSeconds == null) {
            return Uni.createFrom().item(consumeHere(keyId, limit, windowSeconds, now));
        }
        long windowMillis = windowSeconds * 1000L;
        long start = LocalRateWindows.windowStart(now, windowMillis);
        int usedHere = local.count(keyId, start);
        return shared.count(keyId, start, windowMillis, now.toEpochMilli())
                .map(used -> decide(limit, Math.max(used, usedHere), start + windowMillis))
                .onFailure().recoverWithUni(failure -> unchecked(failure, limit, usedHere, start + windowMillis));
    }

    private Decision decide(int limit, int used, long resetAtMillis) {
        var resetAt = Instant.ofEpochMilli(resetAtMillis);
        if (used > limit) {
            rejections.increment();
            return new Decision(false, limit, 0, resetAt);
        }
        return new Decision(true, limit, limit - used, resetAt);
    }

    /** Redis could not count the use: decide it by this replica's own count, or refuse it with 503. */
    private Uni<Decision> unchecked(Throwable failure, int limit, int usedHere, long resetAtMillis) {
        redisFailures.increment();
        long now = System.currentTimeMillis();
        long last = lastFailureLogged.get();
        if (now - last >= LOG_EVERY_MILLIS && lastFailureLogged.compareAndSet(last, now)) {
            Log.warnf("Redis did not count a rate-limited use (%s: %s); %s", failure.getClass().getSimpleName(),
                    failure.getMessage(), failOpen ? "each replica counts on its own meanwhile" : "answering 503");
        }
        if (!failOpen) {
            return Uni.createFrom().failure(KeyplaneException.unavailable(1,
                    "Rate limits cannot be checked now; retry after 1 s"));
        }
        return Uni.createFrom().item(decide(limit, usedHere, resetAtMillis));
    }

    /** Created at start-up, so a KEYPLANE_REDIS_URL that cannot work stops it, not the first rate-limited use. */
    void started(@Observes StartupEvent event) {
        if (shared != null) {
            Log.infof("Rate limits are counted in Redis, shared by every replica (on failure: %s)",
                    failOpen ? "each replica's own count" : "503");
        }
    }

    void close(@Observes ShutdownEvent event) {
        if (shared != null) {
            shared.close();
        }
    }
}
