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
 * {@code api_key.expiring}, once per key and expiry at 7 days and again at 1 day before it (API.md section 9), as
 * an audit event in the key's workspace: the event stream webhooks will carry. Safe with several replicas: a
 * warning is written by the transaction that inserts its {@code expiry_warning} row, and a replica that races it
 * conflicts and writes nothing. A key that is already closer than a threshold when first seen gets only the nearer
 * warning.
 */
@ApplicationScoped
public class ExpiryWarnings {

    static final int BATCH = 500;

    /** Claims the warnings due now, at most one per key (the nearer threshold), with the keys' workspaces. */
    private static final String CLAIM = """
            with claimed as (
                insert into expiry_warning (key_id, expires_at, days)
                select k.id, k.expires_at, case when k.expires_at <= now() + interval '1 day' then 1 else 7 end
                from api_key k
                where k.status <> 'revoked' and k.expires_at > now() and k.expires_at <= now() + interval '7 days'
                  and not exists (select 1 from expiry_warning w where w.key_id = k.id and w.expires_at = k.expires_at
                                  and w.days <= case when k.expires_at <= now() + interval '1 day' then 1 else 7 end)
                order by k.expires_at
                limit %d
                on conflict do nothing
                returning key_id, expires_at, days)
            select c.key_id, k.workspace_id, c.expires_at, c.days from claimed c join api_key k on k.id = c.key_id
            order by k.workspace_id, c.expires_at""".formatted(BATCH);

    private final AuditLog audit;

    @Inject
    ExpiryWarnings(AuditLog audit) {
        this.audit = audit;
    }

    @Scheduled(every = "${keyplane.expiry-warning.check-interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> warn() {
        return warnBatch().onFailure().invoke(e -> Log.warnf("Expiry warnings failed (retried at the next run): %s",
                e.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One batch in one transaction: its rows and their audit events commit together, or neither does. */
    @SuppressWarnings("unchecked")
    Uni<Integer> warnBatch() {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery(CLAIM).getResultList())
                .chain(rows -> Multi.createFrom().iterable((List<Object[]>) (List<?>) rows)
                        .onItem().transformToUniAndConcatenate(row -> audit.appendScheduled((UUID) row[1],
                                "api_key.expiring", "api_key", row[0], Changes.none()
                                        .created("expires_at", row[2].toString()).created("days_left", row[3])))
                        .collect().asList()
                        .map(List::size)));
    }
}
