package io.keyplane.credential;

import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.keyplane.common.KeyplaneConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Key facts by key hash, in front of {@link KeyFactsRepository}: a hit costs no database round trip.
 * Every change that affects verification evicts here before its response is sent ({@code KeyChanges}). A lookup
 * that was under way when an eviction happened does not put what it read back: every eviction advances a
 * generation, and a lookup only keeps its answer if the generation it started in is still current.
 * A hit on facts past half the TTL reads them again in the background, so a key in steady use never expires into
 * a database round trip on a request; the facts served are still never older than the TTL.
 * Caffeine picks the classes of a cache (size bound, expire after write, stats) by name at run time, so the
 * native image needs them registered.
 */
@Singleton
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSSMSW", "com.github.benmanes.caffeine.cache.PSWMS" })
public class KeyFactsCache {

    /** Facts with the {@link System#nanoTime()} they were read at. */
    record Entry(KeyFacts facts, long readAt) {
    }

    private final Cache<String, Entry> known;
    private final Cache<String, Boolean> unknown;
    private final AtomicLong generation = new AtomicLong();
    private final long refreshAfterNanos;
    /** The keys being refreshed: a few at a time, so many keys ageing together never crowd out the requests' reads. */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    static final int MAX_REFRESHES_IN_FLIGHT = 4;

    @Inject
    KeyFactsCache(KeyplaneConfig config, MeterRegistry registry) {
        this.known = Caffeine.newBuilder().maximumSize(config.cache().maxSize())
                .expireAfterWrite(config.cache().ttl()).recordStats().build();
        this.unknown = Caffeine.newBuilder().maximumSize(config.cache().negativeMaxSize())
                .expireAfterWrite(config.cache().negativeTtl()).recordStats().build();
        this.refreshAfterNanos = config.cache().ttl().toNanos() / 2;
        CaffeineCacheMetrics.monitor(registry, known, "keyplane.keys");
        CaffeineCacheMetrics.monitor(registry, unknown, "keyplane.keys.unknown");
    }

    /** The cache's name for a key hash. */
    static String idOf(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    /** The key's facts when this replica has them, else null (unknown, or not cached). */
    KeyFacts cached(String id) {
        var entry = known.getIfPresent(id);
        return entry == null ? null : entry.facts();
    }

    /**
     * The key's facts when this replica has them, else null; facts past half the TTL are read again meanwhile with
     * {@code lookup}, once at a time per key and {@link #MAX_REFRESHES_IN_FLIGHT} at a time in all (a hit that finds
     * them all busy leaves it to a later hit), and a failure (the database away) only leaves them to expire.
     */
    KeyFacts cached(String id, Supplier<Uni<KeyFacts>> lookup) {
        var entry = known.getIfPresent(id);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.readAt() > refreshAfterNanos
                && refreshing.size() < MAX_REFRESHES_IN_FLIGHT && refreshing.add(id)) {
            load(id, Uni.createFrom().deferred(lookup::get))
                    .onTermination().invoke(() -> refreshing.remove(id))
                    .subscribe().with(ignored -> {
                    }, ignored -> {
                    });
        }
        return entry.facts();
    }

    /** True when this replica saw lately that no key has this hash. */
    boolean knownUnknown(String id) {
        return unknown.getIfPresent(id) != null;
    }

    /** Runs {@code lookup} (the database) and remembers its answer, either way; null if no key has this hash. */
    Uni<KeyFacts> load(String id, Uni<KeyFacts> lookup) {
        long started = generation.get();
        return lookup.invoke(facts -> {
            if (facts == null) {
                known.invalidate(id); // a refresh that found the key gone
                unknown.put(id, Boolean.TRUE);
            } else {
                known.put(id, new Entry(facts, System.nanoTime()));
            }
            // put first, then look: an eviction that ran meanwhile either removed the entry or is seen here
            if (generation.get() != started) {
                known.invalidate(id);
                unknown.invalidate(id);
            }
        });
    }

    void evictHash(byte[] hash) {
        generation.incrementAndGet();
        var id = HexFormat.of().formatHex(hash);
        known.invalidate(id);
        unknown.invalidate(id);
    }

    void evictAccount(UUID serviceAccountId) {
        evictIf(f -> f.serviceAccountId().equals(serviceAccountId));
    }

    void evictWorkspace(UUID workspaceId) {
        evictIf(f -> f.workspaceId().equals(workspaceId));
    }

    /** Account and workspace changes are rare: a scan of the (bounded) cache is cheaper than a second index. */
    private void evictIf(Predicate<KeyFacts> affected) {
        generation.incrementAndGet();
        known.asMap().values().removeIf(entry -> affected.test(entry.facts()));
    }

    void evictAll() {
        generation.incrementAndGet();
        known.invalidateAll();
        unknown.invalidateAll();
    }
}
