package io.keyplane.key;

import java.util.HexFormat;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.changes.ChangeFeed.Change;
import io.keyplane.changes.ChangeFeed;
import io.keyplane.changes.FollowedCache;
import io.keyplane.common.KeyplaneConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Key facts by key hash (hex), in front of {@link KeyFactsRepository}: a hit costs no database round trip. It follows
 * the change feed's topics {@value #KEY}, {@value #ACCOUNT} and {@value #WORKSPACE}: every change that affects
 * verification announces one of them ({@link #changeOfKey} and the others), and each replica evicts what it names.
 */
@Singleton
public class KeyFactsCache {

    static final String KEY = "key";
    static final String ACCOUNT = "account";
    static final String WORKSPACE = "workspace";

    private final FollowedCache<String, KeyFacts> cache;

    @Inject
    KeyFactsCache(ChangeFeed feed, KeyplaneConfig config, MeterRegistry registry) {
        var settings = config.cache();
        this.cache = new FollowedCache<>(feed, "keyplane.keys", registry, settings.maxSize(), settings.ttl(),
                settings.negativeMaxSize(), settings.negativeTtl());
        feed.follow(KEY, follower(cache::evict));
        feed.follow(ACCOUNT, follower(id -> evictIf(UUID.fromString(id), true)));
        feed.follow(WORKSPACE, follower(id -> evictIf(UUID.fromString(id), false)));
    }

    /** A change to the key with this hash (its facts, or the key itself), for {@link ChangeFeed#announce}. */
    public static Change changeOfKey(byte[] keyHash) {
        return Change.of(KEY, idOf(keyHash));
    }

    /** A change to a service account that its keys' facts depend on (scopes, status). */
    public static Change changeOfAccount(UUID serviceAccountId) {
        return Change.of(ACCOUNT, serviceAccountId);
    }

    /** A change to a workspace that its keys' facts depend on (its status). */
    public static Change changeOfWorkspace(UUID workspaceId) {
        return Change.of(WORKSPACE, workspaceId);
    }

    /** The cache's name for a key hash. */
    static String idOf(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    FollowedCache.Peek<KeyFacts> peek(String id, java.util.function.Supplier<Uni<KeyFacts>> reader) {
        return cache.peek(id, reader);
    }

    Uni<KeyFacts> read(String id, java.util.function.Supplier<Uni<KeyFacts>> reader, KeyFacts cached) {
        return cache.read(id, reader, cached);
    }

    private void evictIf(UUID id, boolean account) {
        cache.evictIf(f -> (account ? f.serviceAccountId() : f.workspaceId()).equals(id));
    }

    private ChangeFeed.Follower follower(java.util.function.Consumer<String> changed) {
        return new ChangeFeed.Follower() {
            @Override
            public void changed(String id) {
                changed.accept(id);
            }

            @Override
            public void anythingMayHaveChanged() {
                cache.evictAll();
            }
        };
    }
}
