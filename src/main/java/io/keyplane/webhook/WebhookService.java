package io.keyplane.webhook;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.auth.Caller;
import io.keyplane.common.JsonBodies.Patch;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.common.SecretBox;
import io.keyplane.common.WorkspaceCaps;
import io.keyplane.webhook.WebhookDtos.CreateWebhookRequest;
import io.keyplane.webhook.WebhookDtos.CreatedWebhookResponse;
import io.keyplane.webhook.WebhookDtos.DeliveryResponse;
import io.keyplane.webhook.WebhookDtos.UpdateWebhookRequest;
import io.keyplane.webhook.WebhookDtos.WebhookResponse;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A workspace's webhooks and their delivery logs. Each change is audited, and so becomes an event itself
 * ({@code webhook.create}, ...); a webhook receives the events after its own creation.
 */
@ApplicationScoped
public class WebhookService {

    /** Webhooks that have given up (see {@link DeliveryQueue}), disabled in one statement. */
    private static final String DISABLE_GIVEN_UP = """
            update webhook w set status = 'disabled', updated_at = now(), version = version + 1
            where w.status = 'active' and w.failing_since is not null
              and (w.failing_since <= now() - make_interval(secs => ?1)
                   or exists (select 1 from webhook_delivery d where d.webhook_id = w.id and d.status = 'failed'
                              and d.first_attempt_at >= w.failing_since))
            returning w.id, w.workspace_id""";

    private static final ObjectMapper EVENTS_JSON = new ObjectMapper();

    private final WebhookRepository webhooks;
    private final DeliveryLog deliveries;
    private final Destinations destinations;
    private final SecretBox box;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration retryWindow;
    private final int maxWebhooks;
    private final SecureRandom random = new SecureRandom();

