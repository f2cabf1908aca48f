package io.keyplane.webhook;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.SecretBox;
import io.keyplane.webhook.DeliveryQueue.Due;
import io.keyplane.webhook.DeliveryQueue.Leased;
import io.keyplane.webhook.WebhookDtos.Actor;
import io.keyplane.webhook.WebhookDtos.Event;
import io.keyplane.webhook.WebhookDtos.EventData;
import io.keyplane.webhook.WebhookDtos.Target;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Delivers events on every replica, each poll: it leases the webhooks that have work, then for each, on its own,
 * queues a delivery per new subscribed event and sends the due ones in event order, one at a time, until none is
 * due, the webhook changes, an attempt fails, or {@link #BUDGET} is spent. A failed attempt is retried later (see
 * {@link DeliveryQueue}) within KEYPLANE_WEBHOOK_RETRY_WINDOW and does not hold back the events after it: they go
 * with the next lease. An endpoint that has given up is disabled at the next poll (and at least once a minute, by
 * whichever replica).
 * <p>
 * Fair between tenants: a workspace holds at most {@link #MAX_LEASED_PER_WORKSPACE} leases at once, and a lease
 * ends at its first failed attempt, so webhooks pointed at a tarpit hold a few slots for one timeout each instead
 * of every slot for the budget; the webhooks served longest ago are leased first.
 */
@ApplicationScoped
class DeliveryWorker {

    /** Webhooks one replica delivers for at once. */
    static final int MAX_LEASED = 16;
    /** Webhooks of one workspace being delivered for at once, across replicas. */
    static final int MAX_LEASED_PER_WORKSPACE = 4;
    static final int SEND_BATCH = 20;
    static final int QUEUE_BATCH = 500;
    static final Duration BUDGET = Duration.ofSeconds(60);
    /** Longer than the budget plus one attempt: a lease runs out only when its replica is gone. */
    static final Duration LEASE = Duration.ofMinutes(3);
    static final Duration DISABLE_CHECK = Duration.ofMinutes(1);

    private final DeliveryQueue queue;
    private final WebhookService webhooks;
    private final WebhookSender sender;
    private final SecretBox box;
    private final ObjectMapper json;
    private final Clock clock;
    private final KeyplaneConfig.Webhook config;
    private final MeterRegistry registry;
    /** The leases this replica holds: webhook id to lease token. */
    private final Map<UUID, UUID> held = new ConcurrentHashMap<>();
    private final AtomicBoolean givenUp = new AtomicBoolean();
    private volatile Instant lastDisableCheck = Instant.EPOCH;
    /** A poll cut short by shutdown (its pool closed) is not worth a warning. */
    private volatile boolean stopping;

    @Inject
    DeliveryWorker(DeliveryQueue queue, WebhookService webhooks, WebhookSender sender, SecretBox box,
            ObjectMapper json, Clock clock, KeyplaneConfig config, MeterRegistry registry) {
        this.queue = queue;
        this.webhooks = webhooks;
        this.sender = sender;
        this.box = box;
        this.json = json;
        this.clock = clock;
        this.config = config.webhook();
        this.registry = registry;
    }

    @Scheduled(every = "${keyplane.webhook.poll-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> poll() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return disableGivenUp()
                .chain(() -> {
                    int free = MAX_LEASED - held.size();
                    return free <= 0 ? Uni.createFrom().item(List.<Leased>of())
                            : queue.lease(free, MAX_LEASED_PER_WORKSPACE, LEASE, config.retryWindow());
                })
                .invoke(leasedNow -> leasedNow.forEach(this::deliverFor))
                .onFailure().invoke(e -> {
                    if (!stopping) {
                        Log.warnf("Webhook poll failed (tried again at the next one): %s", e.getMessage());
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** When this replica saw an endpoint give up, and once a minute for what another replica saw and could not do. */
    private Uni<Integer> disableGivenUp() {
        var now = clock.instant();
        if (!givenUp.getAndSet(false) && now.isBefore(lastDisableCheck.plus(DISABLE_CHECK))) {
            return Uni.createFrom().item(0);
        }
        lastDisableCheck = now;
        // a failed check (a lock conflict, the database away) is tried again at the next poll, not in a minute
        return webhooks.disableGivenUp().onFailure().invoke(() -> givenUp.set(true));
    }

    /** Hourly: deliveries finished longer than KEYPLANE_WEBHOOK_DELIVERY_RETENTION ago leave the log. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return webhooks.purgeDeliveries(config.deliveryRetention())
                .onFailure().invoke(e -> Log.warnf("Webhook delivery log purge failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Gives back the leases this replica holds, so other replicas carry on at once instead of in 3 minutes. */
    void stopping(@Observes ShutdownEvent event) {
        stopping = true;
        held.forEach((id, token) -> {
            try {
                queue.release(id, token).await().atMost(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                Log.debugf("Webhook %s: lease not given back at shutdown (it runs out): %s", id, e.getMessage());
            }
        });
    }

    /** Runs on its own, so a slow endpoint delays no other; the lease is given back however it ends. */
    private void deliverFor(Leased webhook) {
        held.put(webhook.id(), webhook.leaseToken());
        var deadline = clock.instant().plus(BUDGET);
        Uni.createFrom().deferred(() -> rounds(webhook, URI.create(webhook.url()),
                box.open(webhook.sealedSecret(), WebhookService.secretContext(webhook.id())), webhook.cursorSeq(),
                deadline))
                .onTermination().call(() -> held.remove(webhook.id(), webhook.leaseToken()) && !stopping
                        ? queue.release(webhook.id(), webhook.leaseToken()).onFailure().recoverWithNull()
                        : Uni.createFrom().voidItem())
                .subscribe().with(ignored -> {
                }, e -> {
                    if (!stopping) {
                        Log.warnf("Delivering for webhook %s failed (tried again at the next poll): %s", webhook.id(),
                                e.getMessage());
                    }
                });
    }

    /** Rounds of queueing and sending, while there is work, the webhook is unchanged, and time is left. */
    private Uni<Void> rounds(Leased webhook, URI url, String secret, long cursor, Instant deadline) {
        return queue.queue(webhook, cursor, QUEUE_BATCH, config.retryWindow()).chain(next -> next == null
                ? Uni.createFrom().voidItem()
                : queue.due(webhook, SEND_BATCH)
                        .chain(due -> sendInOrder(webhook, url, secret, due, 0, deadline)
                                .chain(stopped -> !stopped && !stopping && (!due.isEmpty() || next != cursor)
                                        ? rounds(webhook, url, secret, next, deadline)
                                        : Uni.createFrom().voidItem())));
    }

    /** Whether to stop: an attempt failed (the endpoint gave up, or not), or the time is spent (what is left stays due). */
    private Uni<Boolean> sendInOrder(Leased webhook, URI url, String secret, List<Due> due, int from,
            Instant deadline) {
        if (!clock.instant().isBefore(deadline)) {
            return Uni.createFrom().item(true);
        }
        if (from == due.size()) {
            return Uni.createFrom().item(false);
        }
        return attempt(webhook, url, secret, due.get(from)).chain(result -> {
            if (result == Attempt.GAVE_UP) {
                givenUp.set(true);
            }
            return result == Attempt.SUCCEEDED ? sendInOrder(webhook, url, secret, due, from + 1, deadline)
                    : Uni.createFrom().item(true);
        });
    }

    private enum Attempt {
        SUCCEEDED, FAILED, GAVE_UP
    }

    private Uni<Attempt> attempt(Leased webhook, URI url, String secret, Due delivery) {
        return sender.send(url, secret, delivery.eventId(), body(delivery)).chain(outcome -> {
            registry.counter("keyplane.webhook.attempts", "outcome", outcome.succeeded() ? "succeeded" : "failed")
                    .increment();
            return outcome.succeeded()
                    ? queue.succeeded(webhook.id(), delivery.id(), outcome.responseCode()).replaceWith(Attempt.SUCCEEDED)
                    : queue.failed(webhook.id(), delivery.id(), outcome.responseCode(), outcome.error(),
                            config.firstRetry(), config.retryWindow())
                            .map(gaveUp -> gaveUp ? Attempt.GAVE_UP : Attempt.FAILED);
        });
    }

    private byte[] body(Due d) {
        var event = new Event(d.eventId(), d.type(), d.at(), d.workspaceId(), new EventData(
                new Target(d.targetType(), d.targetId()), new Actor(d.actorType(), d.actorId(), d.actorKeyId()),
                d.changes()));
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serialisable", e);
        }
    }
}
