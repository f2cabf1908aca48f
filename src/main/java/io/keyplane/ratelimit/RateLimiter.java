package io.keyplane.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig.RedisFailure;
import io.keyplane.common.KeyplaneConfig;
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
 * on its own ({@link LocalRateWindows}). With Redis, this replica also counts the uses it allows; when Redis fails
 * or is slower than {@code KEYPLANE_REDIS_TIMEOUT}, a use is allowed while that count is under the limit
 * ({@code KEYPLANE_RATE_LIMIT_REDIS_FAILURE=open}, the default: at most the limit per replica and window, never
 * unlimited) or refused with 503 ({@code closed}); either way the failure is counted and logged, never a 500 and
 * never a hang. A use Redis allows is counted here too and cannot take that count past the limit: while Redis
 * answers, that never refuses anything (Redis allows at most the limit in all), and across a failure no replica
 * allows more than the limit in one window.
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
    /** With Redis: the uses this replica allowed, per key and window. */
    private final LocalRateWindows<UUID> allowedHere = new LocalRateWindows<>(200_000, Duration.ofHours(25));
    private final RedisRateWindows shared;
    private final boolean failOpen;
    private final Counter rejections;
    private final Counter redisFailures;
    private final AtomicLong lastFailureLogged = new AtomicLong();

    @Inject
    public RateLimiter(KeyplaneConfig config, Vertx vertx, MeterRegistry registry) {
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
        var resetAt = Instant.ofEpochMilli(start + windowMillis);
        return shared.count(keyId, start, windowMillis, now.toEpochMilli())
                .map(used -> used > limit || allowedHere.countBelow(keyId, start, limit) < 0 ? refused(limit, resetAt)
                        : new Decision(true, limit, limit - used, resetAt))
                .onFailure().recoverWithUni(failure -> unchecked(failure, keyId, limit, start, resetAt));
    }

    private Decision refused(int limit, Instant resetAt) {
        rejections.increment();
        return new Decision(false, limit, 0, resetAt);
    }

    private Decision decide(int limit, int used, long resetAtMillis) {
        var resetAt = Instant.ofEpochMilli(resetAtMillis);
        return used > limit ? refused(limit, resetAt) : new Decision(true, limit, limit - used, resetAt);
    }

    /** Redis could not count the use: allow it while this replica's own count is under the limit, or refuse with 503. */
    private Uni<Decision> unchecked(Throwable failure, UUID keyId, int limit, long windowStart, Instant resetAt) {
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
        int allowed = allowedHere.countBelow(keyId, windowStart, limit);
        return Uni.createFrom().item(allowed < 0 ? refused(limit, resetAt)
                : new Decision(true, limit, limit - allowed, resetAt));
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
