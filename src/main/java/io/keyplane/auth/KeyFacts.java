package io.keyplane.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.keyplane.apikey.Cidr;
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
        List<Cidr> allowedCidrs,
        String metaJson) {

    /** Why a key cannot be used, in both vocabularies: the 401 code and the verify code (API.md 1 and 5). */
    public enum Denial {
        REVOKED("key_revoked", "REVOKED"),
        WORKSPACE_DELETED("key_revoked", "DISABLED"),
        EXPIRED("key_expired", "EXPIRED"),
        PAUSED("key_paused", "PAUSED"),
        ACCOUNT_DISABLED("service_account_disabled", "DISABLED");

        public final String authCode;
        public final String verifyCode;

        Denial(String authCode, String verifyCode) {
            this.authCode = authCode;
            this.verifyCode = verifyCode;
        }
    }

    /** Why this key cannot be used now; empty when it can. Revocation wins, then expiry, pause, disabled. */
    public Optional<Denial> denial(Instant now) {
        if ("revoked".equals(keyStatus) || "deleted".equals(accountStatus)) {
            return Optional.of(Denial.REVOKED);
        }
        if (!"active".equals(workspaceStatus)) {
            return Optional.of(Denial.WORKSPACE_DELETED);
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return Optional.of(Denial.EXPIRED);
        }
        if ("paused".equals(keyStatus)) {
            return Optional.of(Denial.PAUSED);
        }
        if ("disabled".equals(accountStatus)) {
            return Optional.of(Denial.ACCOUNT_DISABLED);
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
