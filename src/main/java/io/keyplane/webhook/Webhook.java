package io.keyplane.webhook;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A webhook as its owners manage it; {@code events} is its JSON list of event types. The delivery worker's own
 * columns (how far it got, its lease, how long the endpoint has failed) are not mapped: it alone writes them.
 */
@Entity
@Table(name = "webhook")
public class Webhook {

    @Id
    public UUID id;
    public UUID workspaceId;
    public String url;
    public String events;
    public String description;
    public String status;
    /** Sealed with KEYPLANE_ENCRYPTION_KEY, bound to this webhook's id. */
    @Column(updatable = false)
    public byte[] secret;
    public String createdBy;
    public Instant createdAt;
    public Instant updatedAt;
    @Version
    public long version;
}
