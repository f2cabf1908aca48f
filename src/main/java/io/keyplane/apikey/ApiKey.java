package io.keyplane.apikey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.DynamicUpdate;

import io.keyplane.key.KeyKind;

// only changed columns are written: verifications spend credits_remaining (and record last_used_at) in place
@Entity
@DynamicUpdate
@Table(name = "api_key")
public class ApiKey {

    public static final String ACTIVE = "active";
    public static final String PAUSED = "paused";
    public static final String REVOKED = "revoked";
    public static final String EXPIRED = "expired";

    @Id
    public UUID id;
    public UUID workspaceId;
    public UUID serviceAccountId;
    public String name;
    @Convert(converter = KeyKindConverter.class)
    public KeyKind kind;
    public String keyPrefix;
    public byte[] keyHash;
    public short pepperVersion;
    public byte[] keyCiphertext;
    /** Stored status: active, paused or revoked; "expired" is derived at read time. */
    public String status;
    public String[] scopes;
    public Instant expiresAt;
    public Instant lastUsedAt;
    public Instant lastDeniedAt;
    public Integer rateLimit;
    public Integer rateWindowSeconds;
    public String[] allowedCidrs;
    public String meta;
    public UUID rotatedFrom;
    public UUID replacedBy;
    public String createdBy;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant revokedAt;
    /** Usage credits; all null for a key without them (see V5__credits.sql). */
    public Long creditsRemaining;
    public Long creditsRefillAmount;
    public String creditsRefillInterval;
    public Instant creditsRefilledAt;
    @Version
    public long version;

    /** Revoked wins, then expiry (a paused key past its expiry reads expired), then the stored status. */
    public String statusAt(Instant now) {
        if (!REVOKED.equals(status) && expiresAt != null && !now.isBefore(expiresAt)) {
            return EXPIRED;
        }
        return status;
    }

    public boolean isRevoked() {
        return REVOKED.equals(status);
    }

    public List<String> scopeList() {
        return List.of(scopes);
    }

    public void revoke(Instant now) {
        status = REVOKED;
        revokedAt = now;
        updatedAt = now;
    }
}
