package io.keyplane.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import org.hibernate.reactive.mutiny.Mutiny;

import io.keyplane.common.KeyplaneException;
import io.keyplane.common.PageRequest;
import io.keyplane.common.Where;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/**
 * The audit log's rows and chain heads. Pages and appends go through the Panache session; the chain walks
 * (verify, export) read batches through stateless sessions, so no persistence context grows with the log.
 */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEvent, UUID> {

    /** Exact-match filters; {@code since} is inclusive, {@code until} exclusive. Nulls do not filter. */
    public record Filter(String action, String actorId, String targetId, String outcome, Instant since, Instant until) {
    }

    /**
     * The head of a workspace's chain, as its row records it, and the highest seq stored: read in one statement,
     * so they agree unless an event was put beyond the head by hand (an append moves both in one transaction).
     */
    public record Head(long seq, String hash, long maxStoredSeq) {
    }

    private static final String BATCH = "from AuditEvent where workspaceId = :ws and seq > :after and seq <= :to order by seq";

    static final int STATEMENT_TIMEOUT_MILLIS = 5000;

    private final Mutiny.SessionFactory sessions;

    @Inject
    AuditRepository(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /**
     * The chain head, locked until the transaction ends: appends to one workspace run one at a time. A query, not
     * a lookup by id, so that a workspace persisted earlier in this transaction is flushed first.
     */
    Uni<AuditChainHead> lockHead(UUID workspaceId) {
        return getSession().chain(session -> session
                .createSelectionQuery("from AuditChainHead where id = :id", AuditChainHead.class)
                .setParameter("id", workspaceId).setLockMode(LockModeType.PESSIMISTIC_WRITE).getSingleResultOrNull())
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Workspace"));
    }

    /** Newest first (seq descending), up to limit+1 rows so the caller can tell whether a next page exists. */
    Uni<List<AuditEvent>> page(UUID workspaceId, Filter filter, PageRequest page) {
        var where = Where.of("workspaceId = :ws", "ws", workspaceId)
                .andIfPresent("action = :action", "action", filter.action())
                .andIfPresent("actorId = :actor", "actor", filter.actorId())
                .andIfPresent("targetId = :target", "target", filter.targetId())
                .andIfPresent("outcome = :outcome", "outcome", filter.outcome())
                .andIfPresent("at >= :since", "since", filter.since())
                .andIfPresent("at < :until", "until", filter.until());
        if (page.hasCursor()) {
            where.and("seq < :before", "before", page.afterLong());
        }
        return find(where.clause() + " order by seq desc", where.params()).range(0, page.limit()).list();
    }

    /** The chain head recorded on the workspace row; 404 when there is no such workspace. */
    Uni<Head> head(UUID workspaceId) {
        return sessions.withStatelessSession(session -> session.createNativeQuery("""
                select w.audit_seq, w.audit_head,
                       coalesce((select max(e.seq) from audit_event e where e.workspace_id = w.id), 0)
                from workspace w where w.id = ?1""", Object[].class)
                .setParameter(1, workspaceId).getSingleResultOrNull()
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Workspace"))
                .map(row -> new Head(((Number) row[0]).longValue(), (String) row[1], ((Number) row[2]).longValue())));
    }

    /**
     * Up to {@code size} events with afterSeq &lt; seq &lt;= toSeq, oldest first, detached from any session. Each
     * batch is a short transaction of its own under a statement timeout: a long walk never holds a connection.
     */
    Uni<List<AuditEvent>> batch(UUID workspaceId, long afterSeq, long toSeq, int size) {
        return sessions.withStatelessTransaction(session -> session
                .createNativeQuery("set local statement_timeout = " + STATEMENT_TIMEOUT_MILLIS).executeUpdate()
                .chain(() -> session.createSelectionQuery(BATCH, AuditEvent.class)
                        .setParameter("ws", workspaceId).setParameter("after", afterSeq).setParameter("to", toSeq)
                        .setMaxResults(size).getResultList()));
    }

    /** Where the last verification of the workspace's chain got to, or null. */
    Uni<AuditCheckpoint> checkpoint(UUID workspaceId) {
        return sessions.withStatelessSession(session -> session.get(AuditCheckpoint.class, workspaceId));
    }

    Uni<Void> saveCheckpoint(AuditCheckpoint c) {
        return sessions.withStatelessTransaction(session -> session.createNativeQuery("""
                insert into audit_checkpoint (workspace_id, seq, hash, key_version, mac, verified_at)
                values (?1, ?2, ?3, ?4, ?5, ?6)
                on conflict (workspace_id) do update set seq = excluded.seq, hash = excluded.hash,
                    key_version = excluded.key_version, mac = excluded.mac, verified_at = excluded.verified_at""")
                .setParameter(1, c.workspaceId).setParameter(2, c.seq).setParameter(3, c.hash)
                .setParameter(4, c.keyVersion).setParameter(5, c.mac).setParameter(6, c.verifiedAt).executeUpdate())
                .replaceWithVoid();
    }
}
