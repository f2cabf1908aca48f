package io.keyplane.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The delivery worker's statements, each one atomic on its own, straight on the reactive pool. A replica leases
 * a webhook before it delivers for it, so one endpoint gets one delivery at a time, in event order; a lease that
 * is not given back (a replica that died) runs out.
 */
@ApplicationScoped
class DeliveryQueue {

    /** A leased webhook: what delivering for it needs. */
    record Leased(UUID id, UUID workspaceId, String url, String[] events, byte[] sealedSecret, long cursorSeq) {
    }

    /** A delivery due now, with the event it carries. */
    record Due(UUID id, UUID eventId, String type, int attempts, Instant at, UUID workspaceId, String actorType,
            String actorId, UUID actorKeyId, String targetType, String targetId, String changes) {
    }

    /**
     * Active webhooks with events not yet queued or deliveries due, not leased by anyone, and not failing for
     * the whole retry window (those are about to be disabled); the longest unserved first.
     */
    private static final String LEASE = """
            with ready as (
                select w.id from webhook w join workspace s on s.id = w.workspace_id
                where w.status = 'active' and (w.leased_until is null or w.leased_until < now())
                  and (w.failing_since is null or w.failing_since > now() - make_interval(secs => $3))
                  and (w.cursor_seq < s.audit_seq or exists (select 1 from webhook_delivery d
                       where d.webhook_id = w.id and d.status = 'pending' and d.next_attempt_at <= now()))
                order by w.leased_until nulls first
                limit $1
                for update of w skip locked)
            update webhook w set leased_until = now() + make_interval(secs => $2) from ready where w.id = ready.id
            returning w.id, w.workspace_id, w.url, w.events, w.secret, w.cursor_seq""";

    /** Queues a delivery for each subscribed event after the cursor, and moves the cursor past them all. */
    private static final String QUEUE = """
            with batch as (
                select id, seq, action, at from audit_event where workspace_id = $1 and seq > $2 order by seq limit $6),
            queued as (
                insert into webhook_delivery (id, webhook_id, event_id, event_seq, type, status, attempts,
                                              next_attempt_at, retry_until, created_at)
                select gen_random_uuid(), $3, b.id, b.seq, b.action, 'pending', 0, now(),
                       now() + make_interval(secs => $5), b.at
                from batch b where '*' = any($4) or b.action = any($4)
                on conflict (webhook_id, event_id) do nothing)
            update webhook set cursor_seq = (select max(seq) from batch)
            where id = $3 and cursor_seq = $2 and exists (select 1 from batch)
            returning cursor_seq""";

    private static final String DUE = """
            select d.id, d.event_id, d.type, d.attempts, e.at, e.workspace_id, e.actor_type, e.actor_id,
                   e.actor_key_id, e.target_type, e.target_id, e.changes
            from webhook_delivery d join audit_event e on e.id = d.event_id
            where d.webhook_id = $1 and d.status = 'pending' and d.next_attempt_at <= now()
            order by d.event_seq limit $2""";

    private static final String SUCCEEDED = """
            with d as (
                update webhook_delivery set status = 'succeeded', response_code = $2, last_error = null,
                       attempts = attempts + 1, next_attempt_at = null,
                       first_attempt_at = coalesce(first_attempt_at, now()), last_attempt_at = now()
                where id = $1 and status = 'pending' returning webhook_id)
            update webhook w set failing_since = null from d where w.id = d.webhook_id and w.failing_since is not null""";

    /**
     * A failed attempt: retried after {@code $4} seconds, unless that is past the delivery's retry window. The
     * endpoint has given up when it has failed for the whole window, or when this delivery failed for good and
     * nothing succeeded since its first attempt.
     */
    private static final String FAILED = """
            with d as (
                update webhook_delivery set response_code = $2, last_error = $3, attempts = attempts + 1,
                       first_attempt_at = coalesce(first_attempt_at, now()), last_attempt_at = now(),
                       status = case when now() + make_interval(secs => $4) > retry_until then 'failed' else 'pending' end,
                       next_attempt_at = case when now() + make_interval(secs => $4) > retry_until then null
                                              else now() + make_interval(secs => $4) end
                where id = $1 and status = 'pending' returning webhook_id, status = 'failed' as final, first_attempt_at)
            update webhook w set failing_since = coalesce(w.failing_since, now()) from d where w.id = d.webhook_id
            returning (d.final and w.failing_since <= d.first_attempt_at)
                      or w.failing_since <= now() - make_interval(secs => $5) as given_up""";

    private final Pool pool;

    @Inject
    DeliveryQueue(Pool pool) {
        this.pool = pool;
    }

    Uni<List<Leased>> lease(int max, Duration lease, Duration retryWindow) {
        return pool.preparedQuery(LEASE)
                .execute(Tuple.of(max, (double) lease.toSeconds(), (double) retryWindow.toSeconds()))
                .map(rows -> {
                    var leased = new ArrayList<Leased>();
                    for (Row row : rows) {
                        leased.add(new Leased(row.getUUID("id"), row.getUUID("workspace_id"), row.getString("url"),
                                WebhookService.readEvents(row.getString("events")), row.getBuffer("secret").getBytes(),
                                row.getLong("cursor_seq")));
                    }
                    return leased;
                });
    }

    /** The webhook's new cursor, or {@code from} when there was nothing new. */
    Uni<Long> queue(Leased webhook, long from, int batch, Duration retryWindow) {
        return pool.preparedQuery(QUEUE)
                .execute(Tuple.tuple(List.of(webhook.workspaceId(), from, webhook.id(), webhook.events(),
                        (double) retryWindow.toSeconds(), batch)))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getLong(0) : from);
    }

    Uni<List<Due>> due(UUID webhookId, int limit) {
        return pool.preparedQuery(DUE).execute(Tuple.of(webhookId, limit)).map(rows -> {
            var due = new ArrayList<Due>();
            for (Row row : rows) {
                due.add(new Due(row.getUUID("id"), row.getUUID("event_id"), row.getString("type"),
                        row.getInteger("attempts"), row.getOffsetDateTime("at").toInstant(),
                        row.getUUID("workspace_id"), row.getString("actor_type"), row.getString("actor_id"),
                        row.getUUID("actor_key_id"), row.getString("target_type"), row.getString("target_id"),
                        row.getString("changes")));
            }
            return due;
        });
    }

    Uni<Void> succeeded(UUID deliveryId, int responseCode) {
        return pool.preparedQuery(SUCCEEDED).execute(Tuple.of(deliveryId, responseCode)).replaceWithVoid();
    }

    /** Whether the endpoint has now failed every attempt for the whole retry window (it is then disabled). */
    Uni<Boolean> failed(UUID deliveryId, Integer responseCode, String error, Duration retryIn, Duration retryWindow) {
        var values = new ArrayList<Object>(5);
        values.add(deliveryId);
        values.add(responseCode);
        values.add(error);
        values.add(retryIn.toMillis() / 1000.0);
        values.add((double) retryWindow.toSeconds());
        return pool.preparedQuery(FAILED).execute(Tuple.tuple(values))
                .map(rows -> rows.iterator().hasNext() && Boolean.TRUE.equals(rows.iterator().next().getBoolean(0)));
    }

    /** Gives the lease back; its time stays, so the webhook served longest ago is leased first next time. */
    Uni<Void> release(UUID webhookId) {
        return pool.preparedQuery("update webhook set leased_until = now() where id = $1")
                .execute(Tuple.of(webhookId)).replaceWithVoid();
    }
}
