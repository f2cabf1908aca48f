package io.keyplane.audit;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.audit.AuditDtos.AuditEventResponse;
import io.keyplane.audit.AuditDtos.AuditVerification;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Reading, exporting and verifying a workspace's audit log; appending is {@link AuditLog}'s job. */
@ApplicationScoped
public class AuditService {

    /** Events per round trip when walking a whole chain: bounds memory, whatever the log's length. */
    static final int BATCH_SIZE = 500;

    /** Chain walks one replica runs at once: each reads the whole log since its checkpoint. */
    static final int CONCURRENT_VERIFICATIONS = 2;

    private final AuditRepository events;
    private final AuditHasher hasher;
    private final Clock clock;
    private final Semaphore verifications = new Semaphore(CONCURRENT_VERIFICATIONS);

    @Inject
    AuditService(AuditRepository events, AuditHasher hasher, Clock clock) {
        this.events = events;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** Newest first; the cursor is the position (at, seq) of the previous page's last event. */
    @WithSession
    public Uni<Page<AuditEventResponse>> list(UUID workspaceId, AuditRepository.Filter filter, PageRequest page) {
        return events.page(workspaceId, filter, page)
                .map(rows -> Page.of(rows, page.limit(), e -> e.at, e -> e.seq).map(AuditEventResponse::from));
    }

    /**
     * Recomputes the chain up to the head of this moment, oldest first, {@value #BATCH_SIZE} events per short
     * transaction: from the last checkpoint, or from the first event when {@code full} (or when the checkpoint's
     * MAC does not hold). A checkpoint beyond the head means events it vouched for are gone: invalid, without a
     * walk, full or not (a full walk must not move the checkpoint back onto a shortened log). A valid chain moves the checkpoint to the head. At most {@value #CONCURRENT_VERIFICATIONS} run at once
     * on a replica; more are 503 with Retry-After.
     */
    public Uni<AuditVerification> verify(UUID workspaceId, boolean full) {
        if (!verifications.tryAcquire()) {
            return Uni.createFrom().failure(KeyplaneException.unavailable(1));
        }
        return events.head(workspaceId)
                .chain(head -> events.checkpoint(workspaceId).map(this::signed)
                        .chain(checkpoint -> checkpoint != null && checkpoint.seq > head.seq()
                                ? Uni.createFrom().item(truncated(checkpoint, head))
                                : walkFrom(workspaceId, full ? null : checkpoint, head)))
                .eventually(() -> verifications.release());
    }

    /** The checkpoint if its MAC holds (only the audit key can move it); else none: the walk starts at the beginning. */
    private AuditCheckpoint signed(AuditCheckpoint checkpoint) {
        if (checkpoint == null || !java.util.Objects.equals(checkpoint.mac,
                hasher.checkpointMac(checkpoint.keyVersion, checkpoint.workspaceId, checkpoint.seq, checkpoint.hash))) {
            return null;
        }
        return checkpoint;
    }

    /** The log ends before events an earlier verification saw: its tail was cut (and the head moved back). */
    private static AuditVerification truncated(AuditCheckpoint checkpoint, AuditRepository.Head head) {
        return AuditVerification.broken(head.seq(), head.seq() + 1, "events " + (head.seq() + 1) + " to "
                + checkpoint.seq + " were verified before but are gone: the log ends at seq " + head.seq(),
                checkpoint.seq + 1, head.seq());
    }

    private Uni<AuditVerification> walkFrom(UUID workspaceId, AuditCheckpoint from, AuditRepository.Head head) {
        var verifier = from == null ? new ChainVerifier(hasher) : new ChainVerifier(hasher, from.seq, from.hash);
        // up to the highest seq stored when the head was read: an event put beyond the head by hand is read too
        long end = Math.max(head.seq(), head.maxStoredSeq());
        return walk(from == null ? 0 : from.seq, after -> events.batch(workspaceId, after, end, BATCH_SIZE))
                .invoke(batch -> batch.forEach(verifier::accept))
                .onItem().ignoreAsUni()
                .map(done -> verifier.finish(head.seq(), head.hash()))
                .call(result -> result.valid() ? events.saveCheckpoint(checkpoint(workspaceId, head))
                        : Uni.createFrom().voidItem());
    }

    private AuditCheckpoint checkpoint(UUID workspaceId, AuditRepository.Head head) {
        var c = new AuditCheckpoint();
        c.workspaceId = workspaceId;
        c.seq = head.seq();
        c.hash = head.hash();
        c.keyVersion = (short) hasher.currentVersion();
        c.mac = hasher.checkpointMac(c.keyVersion, workspaceId, c.seq, c.hash);
        c.verifiedAt = clock.instant();
        return c;
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
