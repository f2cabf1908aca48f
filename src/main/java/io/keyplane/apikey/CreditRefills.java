package io.keyplane.apikey;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Credit refills: a verification refills a key lazily when it is the first use in a new UTC day or month
 * ({@code keyplane_spend_credits}), and this job refills the keys nobody used, so their balance reads right. Every
 * refill leaves a row in {@code credit_refill}, which this job turns into an {@code api_key.credits_refill} audit
 * event in the same transaction that removes the row: none is lost, none is audited twice, on any replica.
 */
@ApplicationScoped
public class CreditRefills {

    // keys that can still be used, and have not been rotated (theirs spend from the successor); in id order, so
    // concurrent runs on several replicas lock in the same order
    private static final String REFILL_DUE = """
            select count(*) from (
                select keyplane_spend_credits(k.id, 0) from api_key k
                join service_account sa on sa.id = k.service_account_id
                join workspace w on w.id = k.workspace_id
                where k.credits_refill_interval is not null and k.status <> 'revoked' and k.replaced_by is null
                  and (k.expires_at is null or k.expires_at > now())
                  and sa.status <> 'deleted' and w.status = 'active'
                  and k.credits_refilled_at < date_trunc(k.credits_refill_interval, now(), 'UTC')
                order by k.id
                limit 1000) refilled""";
    private static final int BATCH = 100;
    private static final int MAX_BATCHES_PER_RUN = 50;
    private static final String TAKE_REFILLS = """
            delete from credit_refill where id in (
                select id from credit_refill order by id limit %d for update skip locked)
            returning key_id, workspace_id,
                      to_char(period_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), previous, amount"""
            .formatted(BATCH);

    private final AuditLog audit;

    @Inject
    CreditRefills(AuditLog audit) {
        this.audit = audit;
    }

    @Scheduled(every = "${keyplane.credits.refill-check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refillAndAudit() {
        return Panache.withTransaction(() -> Panache.getSession()
                        .chain(session -> session.createNativeQuery(REFILL_DUE).getSingleResult()))
                .chain(() -> auditRefills(0))
                .onFailure().invoke(e -> Log.warnf("Refilling credits failed (retried at the next run): %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Batch after batch, each in its own transaction, until none is left (or this run has done its share). */
    private Uni<Void> auditRefills(int batches) {
        return Panache.withTransaction(this::auditBatch)
                .chain(audited -> audited == BATCH && batches + 1 < MAX_BATCHES_PER_RUN ? auditRefills(batches + 1)
                        : Uni.createFrom().voidItem());
    }

    @SuppressWarnings("unchecked")
    private Uni<Integer> auditBatch() {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery(TAKE_REFILLS).getResultList())
                .chain(rows -> Multi.createFrom().iterable((List<Object[]>) (List<?>) rows)
                        .onItem().transformToUniAndConcatenate(row -> audit.appendScheduled((UUID) row[1],
                                "api_key.credits_refill", "api_key", row[0], Changes.none()
                                        .field("credits.remaining", row[3], row[4])
                                        .created("period_start", row[2])))
                        .collect().asList()
                        .map(List::size));
    }
}
