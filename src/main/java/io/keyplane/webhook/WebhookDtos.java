package io.keyplane.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.keyplane.common.PlainText;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Wire records of the webhook endpoints and of the deliveries themselves (API.md section 9). */
public final class WebhookDtos {

    static final int MAX_URL = 2048;
    static final String URL = "^https?://[^\\s]+$";
    static final String EXAMPLE_URL = "https://example.com/keyplane-events";
    static final String EVENT_TYPE = "^(\\*|[a-z_]+\\.[a-z_]+)$";
    static final int MAX_EVENTS = 50;
    static final String EXAMPLE_EVENTS = "[\"api_key.revoke\", \"api_key.leaked\"]";
    static final String EVENTS_DESCRIPTION = "Event types (audit actions such as `api_key.revoke`, plus "
            + "`api_key.expiring` and `api_key.leaked`), or `[\"*\"]` for all";

    private WebhookDtos() {
    }

    @Schema(name = "CreateWebhookRequest")
    public record CreateWebhookRequest(
            @NotBlank @Size(max = MAX_URL)
            @Schema(description = "Where deliveries are POSTed: http or https, without user info; not a loopback, "
                    + "link-local or private address", example = EXAMPLE_URL,
                    maxLength = MAX_URL, pattern = URL) String url,
            @NotNull @Size(min = 1, max = MAX_EVENTS) @Schema(description = EVENTS_DESCRIPTION,
                    example = EXAMPLE_EVENTS)
            List<@NotNull @Size(max = 64) @Pattern(regexp = EVENT_TYPE, message = "must be an event type or *")
            String> events,
            @Size(max = 500) @PlainText @Schema(maxLength = 500, nullable = true) String description) {
    }

    @Schema(name = "UpdateWebhookRequest", description = "Fields left out stay as they are; `events` is replaced "
            + "whole. Setting `status` back to `active` resumes deliveries with the events from then on.")
    @RegisterForReflection // read through JsonBodies, not as a REST parameter: the native image needs it registered
    public record UpdateWebhookRequest(
            @Size(min = 1, max = MAX_URL) @Schema(maxLength = MAX_URL, pattern = URL, example = EXAMPLE_URL) String url,
            @Size(min = 1, max = MAX_EVENTS) @Schema(description = EVENTS_DESCRIPTION, example = EXAMPLE_EVENTS)
            List<@NotNull @Size(max = 64) @Pattern(regexp = EVENT_TYPE, message = "must be an event type or *")
            String> events,
            @Size(max = 500) @PlainText @Schema(maxLength = 500, nullable = true) String description,
            @Pattern(regexp = "^(active|disabled)$", message = "must be active or disabled")
            @Schema(enumeration = { "active", "disabled" }) String status) {
    }

    @Schema(name = "Webhook")
    public record WebhookResponse(
            UUID id,
            UUID workspaceId,
            @Schema(maxLength = MAX_URL, pattern = URL, example = EXAMPLE_URL) String url,
            @Size(max = MAX_EVENTS) @Schema(example = EXAMPLE_EVENTS)
            List<@Size(max = 64) @Pattern(regexp = EVENT_TYPE) String> events,
            @Schema(maxLength = 500, nullable = true, pattern = PlainText.PATTERN) String description,
            @Schema(enumeration = { "active", "disabled" }, description = "`disabled` by hand, or by Keyplane after "
                    + "every attempt failed for the retry window (24 h by default; audited as `webhook.disable`)")
            String status,
            @Schema(description = "Acting service account id, or `operator`", maxLength = 36) String createdBy,
            Instant createdAt,
            Instant updatedAt) {
    }

    @Schema(name = "CreatedWebhook", description = "The webhook, and its signing secret: shown this once")
    public record CreatedWebhookResponse(
            @JsonUnwrapped WebhookResponse webhook,
            @Schema(description = "HMAC-SHA256 key of `Keyplane-Signature` (the whole string, as UTF-8). Not shown "
                    + "again.", maxLength = 64, pattern = WebhookSecrets.PATTERN,
                    example = "whsec_3q2-7w8Yb1nK4mZpQ0rS5tUvX6yA9cDeFgHiJkLmNoP") String secret) {

        static CreatedWebhookResponse of(WebhookResponse webhook, String secret) {
            return new CreatedWebhookResponse(webhook, secret);
        }
    }

    @Schema(name = "WebhookDelivery")
    public record DeliveryResponse(
            UUID id,
            @Schema(description = "The event's id, also sent as `Keyplane-Event-Id`: the same in every attempt")
            UUID eventId,
            @Schema(maxLength = 64, pattern = EVENT_TYPE, example = "api_key.revoke") String type,
            @Schema(enumeration = { "pending", "succeeded", "failed" }) String status,
            @Schema(description = "The HTTP status of the last attempt; null before one, or when it got no answer",
                    minimum = "100", maximum = "599", nullable = true) Integer responseCode,
            @Schema(description = "Why the last attempt failed, when it did", maxLength = 200, nullable = true,
                    example = "HTTP 503", pattern = "^[ -~]*$")
            String lastError,
            @Schema(minimum = "0", maximum = "1000") int attempts,
            @Schema(description = "When the next attempt is due; null unless pending", nullable = true, maxLength = 35,
                    format = "date-time") Instant nextAttemptAt,
            @Schema(nullable = true, maxLength = 35, format = "date-time") Instant lastAttemptAt,
            @Schema(description = "When the event happened") Instant createdAt) {
    }

    /** The body of each delivery: {@code {id, type, created_at, workspace_id, data}}. */
    @RegisterForReflection
    record Event(UUID id, String type, Instant createdAt, UUID workspaceId, EventData data) {
    }

    /** The audit event's target, actor and changes ({@code field: [before, after]}), never a secret. */
    @RegisterForReflection
    record EventData(Target target, Actor actor, @JsonRawValue String changes) {
    }

    @RegisterForReflection
    record Target(String type, String id) {
    }

    @RegisterForReflection
    record Actor(String type, String id, UUID keyId) {
    }

    @Schema(name = "WebhookEvent", description = "What each delivery POSTs. Verify `Keyplane-Signature` first.")
    public record EventSchema(
            @Schema(description = "The event's id, as in `Keyplane-Event-Id`; the audit event's id") UUID id,
            @Schema(maxLength = 64, pattern = EVENT_TYPE, example = "api_key.revoke") String type,
            Instant createdAt,
            UUID workspaceId,
            @Schema(type = SchemaType.OBJECT, description = "`target` `{type, id}`, `actor` `{type, id, key_id}` "
                    + "and `changes` (field name to `[before, after]`), as in the audit log") Object data) {
    }
}
