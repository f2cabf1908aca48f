package io.keyplane.audit;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * Where the last successful verification of a workspace's chain got to: the next one starts after {@code seq}.
 * {@code mac} binds it to the audit key, so nobody without the key can move it past a forged event.
 */
@Entity
@Table(name = "audit_checkpoint")
public class AuditCheckpoint {

    @Id
    public UUID workspaceId;
    public long seq;
    public String hash;
    public short keyVersion;
    public String mac;
    public Instant verifiedAt;
}
