package io.keyplane.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.keyplane.apikey.KeyKind;
import io.keyplane.scope.Permissions;

/**
 * What authentication and verification need to know about a key, read in one query by its hash.
 * Immutable, so it can be cached; time-dependent answers take {@code now}.
 */
public record KeyFacts(
        UUID keyId,
        UUID workspaceId,
        UUID serviceAccountId,
        KeyKind kind,
        String keyPrefix,
        String keyStatus,
        List<String> keyScopes,
        List<String> accountScopes,
        String accountStatus,
        String workspaceStatus,
        Instant expiresAt,
        Integer rateLimit,
        Integer rateWindowSeconds,
        List<String> allowedCidrs,
        String metaJson) {

    /** Why this key cannot authenticate now, as a 401 code; empty when it can. */
    public Optional<String> authFailure(Instant now) {
        if ("revoked".equals(keyStatus) || !"active".equals(workspaceStatus) || "deleted".equals(accountStatus)) {
            return Optional.of("key_revoked");
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return Optional.of("key_expired");
        }
        if ("paused".equals(keyStatus)) {
            return Optional.of("key_paused");
        }
        if ("disabled".equals(accountStatus)) {
            return Optional.of("service_account_disabled");
        }
        return Optional.empty();
    }

    public List<String> effectiveScopes() {
        return Permissions.effective(keyScopes, accountScopes);
    }

    /** Status as the key object reports it (API.md 4.1). */
    public String statusAt(Instant now) {
        if (!"revoked".equals(keyStatus) && expiresAt != null && !now.isBefore(expiresAt)) {
            return "expired";
        }
        return keyStatus;
    }
}
