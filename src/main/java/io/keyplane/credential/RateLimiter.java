package io.keyplane.credential;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Fixed-window counters per key, in this replica's memory: with N replicas behind a round-robin balancer a key
 * can get up to N x limit per window (see README). Windows align to multiples of window_seconds since the epoch.
 * Caffeine picks the classes of a cache (here: size bound, expire after access) by name at run time, so the
 * native image needs them registered.
 */
@Singleton
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSMSA", "com.github.benmanes.caffeine.cache.PSAMS" })
public class RateLimiter {

    /** The outcome of one use: whether it was allowed, what is left in the window and when it resets. */
    public record Decision(boolean allowed, int limit, int remaining, Instant resetAt) {
        public long retryAfterSeconds(Instant now) {
            return Math.max(1, resetAt.getEpochSecond() - now.getEpochSecond());
        }
    }

    private record Window(long start, AtomicInteger used) {
    }

    // bounded: idle keys' windows are forgotten (a forgotten window only ever resets a count early)
    private final Cache<UUID, Window> windows = Caffeine.newBuilder().maximumSize(200_000)
            .expireAfterAccess(java.time.Duration.ofHours(25)).build();
    private final Counter rejections;

    @Inject
    RateLimiter(MeterRegistry registry) {
        this.rejections = Counter.builder("keyplane.ratelimit.rejections")
                .description("Uses refused because a key's rate limit was reached").register(registry);
    }

    /** Counts one use of the key; null limit means unlimited (nothing is counted). */
    public Decision consume(UUID keyId, Integer limit, Integer windowSeconds, Instant now) {
        if (limit == null || windowSeconds == null) {
            return null;
        }
        long windowMillis = windowSeconds * 1000L;
        long start = now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), windowMillis);
        var window = windows.asMap().compute(keyId, (id, w) -> w == null || w.start() != start
                ? new Window(start, new AtomicInteger()) : w);
        int used = window.used().incrementAndGet();
        var resetAt = Instant.ofEpochMilli(start + windowMillis);
        if (used > limit) {
            rejections.increment();
            return new Decision(false, limit, 0, resetAt);
        }
        return new Decision(true, limit, limit - used, resetAt);
    }

}
