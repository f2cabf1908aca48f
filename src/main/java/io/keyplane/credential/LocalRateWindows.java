package io.keyplane.credential;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Fixed-window counters per key in this replica's memory, used when no Redis is configured: with N replicas behind
 * a round-robin balancer a key can get up to N x limit per window, and a restart forgets the counts (README
 * "Running several replicas"). Caffeine picks the classes of a cache (here: size bound, expire after access) by
 * name at run time, so the native image needs them registered.
 */
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSMSA", "com.github.benmanes.caffeine.cache.PSAMS" })
final class LocalRateWindows {

    private record Window(long start, AtomicInteger used) {
    }

    // bounded: idle keys' windows are forgotten (a forgotten window only ever resets a count early)
    private final Cache<UUID, Window> windows = Caffeine.newBuilder().maximumSize(200_000)
            .expireAfterAccess(Duration.ofHours(25)).build();

    /** Counts one use in the window that starts at {@code windowStart}; returns the uses counted in it so far. */
    int count(UUID keyId, long windowStart) {
        var window = windows.asMap().compute(keyId, (id, w) -> w == null || w.start() != windowStart
                ? new Window(windowStart, new AtomicInteger()) : w);
        return window.used().incrementAndGet();
    }

    static long windowStart(Instant now, long windowMillis) {
        return now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), windowMillis);
    }
}