    @Inject
    WebhookService(WebhookRepository webhooks, DeliveryLog deliveries, Destinations destinations, SecretBox box,
            AuditLog audit, Clock clock, KeyplaneConfig config) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.destinations = destinations;
        this.box = box;
        this.audit = audit;
        this.clock = clock;
        this.retryWindow = config.webhook().retryWindow();
        this.maxWebhooks = config.limit().webhooks();
    }

    /** The URL is checked (422 url_not_allowed) before the transaction, which then holds no lock while names resolve. */
    public Uni<CreatedWebhookResponse> create(UUID workspaceId, CreateWebhookRequest body, Caller caller) {
        var url = Destinations.parse(body.url().trim(), "url");
        var events = validEvents(body.events());
        return destinations.check(url).chain(() -> Panache.withTransaction(() -> insert(workspaceId, url.toString(),
                events, body.description(), caller)));
    }

    private Uni<CreatedWebhookResponse> insert(UUID workspaceId, String url, List<String> events, String description,
            Caller caller) {
        var id = UUID.randomUUID();
        var secret = WebhookSecrets.newSecret(random);
        var now = clock.instant();
        var webhook = new Webhook();
        webhook.id = id;
        webhook.workspaceId = workspaceId;
        webhook.url = url;
        webhook.events = writeEvents(events);
        webhook.description = description;
        webhook.status = "active";
        webhook.secret = box.seal(secret, secretContext(id));
        webhook.createdBy = caller.actorId();
        webhook.createdAt = now;
        webhook.updatedAt = now;
        return WorkspaceCaps.requireRoom(workspaceId, maxWebhooks, "webhooks", "KEYPLANE_LIMIT_WEBHOOKS",
                () -> webhooks.count("workspaceId", workspaceId))
                .chain(() -> audit.success(workspaceId, "webhook.create", "webhook", id, Changes.none().created("url", url)
                .created("events", events).created("description", description)))
                .chain(() -> webhooks.persistAndFlush(webhook))
                .call(() -> webhooks.restartFromNow(id))
                .map(created -> CreatedWebhookResponse.of(toResponse(created), secret));
    }

    @WithSession
    public Uni<Page<WebhookResponse>> list(UUID workspaceId, PageRequest page) {
        return webhooks.page(workspaceId, page, w -> w.createdAt, w -> w.id, this::toResponse);
    }

    @WithSession
    public Uni<WebhookResponse> get(UUID workspaceId, UUID id) {
        return webhooks.findInWorkspace(workspaceId, id, LockModeType.NONE).map(this::toResponse);
    }

    public Uni<WebhookResponse> update(UUID workspaceId, UUID id, Patch<UpdateWebhookRequest> patch) {
        var body = patch.value();
        for (var field : List.of("url", "events", "status")) {
            if (patch.has(field) && valueOf(body, field) == null) {
                return Uni.createFrom().failure(KeyplaneException.validation(field, "must not be null"));
            }
        }
        var url = body.url() == null ? null : Destinations.parse(body.url().trim(), "url");
        var events = body.events() == null ? null : validEvents(body.events());
        Uni<Void> checked = url == null ? Uni.createFrom().voidItem() : destinations.check(url);
        return checked.chain(() -> Panache.withTransaction(() -> change(workspaceId, id, patch,
                url == null ? null : url.toString(), events)));
    }

    private Uni<WebhookResponse> change(UUID workspaceId, UUID id, Patch<UpdateWebhookRequest> patch, String url,
            List<String> events) {
        var body = patch.value();
        return webhooks.findInWorkspace(workspaceId, id, LockModeType.PESSIMISTIC_WRITE).call(webhook -> {
            var changed = Changes.none();
            if (url != null) {
                changed.field("url", webhook.url, url);
                webhook.url = url;
            }
            if (events != null) {
                changed.field("events", readEvents(webhook.events), events);
                webhook.events = writeEvents(events);
            }
            if (patch.has("description")) {
                changed.field("description", webhook.description, body.description());
                webhook.description = body.description();
            }
            var enabled = "active".equals(body.status()) && !"active".equals(webhook.status);
            var disabled = "disabled".equals(body.status()) && !"disabled".equals(webhook.status);
            if (body.status() != null) {
                changed.field("status", webhook.status, body.status());
                webhook.status = body.status();
            }
            webhook.updatedAt = clock.instant();
            return audit.success(workspaceId, "webhook.update", "webhook", id, changed)
                    .call(() -> enabled ? webhooks.flush().chain(() -> webhooks.restartFromNow(id))
                            : disabled ? deliveries.failPending(id) : Uni.createFrom().voidItem());
        }).map(this::toResponse);
    }

    @WithTransaction
    public Uni<Void> delete(UUID workspaceId, UUID id) {
        return webhooks.findInWorkspace(workspaceId, id, LockModeType.PESSIMISTIC_WRITE)
                .call(webhook -> audit.success(workspaceId, "webhook.delete", "webhook", id,
                        Changes.none().field("url", webhook.url, null)))
                .call(webhooks::delete)
                .replaceWithVoid();
    }

    @WithSession
    public Uni<Page<DeliveryResponse>> deliveries(UUID workspaceId, UUID webhookId, PageRequest page) {
        return webhooks.findInWorkspace(workspaceId, webhookId, LockModeType.NONE)
                .chain(webhook -> deliveries.list(webhookId, page))
                .map(rows -> Page.of(rows, page.limit(), d -> d.createdAt, d -> d.id).map(WebhookService::toResponse));
    }

    /**
     * Sends a finished delivery again, soon, with a fresh retry window. Not while it is pending (409
     * delivery_pending) or while its webhook is disabled (409 webhook_disabled): it would never go.
     */
    @WithTransaction
    public Uni<DeliveryResponse> redeliver(UUID workspaceId, UUID webhookId, UUID deliveryId) {
        return webhooks.findInWorkspace(workspaceId, webhookId, LockModeType.NONE)
                .chain(webhook -> {
                    if (!"active".equals(webhook.status)) {
                        throw KeyplaneException.conflict("webhook_disabled",
                                "The webhook is disabled: set its status to active first");
                    }
                    return deliveries.find(webhookId, deliveryId, LockModeType.PESSIMISTIC_WRITE);
                })
                .call(delivery -> {
                    if ("pending".equals(delivery.status)) {
                        throw KeyplaneException.conflict("delivery_pending",
                                "The delivery is still pending: it is retried on its own");
                    }
                    var now = clock.instant();
                    var before = delivery.status;
                    delivery.status = "pending";
                    delivery.nextAttemptAt = now;
                    delivery.retryUntil = now.plus(retryWindow);
                    delivery.firstAttemptAt = null;
                    return audit.success(workspaceId, "webhook.redeliver", "webhook", webhookId, Changes.none()
                            .created("delivery_id", deliveryId).created("event_id", delivery.eventId)
                            .field("status", before, "pending"));
                })
                .map(WebhookService::toResponse);
    }

    /**
     * Disables the webhooks that have given up, fails their pending deliveries, and audits each as
     * {@code webhook.disable}, all in one transaction. Runs outside any request (the delivery worker).
     */
    Uni<Integer> disableGivenUp() {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery(DISABLE_GIVEN_UP, Object[].class)
                        .setParameter(1, (double) retryWindow.toSeconds()).getResultList())
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(row -> disabled((UUID) row[0], (UUID) row[1]))
                        .collect().asList().map(List::size)));
    }

    private Uni<Void> disabled(UUID id, UUID workspaceId) {
        return deliveries.failPending(id)
                .chain(() -> audit.appendScheduled(workspaceId, "webhook.disable", "webhook", id, Changes.none()
                        .field("status", "active", "disabled")
                        .created("reason", "every delivery attempt failed for " + retryWindow)))
                .replaceWithVoid();
    }

    /** Finished deliveries older than {@code retention} leave the log. */
    Uni<Integer> purgeDeliveries(Duration retention) {
        return Panache.withTransaction(() -> deliveries.purge(retention));
    }

    /** Binds a sealed secret to its webhook: copied to another row, it does not open. */
    static String secretContext(UUID webhookId) {
        return "webhook:" + webhookId;
    }

    /** Known types only, each once; {@code *} stands alone. */
    private static List<String> validEvents(List<String> events) {
        var unique = List.copyOf(new LinkedHashSet<>(events));
        for (int i = 0; i < events.size(); i++) {
            if (!EventTypes.isKnown(events.get(i))) {
                throw KeyplaneException.unprocessable("unprocessable", "events[" + i + "]",
                        "is not an event type: " + String.join(", ", EventTypes.KNOWN) + ", or *");
            }
        }
        if (unique.contains(EventTypes.ALL) && unique.size() > 1) {
            throw KeyplaneException.unprocessable("unprocessable", "events", "* already means every event type");
        }
        return unique;
    }

    private static String writeEvents(List<String> events) {
        try {
            return EVENTS_JSON.writeValueAsString(events);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String[] readEvents(String stored) {
        try {
            return EVENTS_JSON.readValue(stored, String[].class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable webhook events", e);
        }
    }

    private static Object valueOf(UpdateWebhookRequest body, String field) {
        return switch (field) {
            case "url" -> body.url();
            case "events" -> body.events();
            default -> body.status();
        };
    }

    private WebhookResponse toResponse(Webhook w) {
        return new WebhookResponse(w.id, w.workspaceId, w.url, List.of(readEvents(w.events)), w.description, w.status,
                w.createdBy, w.createdAt, w.updatedAt);
    }

    private static DeliveryResponse toResponse(WebhookDelivery d) {
        return new DeliveryResponse(d.id, d.eventId, d.type, d.status, d.responseCode, d.lastError, d.attempts,
                d.nextAttemptAt, d.lastAttemptAt, d.createdAt);
    }
}
