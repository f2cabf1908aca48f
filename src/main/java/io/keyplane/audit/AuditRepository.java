package io.keyplane.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

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

    /** The head of a workspace's chain, as its row records it. */
    public record Head(long seq, String hash) {
    }

    private static final String BATCH = "from AuditEvent where workspaceId = :ws and seq > :after and seq <= :to order by seq";

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

    /**
     * Runs {@code work} in one read-only REPEATABLE READ transaction: every read sees the same snapshot, so the
     * workspace head and the events read in batches agree even while new events are appended.
     */
    <T> Uni<T> inSnapshot(Function<Mutiny.StatelessSession, Uni<T>> work) {
        return sessions.withStatelessTransaction(session -> session
                .createNativeQuery("set transaction isolation level repeatable read, read only").executeUpdate()
                .chain(() -> work.apply(session)));
    }

    /** The chain head recorded on the workspace row; 404 when there is no such workspace. */
    Uni<Head> head(Mutiny.StatelessSession session, UUID workspaceId) {
        return session.get(AuditChainHead.class, workspaceId)
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Workspace"))
                .map(head -> new Head(head.auditSeq, head.auditHead));
    }

    Uni<Head> head(UUID workspaceId) {
        return sessions.withStatelessSession(session -> head(session, workspaceId));
    }

    /** Up to {@code size} events with afterSeq &lt; seq &lt;= toSeq, oldest first, detached from any session. */
    Uni<List<AuditEvent>> batch(Mutiny.StatelessSession session, UUID workspaceId, long afterSeq, long toSeq, int size) {
        return session.createSelectionQuery(BATCH, AuditEvent.class)
                .setParameter("ws", workspaceId).setParameter("after", afterSeq).setParameter("to", toSeq)
                .setMaxResults(size).getResultList();
    }

    Uni<List<AuditEvent>> batch(UUID workspaceId, long afterSeq, long toSeq, int size) {
        return sessions.withStatelessSession(session -> batch(session, workspaceId, afterSeq, toSeq, size));
    }
}
