package io.keyplane.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.common.KeyplaneException;
import io.keyplane.usage.UsageDtos.KeyUsageSummary;
import io.keyplane.usage.UsageDtos.TopKey;
import io.keyplane.usage.UsageDtos.UsageBucket;
import io.keyplane.usage.UsageDtos.WorkspaceUsageSummary;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Usage over time, from the hourly counts the usage flush rolls up (API.md section 9), with every bucket of the
 * range present (empty ones as {}). A bucket counts whole hours: the last one includes the rest of its hour after
 * {@code to}. Buckets read the workspace's own counts, whatever its number of keys; {@code top_keys} adds up the
 * per-key counts of the range.
 */
@ApplicationScoped
public class UsageSummaries {

    static final int TOP_KEYS = 10;
    private static final Map<String, Duration> MAX_RANGE = Map.of("hour", Duration.ofDays(31), "day", Duration.ofDays(366));

    /** A summary's range: whole buckets from {@code from} up to {@code to}. */
    public record Range(Instant from, Instant to, String granularity) {
        ChronoUnit unit() {
            return granularity.equals("day") ? ChronoUnit.DAYS : ChronoUnit.HOURS;
        }
    }

    private final Pool pool;
    private final Clock clock;

    @Inject
    UsageSummaries(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** {@code from} defaults to 24 h ago, {@code to} to now; 400 for a bad instant, order, granularity or span. */
    public Range range(String from, String to, String granularity) {
        var now = clock.instant();
        var end = instant("to", to, now);
        var start = instant("from", from, end.minus(Duration.ofHours(24)));
        var unit = granularity == null ? "hour" : granularity;
        if (!MAX_RANGE.containsKey(unit)) {
            throw KeyplaneException.validation("granularity", "must be hour or day");
        }
        if (!start.isBefore(end)) {
            throw KeyplaneException.validation("from", "must be before to");
        }
        var first = start.truncatedTo(unit.equals("day") ? ChronoUnit.DAYS : ChronoUnit.HOURS);
        if (Duration.between(first, end).compareTo(MAX_RANGE.get(unit)) > 0) { // after rounding: at most 744 or 366 buckets
            throw KeyplaneException.validation("to", "spans at most " + MAX_RANGE.get(unit).toDays() + " days by " + unit);
        }
        return new Range(first, end, unit);
    }

    /** The key's summary; whoever calls this has checked the key is the workspace's. */
    public Uni<KeyUsageSummary> ofKey(UUID workspaceId, UUID keyId, Range range) {
        return pool.preparedQuery("""
                select date_trunc($1, hour, 'UTC') as start, code, sum(count)::bigint as n from key_usage_hourly
                where key_id = $2 and workspace_id = $3 and hour >= $4 and hour < $5 group by 1, 2""")
                .execute(Tuple.tuple(List.of(range.granularity(), keyId, workspaceId, utc(range.from()), utc(range.to()))))
                .map(rows -> new KeyUsageSummary(range.from(), range.to(), range.granularity(), buckets(range, rows)));
    }

    public Uni<WorkspaceUsageSummary> ofWorkspace(UUID workspaceId, Range range) {
        var params = Tuple.of(range.granularity(), workspaceId, utc(range.from()), utc(range.to()));
        return pool.preparedQuery("""
                select date_trunc($1, hour, 'UTC') as start, code, sum(count)::bigint as n from workspace_usage_hourly
                where workspace_id = $2 and hour >= $3 and hour < $4 group by 1, 2""").execute(params)
                .chain(rows -> pool.preparedQuery("""
                        select key_id, sum(count)::bigint as n from key_usage_hourly
                        where workspace_id = $1 and hour >= $2 and hour < $3
                        group by key_id order by 2 desc, key_id limit $4""")
                        .execute(Tuple.of(workspaceId, utc(range.from()), utc(range.to()), TOP_KEYS))
                        .map(top -> {
                            var topKeys = new ArrayList<TopKey>();
                            top.forEach(row -> topKeys.add(new TopKey(row.getUUID("key_id"), row.getLong("n"))));
                            return new WorkspaceUsageSummary(range.from(), range.to(), range.granularity(),
                                    buckets(range, rows), topKeys);
                        }));
    }

    private static List<UsageBucket> buckets(Range range, RowSet<Row> rows) {
        var counts = new TreeMap<Instant, Map<String, Long>>();
        for (var start = range.from(); start.isBefore(range.to()); start = start.plus(1, range.unit())) {
            counts.put(start, new LinkedHashMap<>());
        }
        rows.forEach(row -> counts.computeIfAbsent(row.getOffsetDateTime("start").toInstant(), s -> new LinkedHashMap<>())
                .put(row.getString("code"), row.getLong("n")));
        return counts.entrySet().stream().map(e -> new UsageBucket(e.getKey(), e.getValue())).toList();
    }

    private static Instant instant(String field, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw KeyplaneException.validation(field, "must be an ISO-8601 instant, like 2026-01-15T09:00:00Z");
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
