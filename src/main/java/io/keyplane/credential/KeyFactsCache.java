package io.keyplane.credential;

import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

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
 * Caffeine picks the classes of a cache (size bound, expire after write, stats) by name at run time, so the
 * native image needs them registered.
 */
@Singleton
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSSMSW", "com.github.benmanes.caffeine.cache.PSWMS" })
public class KeyFactsCache {

    private final Cache<String, KeyFacts> known;
    private final Cache<String, Boolean> unknown;
    private final AtomicLong generation = new AtomicLong();

    @Inject
    KeyFactsCache(KeyplaneConfig config, MeterRegistry registry) {
        this.known = Caffeine.newBuilder().maximumSize(config.cache().maxSize())
                .expireAfterWrite(config.cache().ttl()).recordStats().build();
        this.unknown = Caffeine.newBuilder().maximumSize(config.cache().negativeMaxSize())
                .expireAfterWrite(config.cache().negativeTtl()).recordStats().build();
        CaffeineCacheMetrics.monitor(registry, known, "keyplane.keys");
        CaffeineCacheMetrics.monitor(registry, unknown, "keyplane.keys.unknown");
    }

    /** The cache's name for a key hash. */
    static String idOf(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    /** The key's facts when this replica has them, else null (unknown, or not cached). */
    KeyFacts cached(String id) {
        return known.getIfPresent(id);
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
                unknown.put(id, Boolean.TRUE);
            } else {
                known.put(id, facts);
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
        known.asMap().values().removeIf(affected);
    }

    void evictAll() {
        generation.incrementAndGet();
        known.invalidateAll();
        unknown.invalidateAll();
    }
}
