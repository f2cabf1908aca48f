package io.keyplane.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Usage history and last_used_at without a database write on the response path: uses go into a bounded queue
 * that is written in batches every flush interval and at shutdown. When the queue is full a use is dropped and
 * counted, never blocking the caller.
 */
@Singleton
public class UsageRecorder {

    /** One use of a key. {@code code}: a verification code, an authentication code, or the HTTP status. */
    record Use(UUID keyId, UUID workspaceId, Instant at, String outcome, String code, Origin origin) {
    }

    private static final String INSERT = """
            insert into key_usage (key_id, workspace_id, at, outcome, code, method, path, source_ip, user_agent, request_id)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";
    /** A valid or successful use moves last_used_at, a denied one last_denied_at (greatest() skips nulls). */
    private static final String TOUCH = """
            update api_key set last_used_at = greatest(last_used_at, $2), last_denied_at = greatest(last_denied_at, $3)
            where id = $1""";
    private static final String PRUNE = """
            delete from key_usage where key_id = $1 and id < (
                select id from key_usage where key_id = $1 order by id desc offset $2 limit 1)""";

    /** Counts per key, hour and code, and per workspace, hour and code: the usage summaries read these. */
    private static final String ROLL_UP_KEY = """
            insert into key_usage_hourly (key_id, workspace_id, hour, code, count) values ($1, $2, $3, $4, $5)
            on conflict (key_id, hour, code) do update set count = key_usage_hourly.count + excluded.count""";
    private static final String ROLL_UP_WORKSPACE = """
            insert into workspace_usage_hourly (workspace_id, hour, code, count) values ($1, $2, $3, $4)
            on conflict (workspace_id, hour, code) do update set count = workspace_usage_hourly.count + excluded.count""";

    /** One hourly count: of a key (and its workspace), or of a workspace ({@code keyId} null). */
    private record Hourly(UUID keyId, UUID workspaceId, Instant hour, String code) implements Comparable<Hourly> {
        @Override
        public int compareTo(Hourly o) { // one order for every writer, so concurrent flushes never deadlock
            int c = String.valueOf(keyId).compareTo(String.valueOf(o.keyId));
            c = c != 0 ? c : workspaceId.compareTo(o.workspaceId);
            c = c != 0 ? c : hour.compareTo(o.hour);
            return c != 0 ? c : code.compareTo(o.code);
        }
    }

    private final BlockingQueue<Use> queue;
    private final Pool pool;
    private final Clock clock;
    private final Vertx vertx;
    private final KeyplaneConfig.Usage config;
    private final Counter dropped;
    private final Counter written;
    private final AtomicBoolean flushing = new AtomicBoolean();

    @Inject
    UsageRecorder(KeyplaneConfig config, Pool pool, Vertx vertx, Clock clock, MeterRegistry registry) {
        this.clock = clock;
        this.config = config.usage();
        this.queue = new ArrayBlockingQueue<>(this.config.queueSize());
        this.pool = pool;
        this.vertx = vertx;
        this.dropped = Counter.builder("keyplane.usage.dropped")
                .description("Key uses not recorded because the usage queue was full").register(registry);
        this.written = Counter.builder("keyplane.usage.written").description("Key uses written").register(registry);
        Gauge.builder("keyplane.usage.queue.depth", queue, BlockingQueue::size)
                .description("Key uses waiting to be written").register(registry);
    }

    void start(@Observes StartupEvent event) {
        vertx.setPeriodic(config.flushInterval().toMillis(), id -> flush().subscribe().with(ignored -> {
        }, failure -> Log.warnf("Writing key usage failed: %s", failure.getMessage())));
    }

    /** Writes everything queued before exit: after a flush already under way, until the queue is empty. */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // the shutdown thread may block
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            if (flushing.get()) {
                Thread.sleep(10);
            } else {
                try {
                    flush().await().atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (RuntimeException e) {
                    Log.warnf("Key uses not written at shutdown (%d left): %s", queue.size(), e.getMessage());
                    return;
                }
            }
        }
    }

    /**
     * Hourly counts older than the retention go, by their hour index. One replica at a time (a transaction-scoped
     * advisory lock the others skip), so concurrent purges never contend; the next hour finishes what one leaves.
     */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purgeRollups() {
        var before = utc(clock.instant().minus(config.rollupRetention()));
        return pool.withTransaction(connection -> connection
                .query("select pg_try_advisory_xact_lock(hashtext('keyplane_usage_rollup_purge')) as mine").execute()
                .chain(locked -> !locked.iterator().next().getBoolean("mine") ? Uni.createFrom().voidItem()
                        : connection.preparedQuery("delete from key_usage_hourly where hour < $1").execute(Tuple.of(before))
                                .chain(() -> connection.preparedQuery("delete from workspace_usage_hourly where hour < $1")
                                        .execute(Tuple.of(before)))
                                .replaceWithVoid()))
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf("Purging old usage rollups failed: %s", failure.getMessage());
                    return null;
                });
    }

    /** Queues one use of a key: a success or a denial with its code. Never blocks; drops when full. */
    public void record(UUID keyId, UUID workspaceId, boolean success, String code, Origin origin, Instant at) {
        var use = new Use(keyId, workspaceId, at, success ? "success" : "denied", code, origin);
        if (!queue.offer(use)) {
            dropped.increment();
        }
    }

    /** Writes what is queued now: one batch insert, one last_used_at update per key, then pruning. */
    public Uni<Void> flush() {
        if (queue.isEmpty() || !flushing.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        var batch = new ArrayList<Use>();
        queue.drainTo(batch);
        var lastUse = new TreeMap<UUID, LastUses>(); // rows locked in one order by every writer
        batch.forEach(u -> lastUse.merge(u.keyId(), LastUses.of(u), LastUses::latest));
        var perKey = new TreeMap<Hourly, Long>();
        var perWorkspace = new TreeMap<Hourly, Long>();
        for (var u : batch) {
            var hour = u.at().truncatedTo(ChronoUnit.HOURS);
            perKey.merge(new Hourly(u.keyId(), u.workspaceId(), hour, u.code()), 1L, Long::sum);
            perWorkspace.merge(new Hourly(null, u.workspaceId(), hour, u.code()), 1L, Long::sum);
        }
        // last_used_at last: the keys' rows stay locked (credit spends wait on them) for the shortest time; the
        // rollups in a transaction of their own after it, so a busy workspace's hourly row never holds up key rows
        return pool.withTransaction(connection -> connection.preparedQuery(INSERT).executeBatch(rows(batch))
                .chain(() -> connection.preparedQuery(PRUNE).executeBatch(lastUse.keySet().stream()
                        .map(id -> Tuple.of(id, config.retentionPerKey() - 1)).toList()))
                .chain(() -> connection.preparedQuery(TOUCH).executeBatch(lastUse.entrySet().stream()
                        .map(e -> Tuple.of(e.getKey(), utc(e.getValue().used()), utc(e.getValue().denied()))).toList())))
                .chain(() -> pool.withTransaction(connection -> connection.preparedQuery(ROLL_UP_KEY)
                        .executeBatch(perKey.entrySet().stream().map(e -> Tuple.of(e.getKey().keyId(),
                                e.getKey().workspaceId(), utc(e.getKey().hour()), e.getKey().code(), e.getValue())).toList())
                        .chain(() -> connection.preparedQuery(ROLL_UP_WORKSPACE).executeBatch(perWorkspace.entrySet()
                                .stream().map(e -> Tuple.of(e.getKey().workspaceId(), utc(e.getKey().hour()),
                                        e.getKey().code(), e.getValue())).toList()))))
                .invoke(() -> written.increment(batch.size()))
                .onFailure().invoke(() -> dropped.increment(batch.size()))
                .replaceWithVoid()
                .eventually(() -> flushing.set(false));
    }

    /** The latest valid use and the latest denied one of a key in a batch; either may be null. */
    private record LastUses(Instant used, Instant denied) {
        static LastUses of(Use use) {
            return "success".equals(use.outcome()) ? new LastUses(use.at(), null) : new LastUses(null, use.at());
        }

        LastUses latest(LastUses other) {
            return new LastUses(later(used, other.used), later(denied, other.denied));
        }

        private static Instant later(Instant a, Instant b) {
            return a == null ? b : b == null || a.isAfter(b) ? a : b;
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    private static List<Tuple> rows(List<Use> batch) {
        return batch.stream().map(u -> Tuple.from(new Object[] { u.keyId(), u.workspaceId(),
                u.at().atOffset(ZoneOffset.UTC), u.outcome(), u.code(), truncate(u.origin().method(), 16),
                truncate(u.origin().path(), 2048), truncate(u.origin().sourceIp(), 64),
                truncate(u.origin().userAgent(), 512), truncate(u.origin().requestId(), 128) })).toList();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
