package io.keyplane.audit;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One link of a workspace's hash chain. Append-only: nothing updates or deletes these rows. */
@Entity
@Table(name = "audit_event")
public class AuditEvent {

    @Id
    public UUID id;
    public UUID workspaceId;
    public long seq;
    public Instant at;
    public String actorType;
    public String actorId;
    public UUID actorKeyId;
    public String action;
    public String targetType;
    public String targetId;
    public String outcome;
    public String requestId;
    public String sourceIp;
    public String userAgent;
    /** Canonical JSON object: field name to [before, after]. */
    public String changes;
    public String prevHash;
    public String hash;
    /** The KEYPLANE_AUDIT_KEY version of {@code hash}; 0 for events from before the chain was keyed (plain SHA-256). */
    public short keyVersion;
}
