package io.keyplane.changes;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.keyplane.common.DatabaseOutage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * What the database says about an id, cached on this replica and kept true by the {@link ChangeFeed}: found values
 * for the TTL, ids known to have none for the negative TTL, both bounded.
 * <ul>
 * <li>While the replica listens for changes, the cache answers without the database ({@link #peek}); while it does
 * not, every read goes to the database ({@link #read}) and the cached value answers only when the database cannot be
 * reached (it is at most the TTL old, and no change can commit meanwhile). Anything else is 503, never "none".</li>
 * <li>Every eviction advances a generation; a read under way across an eviction does not put what it read back.</li>
 * <li>A value in use past half the TTL is read again in the background, a key at a time and
 * {@link #MAX_REFRESHES_IN_FLIGHT} at a time in all, so a value in steady use never expires into a read on a
 * request, and many values ageing together never crowd out the requests' reads.</li>
 * </ul>
 * Caffeine picks the classes of a cache (size bound, expire after write, stats) by name at run time, so the native
 * image needs them registered.
 */
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSSMSW", "com.github.benmanes.caffeine.cache.PSWMS" })
public final class FollowedCache<K, V> {

    /** The longest a read may wait for the database: after it, the call is 503. */
    public static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(2);
    /** With a cached value to fall back on (while not listening), a slow database is given less. */
    public static final Duration DATABASE_TIMEOUT_WITH_CACHED = Duration.ofMillis(500);
    static final int MAX_REFRESHES_IN_FLIGHT = 4;

    /** What this replica has: {@code answered} when the cache may answer without the database (then {@code value} null: none). */
    public record Peek<V>(V value, boolean answered) {
    }

    private record Entry<V>(V value, long readAt) {
    }

    private final ChangeFeed feed;
    private final Cache<K, Entry<V>> known;
    private final Cache<K, Boolean> unknown;
    private final AtomicLong generation = new AtomicLong();
    private final long refreshAfterNanos;
    private final Set<K> refreshing = ConcurrentHashMap.newKeySet();

    /** Metrics under {@code name} (found values) and {@code name.unknown} (ids known to have none). */
    public FollowedCache(ChangeFeed feed, String name, MeterRegistry registry, long maxSize, Duration ttl,
            long unknownMaxSize, Duration unknownTtl) {
        this.feed = feed;
        this.known = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(ttl).recordStats().build();
        this.unknown = Caffeine.newBuilder().maximumSize(unknownMaxSize).expireAfterWrite(unknownTtl).recordStats().build();
        this.refreshAfterNanos = ttl.toNanos() / 2;
        CaffeineCacheMetrics.monitor(registry, known, name);
        CaffeineCacheMetrics.monitor(registry, unknown, name + ".unknown");
    }

    /**
     * What this replica has for {@code id}. While listening, a value past half the TTL is read again in the
     * background with {@code reader}; a failed refresh (the database away) leaves it to expire.
     */
    public Peek<V> peek(K id, Supplier<Uni<V>> reader) {
        var entry = known.getIfPresent(id);
        if (!feed.listening()) {
            return new Peek<>(entry == null ? null : entry.value(), false);
        }
        if (entry == null) {
            return new Peek<>(null, unknown.getIfPresent(id) != null);
        }
        if (System.nanoTime() - entry.readAt() > refreshAfterNanos
                && refreshing.size() < MAX_REFRESHES_IN_FLIGHT && refreshing.add(id)) {
            remembered(id, Uni.createFrom().deferred(reader::get).ifNoItem().after(DATABASE_TIMEOUT).fail())
                    .onTermination().invoke(() -> refreshing.remove(id))
                    .subscribe().with(ignored -> {
                    }, ignored -> {
                    });
        }
        return new Peek<>(entry.value(), true);
    }

    /**
     * Reads {@code id} from the database with {@code reader} (null: there is none) and remembers the answer. When the
     * database cannot be reached, {@code cached} answers if there is one, else 503.
     */
    public Uni<V> read(K id, Supplier<Uni<V>> reader, V cached) {
        var timeout = cached != null ? DATABASE_TIMEOUT_WITH_CACHED : DATABASE_TIMEOUT;
        return remembered(id, Uni.createFrom().deferred(reader::get).ifNoItem().after(timeout).fail())
                .onFailure().recoverWithUni(failure -> {
                    if (!DatabaseOutage.is(failure)) {
                        return Uni.createFrom().failure(failure);
                    }
                    return cached != null ? Uni.createFrom().item(cached)
                            : Uni.createFrom().failure(DatabaseOutage.answer(failure));
                });
    }

    private Uni<V> remembered(K id, Uni<V> read) {
        long started = generation.get();
        return read.invoke(value -> {
            if (value == null) {
                known.invalidate(id); // a refresh that found it gone
                unknown.put(id, Boolean.TRUE);
            } else {
                known.put(id, new Entry<>(value, System.nanoTime()));
            }
            // put first, then look: an eviction that ran meanwhile either removed the entry or is seen here
            if (generation.get() != started) {
                known.invalidate(id);
                unknown.invalidate(id);
            }
        });
    }

    public void evict(K id) {
        generation.incrementAndGet();
        known.invalidate(id);
        unknown.invalidate(id);
    }

    /** A scan of the (bounded) cache: for rare changes that reach many entries, cheaper than a second index. */
    public void evictIf(Predicate<V> affected) {
        generation.incrementAndGet();
        known.asMap().values().removeIf(entry -> affected.test(entry.value()));
    }

    public void evictAll() {
        generation.incrementAndGet();
        known.invalidateAll();
        unknown.invalidateAll();
    }
}
