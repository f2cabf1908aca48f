package io.keyplane.audit;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.audit.AuditDtos.AuditEventResponse;
import io.keyplane.audit.AuditDtos.AuditVerification;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import org.hibernate.reactive.mutiny.Mutiny;

/** Reading, exporting and verifying a workspace's audit log; appending is {@link AuditLog}'s job. */
@ApplicationScoped
public class AuditService {

    /** Events per round trip when walking a whole chain: bounds memory, whatever the log's length. */
    static final int BATCH_SIZE = 500;

    private final AuditRepository events;

    @Inject
    AuditService(AuditRepository events) {
        this.events = events;
    }

    /** Newest first; the cursor is the position (at, seq) of the previous page's last event. */
    @WithSession
    public Uni<Page<AuditEventResponse>> list(UUID workspaceId, AuditRepository.Filter filter, PageRequest page) {
        return events.page(workspaceId, filter, page)
                .map(rows -> Page.of(rows, page.limit(), e -> e.at, e -> e.seq).map(AuditEventResponse::from));
    }

    /** Recomputes the whole chain, oldest first, in one consistent snapshot, {@value #BATCH_SIZE} events at a time. */
    public Uni<AuditVerification> verify(UUID workspaceId) {
        return events.inSnapshot(db -> events.head(db, workspaceId).chain(head -> verify(db, workspaceId, head)));
    }

    private Uni<AuditVerification> verify(Mutiny.StatelessSession db, UUID workspaceId, AuditRepository.Head head) {
        var verifier = new ChainVerifier();
        // past the head too: in this snapshot, an event beyond it can only have been put there by hand
        return walk(0, after -> events.batch(db, workspaceId, after, Long.MAX_VALUE, BATCH_SIZE))
                .invoke(batch -> batch.forEach(verifier::accept))
                .onItem().ignoreAsUni()
                .map(done -> verifier.finish(head.seq(), head.hash()));
    }

    /**
     * The events with fromSeq &lt;= seq &lt;= toSeq, oldest first, read in batches as the client consumes them. The
     * end is fixed when the export starts (at most the head of that moment), so a busy workspace cannot make it
     * endless. The returned Uni fails (404) before any event is sent when the workspace does not exist.
     */
    public Uni<Multi<AuditEventResponse>> export(UUID workspaceId, long fromSeq, Long toSeq) {
        return events.head(workspaceId).map(head -> {
            long end = toSeq == null ? head.seq() : Math.min(toSeq, head.seq());
            return walk(fromSeq - 1, after -> events.batch(workspaceId, after, end, BATCH_SIZE)).onItem().disjoint()
                    .map(event -> AuditEventResponse.from((AuditEvent) event));
        });
    }

    /** Batch after batch in seq order (keyset on seq), each read when the previous one has been used. */
    private static Multi<List<AuditEvent>> walk(long afterSeq, LongFunction<Uni<List<AuditEvent>>> batchAfter) {
        var position = new AtomicLong(afterSeq);
        return Multi.createBy().repeating()
                .uni(() -> batchAfter.apply(position.get())
                        .invoke(batch -> {
                            if (!batch.isEmpty()) {
                                position.set(batch.get(batch.size() - 1).seq);
                            }
                        }))
                .whilst(batch -> batch.size() == BATCH_SIZE);
    }
}
