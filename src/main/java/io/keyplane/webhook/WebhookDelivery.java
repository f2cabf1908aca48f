package io.keyplane.webhook;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One event to one webhook, with its attempts so far; the delivery log reads these. */
@Entity
@Table(name = "webhook_delivery")
public class WebhookDelivery {

    @Id
    public UUID id;
    public UUID webhookId;
    public UUID eventId;
    public long eventSeq;
    public String type;
    public String status;
    public Integer responseCode;
    public String lastError;
    public int attempts;
    public Instant nextAttemptAt;
    public Instant retryUntil;
    public Instant firstAttemptAt;
    public Instant lastAttemptAt;
    public Instant createdAt;
}
