package io.keyplane.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Fixed-window counters per subject in this replica's memory: a key's rate limit when no Redis is configured (with
 * N replicas behind a round-robin balancer a key can get up to N x limit per window, and a restart forgets the
 * counts; docs/deploy.md "Running several replicas"), or a client address's leak reports. Caffeine picks the classes of a
 * cache (here: size bound, expire after access) by name at run time, so the native image needs them registered.
 */
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSMSA", "com.github.benmanes.caffeine.cache.PSAMS" })
public final class LocalRateWindows<K> {

    private record Window(long start, AtomicInteger used) {
    }

    private final Cache<K, Window> windows;

    /** Bounded: subjects idle for {@code forgetAfter} are forgotten (a forgotten window only ever resets a count early). */
    public LocalRateWindows(long maximumSubjects, Duration forgetAfter) {
        this.windows = Caffeine.newBuilder().maximumSize(maximumSubjects).expireAfterAccess(forgetAfter).build();
    }

    /** Counts one use in the window that starts at {@code windowStart}; returns the uses counted in it so far. */
    public int count(K subject, long windowStart) {
        var window = windows.asMap().compute(subject, (s, w) -> w == null || w.start() != windowStart
                ? new Window(windowStart, new AtomicInteger()) : w);
        return window.used().incrementAndGet();
    }

    /**
     * Counts one use in the window that starts at {@code windowStart} only while fewer than {@code limit} are
     * counted in it; returns the uses counted after this one, or -1 when the window was full (nothing counted).
     */
    public int countBelow(K subject, long windowStart, int limit) {
        int[] counted = { -1 };
        windows.asMap().compute(subject, (s, w) -> {
            var window = w == null || w.start() != windowStart ? new Window(windowStart, new AtomicInteger()) : w;
            if (window.used().get() < limit) {
                counted[0] = window.used().incrementAndGet();
            }
            return window;
        });
        return counted[0];
    }

    public static long windowStart(Instant now, long windowMillis) {
        return now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), windowMillis);
    }
}
