package io.keyplane.webhook;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.keyplane.common.KeyplaneException;
import io.keyplane.common.PageRequest;
import io.keyplane.common.Where;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** A webhook's deliveries as its owners read them: the delivery log, and redelivery by hand. */
@ApplicationScoped
class DeliveryLog implements PanacheRepositoryBase<WebhookDelivery, UUID> {

    Uni<List<WebhookDelivery>> list(UUID webhookId, PageRequest page) {
        return Where.of("webhookId = :webhook", "webhook", webhookId)
                .newestFirst(this, page, "createdAt", "id", PageRequest::afterUuid);
    }

    Uni<WebhookDelivery> find(UUID webhookId, UUID id, LockModeType lock) {
        return find("id = ?1 and webhookId = ?2", id, webhookId).withLock(lock).firstResult()
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Delivery"));
    }

    /** The pending deliveries of a webhook that is being disabled fail now: nothing more is sent to it. */
    Uni<Integer> failPending(UUID webhookId) {
        return update("status = 'failed', nextAttemptAt = null where webhookId = ?1 and status = 'pending'", webhookId);
    }

    /** Deliveries finished longer than {@code retention} ago leave the log. */
    Uni<Integer> purge(Duration retention) {
        return getSession().chain(session -> session.createNativeQuery("""
                delete from webhook_delivery where status <> 'pending'
                and coalesce(last_attempt_at, created_at) < now() - make_interval(secs => ?1)""")
                .setParameter(1, (double) retention.toSeconds()).executeUpdate());
    }
}
