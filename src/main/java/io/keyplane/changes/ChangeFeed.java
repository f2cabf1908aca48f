package io.keyplane.changes;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * The change feed that keeps every replica's caches true (key facts, forward-auth policies). A change
 * {@link #announce announces} itself inside its own transaction (PostgreSQL delivers the NOTIFY on commit, and only
 * then), and after the commit the replica that made it {@link #evictHere evicts at once}; the others evict when the
 * notification arrives. Each cache {@link #follow follows} its topics.
 * <p>
 * The listening connection retries with backoff for as long as the replica runs, its first connect included, and
 * a heartbeat finds a connection that died silently. While it is not listening, {@link #listening()} is false and
 * caches read through; on every (re)subscription every follower forgets everything, since anything may have been
 * missed meanwhile.
 */
@Singleton
public class ChangeFeed {

    static final String CHANNEL = "keyplane_key_changes";
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    /** What changed, as the notification's payload says it: {@code topic:id}. */
    public record Change(String payload) {
        /** A change to the entry {@code id} of what is cached under {@code topic} (see {@link #follow}). */
        public static Change of(String topic, Object id) {
            return new Change(topic + ":" + id);
        }
    }

    /** What a cache does when an entry of its topic changed, or when anything may have changed. */
    public interface Follower {
        void changed(String id);

        void anythingMayHaveChanged();
    }

    private final Map<String, Follower> followers = new ConcurrentHashMap<>();

    private final Vertx vertx;
    private final PgConnectOptions options;
    private volatile PgSubscriber subscriber;
    private volatile boolean listening;
    private volatile boolean everListened;
    private volatile boolean stopped;

    @Inject
    ChangeFeed(Vertx vertx, KeyplaneConfig config, MeterRegistry registry) {
        this.vertx = vertx;
        var db = config.db();
        this.options = new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.name())
                .setUser(db.user()).setPassword(db.password().orElse("")).setConnectTimeout(2_000);
        Gauge.builder("keyplane.key_changes.listening", this, c -> c.listening ? 1 : 0)
                .description("1 while this replica listens for key changes (else it reads through its cache)")
                .register(registry);
    }

    /** Tells every replica of {@code change} when the current transaction commits. Call inside that transaction. */
    public Uni<Void> announce(Change change) {
        return Panache.getSession().chain(session -> session.createNativeQuery("select 1 from pg_notify(?1, ?2)")
                .setParameter(1, CHANNEL).setParameter(2, change.payload()).getSingleResult())
                .replaceWithVoid();
    }

    /** {@code follower} hears every change announced under {@code topic} ({@link Change#of}) and every resubscription. */
    public void follow(String topic, Follower follower) {
        followers.put(topic, follower);
    }

    /** Forgets what {@code change} affected on this replica. Call after its transaction committed. */
    public void evictHere(Change change) {
        apply(change.payload());
    }

    void apply(String payload) {
        int colon = payload.indexOf(':');
        var follower = colon < 0 ? null : followers.get(payload.substring(0, colon));
        if (follower == null) {
            evictEverything(); // a topic nobody here follows, or unreadable: be safe
            return;
        }
        try {
            follower.changed(payload.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            evictEverything(); // an id its follower cannot read
        }
    }

    void listen(@Observes @Priority(30) StartupEvent event) {
        subscribe(0);
        vertx.setPeriodic(HEARTBEAT.toMillis(), id -> heartbeat());
    }

    /** A new subscriber: PgSubscriber reconnects a lost connection itself, but never retries a first connect. */
    private void subscribe(int attempt) {
        if (stopped) {
            return;
        }
        var next = PgSubscriber.subscriber(vertx, options).reconnectPolicy(this::reconnectDelay);
        next.channel(CHANNEL).handler(this::apply).subscribeHandler(this::subscribed);
        subscriber = next;
        next.connect().subscribe().with(ignored -> {
        }, failure -> {
            if (attempt == 0) {
                Log.warnf("Cannot listen for key changes yet (%s); retrying, and reading through the cache meanwhile",
                        failure.getMessage());
            }
            next.closeAndForget();
            vertx.setTimer(backoff(attempt), id -> subscribe(attempt + 1));
        });
    }

    /** Called by PgSubscriber when its connection is lost (retries 0) and after each failed reconnect. */
    private Long reconnectDelay(int retries) {
        if (listening) {
            Log.warn("Lost the key-change listener; reading through the cache until it is back");
        }
        listening = false;
        return stopped ? -1L : backoff(retries);
    }

    private void evictEverything() {
        followers.values().forEach(Follower::anythingMayHaveChanged);
    }

    private void subscribed() {
        evictEverything(); // anything may have changed while nobody listened
        if (everListened && !listening) {
            Log.info("Listening for key changes again");
        }
        listening = true;
        everListened = true;
    }

    /** A connection can die without a word (a dropped route): one that does not answer is closed and redone. */
    private void heartbeat() {
        var current = subscriber;
        var connection = current == null ? null : current.actualConnection();
        if (connection == null || !listening) {
            return;
        }
        connection.query("select 1").execute()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .subscribe().with(ignored -> {
                }, failure -> {
                    listening = false;
                    connection.closeAndForget(); // PgSubscriber reconnects
                });
    }

    private static long backoff(int attempt) {
        return Math.min(100L << Math.min(attempt, 6), MAX_BACKOFF_MILLIS);
    }

    /** True while this replica listens for changes: its cache can be trusted for the TTL. */
    public boolean listening() {
        return listening;
    }

    /** True once this replica has listened for changes (readiness waits for it, API.md section 7). */
    public boolean startedListening() {
        return everListened;
    }

    void close(@Observes ShutdownEvent event) {
        stopped = true;
        var current = subscriber;
        if (current != null) {
            current.closeAndForget();
        }
    }
}
