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

    /** A leased webhook as it was when leased: what delivering for it needs. */
    record Leased(UUID id, UUID leaseToken, long version, String url, byte[] sealedSecret, long cursorSeq) {
    }

    /** A delivery due now, with the event it carries. */
    record Due(UUID id, UUID eventId, String type, Instant at, UUID workspaceId, String actorType, String actorId,
            UUID actorKeyId, String targetType, String targetId, String changes) {
    }

    /**
     * Active webhooks with events not yet queued or deliveries due, not leased by anyone, without a delivery that
     * failed for good (those are about to be disabled), whose workspace exists (or was deleted within the retry
     * window, so its last events and retries still go); the longest unserved first. One failing for the whole
     * window is still leased when a retry is due: that attempt either brings it back or reports it given up, so
     * it is disabled at the next poll rather than at the minute's check.
     * <p>
     * Fair between workspaces: no workspace holds more than {@code $4} leases at once (those already held count),
     * so one tenant's webhooks pointed at a tarpit cannot take every replica's delivery slots, and the others'
     * webhooks are leased at the next poll. Replicas leasing at the same instant may each give a workspace its share.
     */
    private static final String LEASE = """
            with held as (
                select workspace_id, count(*) as n from webhook
                where leased_until >= now() and lease_token is not null group by workspace_id),
            ready as (
                select w.id, w.leased_until, row_number() over (
                           partition by w.workspace_id order by w.leased_until nulls first, w.id) as place,
                       coalesce(h.n, 0) as already
                from webhook w join workspace s on s.id = w.workspace_id
                left join held h on h.workspace_id = w.workspace_id
                where w.status = 'active' and (w.leased_until is null or w.leased_until < now())
                  and (s.deleted_at is null or s.deleted_at > now() - make_interval(secs => $3))
                  and (w.failing_since is null
                       or not exists (select 1 from webhook_delivery f where f.webhook_id = w.id
                                      and f.status = 'failed' and f.first_attempt_at >= w.failing_since))
                  and (w.cursor_seq < s.audit_seq or exists (select 1 from webhook_delivery d
                       where d.webhook_id = w.id and d.status = 'pending' and d.next_attempt_at <= now()))),
            chosen as (
                select w.id from webhook w join ready r on r.id = w.id
                where r.place + r.already <= $4
                order by r.leased_until nulls first, r.place
                limit $1
                for update of w skip locked)
            update webhook w set leased_until = now() + make_interval(secs => $2), lease_token = gen_random_uuid()
            from chosen where w.id = chosen.id
            returning w.id, w.lease_token, w.version, w.url, w.secret, w.cursor_seq""";

    /**
     * Queues a delivery for each subscribed event after the cursor and moves the cursor past them all, but only
     * while the webhook is as it was leased: a PATCH, a disable or a delete since stops this lease's work. The
     * row lock makes a concurrent PATCH wait for this statement, or this statement for the PATCH.
     */
    private static final String QUEUE = """
            with w as (
                select id, workspace_id, events::jsonb as events, cursor_seq from webhook
                where id = $1 and status = 'active' and version = $2 and cursor_seq = $3 and lease_token = $4
                for update),
            batch as (
                select e.id, e.seq, e.action, e.at from audit_event e join w on e.workspace_id = w.workspace_id
                where e.seq > w.cursor_seq order by e.seq limit $5),
            moved as (
                update webhook set cursor_seq = (select max(seq) from batch)
                where id = (select id from w) and exists (select 1 from batch) returning cursor_seq),
            queued as (
                insert into webhook_delivery (id, webhook_id, event_id, event_seq, type, status, attempts,
                                              next_attempt_at, retry_until, created_at)
                select gen_random_uuid(), w.id, b.id, b.seq, b.action, 'pending', 0, now(),
                       now() + make_interval(secs => $6), b.at
                from batch b cross join w
                where exists (select 1 from moved) and (w.events ? '*' or w.events ? b.action)
                on conflict (webhook_id, event_id) do nothing)
            select coalesce((select cursor_seq from moved), (select cursor_seq from w)) as cursor_seq""";

    /** The due deliveries, while the webhook is as it was leased (else none). */
    private static final String DUE = """
            select d.id, d.event_id, d.type, e.at, e.workspace_id, e.actor_type, e.actor_id,
                   e.actor_key_id, e.target_type, e.target_id, e.changes
            from webhook w join webhook_delivery d on d.webhook_id = w.id join audit_event e on e.id = d.event_id
            where w.id = $1 and w.status = 'active' and w.version = $2 and w.lease_token = $3
              and d.status = 'pending' and d.next_attempt_at <= now()
            order by d.event_seq limit $4""";

    // Both outcomes lock the webhook row before the delivery's, in the order a DELETE (cascading) takes them.
    private static final String SUCCEEDED = """
            with w as (select id from webhook where id = $2 for update),
            d as (
                update webhook_delivery set status = 'succeeded', response_code = $3, last_error = null,
                       attempts = attempts + 1, next_attempt_at = null,
                       first_attempt_at = coalesce(first_attempt_at, now()), last_attempt_at = now()
                where id = $1 and webhook_id = (select id from w) and status = 'pending' returning webhook_id)
            update webhook w set failing_since = null from d where w.id = d.webhook_id and w.failing_since is not null""";

    /**
     * A failed attempt. The next waits as long as the delivery has been failing (at least {@code $5}, at most an
     * hour): about double each time, from the first attempt or a redelivery. Past the delivery's retry window it
     * has failed for good. The endpoint has given up when it has failed for the whole window, or when this
     * delivery failed for good and nothing succeeded since its first attempt.
     */
    private static final String FAILED = """
            with w as (select id from webhook where id = $2 for update),
            d as (
                update webhook_delivery x set response_code = $3, last_error = $4, attempts = attempts + 1,
                       first_attempt_at = coalesce(first_attempt_at, now()), last_attempt_at = now(),
                       status = case when now() + r.wait > retry_until then 'failed' else 'pending' end,
                       next_attempt_at = case when now() + r.wait > retry_until then null else now() + r.wait end
                from (select least(interval '1 hour', greatest(make_interval(secs => $5),
                                   now() - coalesce(first_attempt_at, now()))) as wait
                      from webhook_delivery where id = $1) r
                where x.id = $1 and x.webhook_id = (select id from w) and x.status = 'pending'
                returning x.webhook_id, x.status = 'failed' as final, x.first_attempt_at)
            update webhook w set failing_since = coalesce(w.failing_since, now()) from d where w.id = d.webhook_id
            returning (d.final and w.failing_since <= d.first_attempt_at)
                      or w.failing_since <= now() - make_interval(secs => $6) as given_up""";

    private final Pool pool;

    @Inject
    DeliveryQueue(Pool pool) {
        this.pool = pool;
    }

    Uni<List<Leased>> lease(int max, int maxPerWorkspace, Duration lease, Duration retryWindow) {
        return pool.preparedQuery(LEASE)
                .execute(Tuple.of(max, (double) lease.toSeconds(), (double) retryWindow.toSeconds(), maxPerWorkspace))
                .map(rows -> {
                    var leased = new ArrayList<Leased>();
                    for (Row row : rows) {
                        leased.add(new Leased(row.getUUID("id"), row.getUUID("lease_token"), row.getLong("version"),
                                row.getString("url"), row.getBuffer("secret").getBytes(), row.getLong("cursor_seq")));
                    }
                    return leased;
                });
    }

    /** The webhook's cursor after queueing, or null when the webhook changed since it was leased: stop. */
    Uni<Long> queue(Leased webhook, long from, int batch, Duration retryWindow) {
        return pool.preparedQuery(QUEUE)
                .execute(Tuple.tuple(List.of(webhook.id(), webhook.version(), from, webhook.leaseToken(), batch,
                        (double) retryWindow.toSeconds())))
                .map(rows -> rows.iterator().next().getLong("cursor_seq"));
    }

    Uni<List<Due>> due(Leased webhook, int limit) {
        return pool.preparedQuery(DUE)
                .execute(Tuple.of(webhook.id(), webhook.version(), webhook.leaseToken(), limit)).map(rows -> {
                    var due = new ArrayList<Due>();
                    for (Row row : rows) {
                        due.add(new Due(row.getUUID("id"), row.getUUID("event_id"), row.getString("type"),
                                row.getOffsetDateTime("at").toInstant(), row.getUUID("workspace_id"),
                                row.getString("actor_type"), row.getString("actor_id"), row.getUUID("actor_key_id"),
                                row.getString("target_type"), row.getString("target_id"), row.getString("changes")));
                    }
                    return due;
                });
    }

    Uni<Void> succeeded(UUID webhookId, UUID deliveryId, int responseCode) {
        return pool.preparedQuery(SUCCEEDED).execute(Tuple.of(deliveryId, webhookId, responseCode)).replaceWithVoid();
    }

    /** Whether the endpoint has now given up (it is then disabled). */
    Uni<Boolean> failed(UUID webhookId, UUID deliveryId, Integer responseCode, String error, Duration firstRetry,
            Duration retryWindow) {
        var values = new ArrayList<Object>(6);
        values.add(deliveryId);
        values.add(webhookId);
        values.add(responseCode);
        values.add(error);
        values.add(firstRetry.toMillis() / 1000.0);
        values.add((double) retryWindow.toSeconds());
        return pool.preparedQuery(FAILED).execute(Tuple.tuple(values))
                .map(rows -> rows.iterator().hasNext() && Boolean.TRUE.equals(rows.iterator().next().getBoolean(0)));
    }

    /**
     * Gives the lease back, if it is still this one; its time stays, so the webhook served longest ago is leased
     * first next time.
     */
    Uni<Void> release(UUID webhookId, UUID leaseToken) {
        return pool.preparedQuery("update webhook set leased_until = now(), lease_token = null "
                + "where id = $1 and lease_token = $2").execute(Tuple.of(webhookId, leaseToken)).replaceWithVoid();
    }
}
