package io.keyplane.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.common.KeyplaneException;
import io.keyplane.common.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads of the audit log. Pages for the list go through Panache; the chain walks (verify, export) read
 * batches straight from the pool into detached events, so no persistence context grows with the log.
 */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEvent, UUID> {

    /** Exact-match filters; {@code since} is inclusive, {@code until} exclusive. Nulls do not filter. */
    public record Filter(String action, String actorId, String targetId, String outcome, Instant since, Instant until) {
    }

    /** The head of a workspace's chain, as its row records it. */
    public record Head(long seq, String hash) {
    }

    private static final String BATCH = """
            select id, workspace_id, seq, at, actor_type, actor_id, actor_key_id, action, target_type, target_id,
                   outcome, request_id, source_ip, user_agent, changes, prev_hash, hash
            from audit_event
            where workspace_id = $1 and seq > $2 and seq <= $3
            order by seq
            limit $4""";

    private final Pool pool;

    @Inject
    AuditRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Runs {@code work} in one read-only REPEATABLE READ transaction: every read sees the same snapshot, so the
     * workspace head and the events read in batches agree even while new events are appended.
     */
    public <T> Uni<T> inSnapshot(Function<SqlClient, Uni<T>> work) {
        return pool.withTransaction(connection -> connection
                .query("set transaction isolation level repeatable read, read only").execute()
                .chain(() -> work.apply(connection)));
    }

    public Uni<Head> head(UUID workspaceId) {
        return head(pool, workspaceId);
    }

    public Uni<List<AuditEvent>> batch(UUID workspaceId, long afterSeq, long toSeq, int size) {
        return batch(pool, workspaceId, afterSeq, toSeq, size);
    }

    /** Newest first (seq descending), up to limit+1 rows so the caller can tell whether a next page exists. */
    public Uni<List<AuditEvent>> page(UUID workspaceId, Filter filter, PageRequest page) {
        var where = new StringBuilder("workspaceId = :ws");
        var params = new HashMap<String, Object>();
        params.put("ws", workspaceId);
        if (filter.action() != null) {
            where.append(" and action = :action");
            params.put("action", filter.action());
        }
        if (filter.actorId() != null) {
            where.append(" and actorId = :actor");
            params.put("actor", filter.actorId());
        }
        if (filter.targetId() != null) {
            where.append(" and targetId = :target");
            params.put("target", filter.targetId());
        }
        if (filter.outcome() != null) {
            where.append(" and outcome = :outcome");
            params.put("outcome", filter.outcome());
        }
        if (filter.since() != null) {
            where.append(" and at >= :since");
            params.put("since", filter.since());
        }
        if (filter.until() != null) {
            where.append(" and at < :until");
            params.put("until", filter.until());
        }
        if (page.hasCursor()) {
            where.append(" and seq < :before");
            params.put("before", page.afterLong());
        }
        return find(where + " order by seq desc", params).range(0, page.limit()).list();
    }

    /** The chain head recorded on the workspace row; 404 when there is no such workspace. */
    public Uni<Head> head(SqlClient client, UUID workspaceId) {
        return client.preparedQuery("select audit_seq, audit_head from workspace where id = $1")
                .execute(Tuple.of(workspaceId))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        throw KeyplaneException.notFound("Workspace");
                    }
                    var row = it.next();
                    return new Head(row.getLong("audit_seq"), row.getString("audit_head"));
                });
    }

    /** Up to {@code size} events with afterSeq &lt; seq &lt;= toSeq, oldest first, detached from any session. */
    public Uni<List<AuditEvent>> batch(SqlClient client, UUID workspaceId, long afterSeq, long toSeq, int size) {
        return client.preparedQuery(BATCH).execute(Tuple.of(workspaceId, afterSeq, toSeq, size))
                .map(rows -> {
                    var events = new ArrayList<AuditEvent>(rows.size());
                    rows.forEach(row -> events.add(toEvent(row)));
                    return events;
                });
    }

    private static AuditEvent toEvent(Row row) {
        var e = new AuditEvent();
        e.id = row.getUUID("id");
        e.workspaceId = row.getUUID("workspace_id");
        e.seq = row.getLong("seq");
        OffsetDateTime at = row.getOffsetDateTime("at");
        e.at = at == null ? null : at.toInstant();
        e.actorType = row.getString("actor_type");
        e.actorId = row.getString("actor_id");
        e.actorKeyId = row.getUUID("actor_key_id");
        e.action = row.getString("action");
        e.targetType = row.getString("target_type");
        e.targetId = row.getString("target_id");
        e.outcome = row.getString("outcome");
        e.requestId = row.getString("request_id");
        e.sourceIp = row.getString("source_ip");
        e.userAgent = row.getString("user_agent");
        e.changes = row.getString("changes");
        e.prevHash = row.getString("prev_hash");
        e.hash = row.getString("hash");
        return e;
    }
}
