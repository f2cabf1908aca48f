package io.keyplane.webhook;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * due or {@link #BUDGET} is spent. A failed attempt is retried after KEYPLANE_WEBHOOK_FIRST_RETRY, then twice as
 * long each time (at most {@link #LONGEST_WAIT}), within KEYPLANE_WEBHOOK_RETRY_WINDOW; it does not hold back the
 * events after it. An endpoint that has given up is disabled at the next poll.
 */
@ApplicationScoped
class DeliveryWorker {

    /** Webhooks one replica delivers for at once. */
    static final int MAX_LEASED = 16;
    static final int SEND_BATCH = 20;
    static final int QUEUE_BATCH = 500;
    static final Duration BUDGET = Duration.ofSeconds(60);
    /** Longer than the budget plus one attempt: a lease runs out only when its replica is gone. */
    static final Duration LEASE = Duration.ofMinutes(3);
    static final Duration LONGEST_WAIT = Duration.ofHours(1);

    private final DeliveryQueue queue;
    private final WebhookService webhooks;
    private final WebhookSender sender;
    private final SecretBox box;
    private final ObjectMapper json;
    private final Clock clock;
    private final KeyplaneConfig.Webhook config;
    private final MeterRegistry registry;
    private final AtomicInteger leased = new AtomicInteger();
    private final AtomicBoolean givenUp = new AtomicBoolean();
    /** A poll cut short by shutdown (its pool closed) is not worth a warning: the next replica carries on. */
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

    // delayed: the first poll after start-up's migrations (DatabaseBootstrap), which can take a few seconds
    @Scheduled(every = "${keyplane.webhook.poll-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        Uni<Integer> disabling = givenUp.getAndSet(false) ? webhooks.disableGivenUp() : Uni.createFrom().item(0);
        return disabling
                .chain(() -> {
                    int free = MAX_LEASED - leased.get();
                    return free <= 0 ? Uni.createFrom().item(List.<Leased>of())
                            : queue.lease(free, LEASE, config.retryWindow());
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

    void stopping(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Hourly: finished deliveries past KEYPLANE_WEBHOOK_DELIVERY_RETENTION go; given-up webhooks a poll missed are disabled. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tidy() {
        return webhooks.purgeDeliveries(config.deliveryRetention())
                .chain(webhooks::disableGivenUp)
                .onFailure().invoke(e -> Log.warnf("Webhook delivery log purge failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Runs on its own, so a slow endpoint delays no other; the lease is given back however it ends. */
    private void deliverFor(Leased webhook) {
        leased.incrementAndGet();
        var secret = box.open(webhook.sealedSecret(), WebhookService.secretContext(webhook.id()));
        var url = URI.create(webhook.url());
        rounds(webhook, url, secret, webhook.cursorSeq(), clock.instant().plus(BUDGET))
                .onTermination().call(() -> queue.release(webhook.id()).onFailure().recoverWithNull())
                .onTermination().invoke(leased::decrementAndGet)
                .subscribe().with(ignored -> {
                }, e -> Log.warnf("Delivering for webhook %s failed (tried again at the next poll): %s", webhook.id(),
                        e.getMessage()));
    }

    /** Rounds of queueing and sending, while there is work, the endpoint has not given up and time is left. */
    private Uni<Void> rounds(Leased webhook, URI url, String secret, long cursor, Instant deadline) {
        return queue.queue(webhook, cursor, QUEUE_BATCH, config.retryWindow())
                .chain(next -> queue.due(webhook.id(), SEND_BATCH)
                        .chain(due -> sendInOrder(url, secret, due, 0, deadline)
                                .chain(stopped -> !stopped && (!due.isEmpty() || next != cursor)
                                        ? rounds(webhook, url, secret, next, deadline)
                                        : Uni.createFrom().voidItem())));
    }

    /** Whether to stop: the endpoint has given up, or the time is spent (what is left stays due). */
    private Uni<Boolean> sendInOrder(URI url, String secret, List<Due> due, int from, Instant deadline) {
        if (!clock.instant().isBefore(deadline)) {
            return Uni.createFrom().item(true);
        }
        if (from == due.size()) {
            return Uni.createFrom().item(false);
        }
        return attempt(url, secret, due.get(from)).chain(gaveUp -> {
            if (gaveUp) {
                givenUp.set(true);
                return Uni.createFrom().item(true);
            }
            return sendInOrder(url, secret, due, from + 1, deadline);
        });
    }

    /** Whether the endpoint has given up. */
    private Uni<Boolean> attempt(URI url, String secret, Due delivery) {
        return sender.send(url, secret, delivery.eventId(), body(delivery)).chain(outcome -> {
            registry.counter("keyplane.webhook.attempts", "outcome", outcome.succeeded() ? "succeeded" : "failed")
                    .increment();
            return outcome.succeeded()
                    ? queue.succeeded(delivery.id(), outcome.responseCode()).replaceWith(false)
                    : queue.failed(delivery.id(), outcome.responseCode(), outcome.error(),
                            retryIn(delivery.attempts()), config.retryWindow());
        });
    }

    /** The wait after the {@code attempts + 1}th attempt failed. */
    Duration retryIn(int attempts) {
        var wait = config.firstRetry().multipliedBy(1L << Math.min(attempts, 20));
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
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
