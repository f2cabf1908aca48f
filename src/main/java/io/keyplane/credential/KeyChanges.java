package io.keyplane.credential;

import java.util.HexFormat;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Keeps every replica's {@link KeyFactsCache} true. Called after a change that affects verification has
 * committed and before its response is sent: evicts here at once, and tells the other replicas through
 * PostgreSQL NOTIFY (they evict within milliseconds; the cache TTL bounds staleness if a message is lost).
 */
@Singleton
public class KeyChanges {

    static final String CHANNEL = "keyplane_key_changes";

    private final KeyFactsCache cache;
    private final Pool pool;
    private final Vertx vertx;
    private final KeyplaneConfig config;
    private PgSubscriber subscriber;
    private volatile boolean listening;

    @Inject
    KeyChanges(KeyFactsCache cache, Pool pool, Vertx vertx, KeyplaneConfig config) {
        this.cache = cache;
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
    }

    public Uni<Void> keyChanged(byte[] keyHash) {
        cache.evictHash(keyHash);
        return broadcast("key:" + HexFormat.of().formatHex(keyHash));
    }

    public Uni<Void> accountChanged(UUID serviceAccountId) {
        cache.evictAccount(serviceAccountId);
        return broadcast("account:" + serviceAccountId);
    }

    public Uni<Void> workspaceChanged(UUID workspaceId) {
        cache.evictWorkspace(workspaceId);
        return broadcast("workspace:" + workspaceId);
    }

    private Uni<Void> broadcast(String payload) {
        return pool.preparedQuery("select pg_notify('" + CHANNEL + "', $1)").execute(Tuple.of(payload)).replaceWithVoid();
    }

    void apply(String payload) {
        int colon = payload.indexOf(':');
        var kind = payload.substring(0, Math.max(colon, 0));
        var value = payload.substring(colon + 1);
        try {
            switch (kind) {
                case "key" -> cache.evictHash(HexFormat.of().parseHex(value));
                case "account" -> cache.evictAccount(UUID.fromString(value));
                case "workspace" -> cache.evictWorkspace(UUID.fromString(value));
                default -> cache.evictAll();
            }
        } catch (IllegalArgumentException e) {
            cache.evictAll(); // unreadable: be safe
        }
    }

    void listen(@Observes @Priority(30) StartupEvent event) {
        var db = config.db();
        var options = new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.name())
                .setUser(db.user()).setPassword(db.password().orElse(""));
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(CHANNEL).handler(this::apply)
                .subscribeHandler(() -> {
                    cache.evictAll(); // (re)subscribed: anything may have been missed meanwhile
                    listening = true;
                });
        subscriber.connect().subscribe().with(ignored -> Log.debug("Listening for key changes"),
                failure -> Log.warnf("Cannot listen for key changes (cache TTL still bounds staleness): %s",
                        failure.getMessage()));
    }

    /** True once this replica has listened for changes (readiness waits for it, API.md section 7). */
    public boolean listening() {
        return listening;
    }

    void close(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }
}
