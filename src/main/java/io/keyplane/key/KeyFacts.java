package io.keyplane.key;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What authentication and verification need to know about a key, read in one query by its hash. Immutable, so
 * it can be cached; time-dependent answers take {@code now}. Credits are not facts (they change with every use):
 * {@code hasCredits} only says whether a use must spend them in the database. {@code effectiveScopes} (key ∩ account) is worked
 * out once when the facts are loaded: any change to the key or its account evicts them.
 */
public record KeyFacts(
        UUID keyId,
        UUID workspaceId,
        UUID serviceAccountId,
        KeyKind kind,
        String keyPrefix,
        String keyStatus,
        List<String> effectiveScopes,
        String accountStatus,
        String workspaceStatus,
        Instant expiresAt,
        Integer rateLimit,
        Integer rateWindowSeconds,
        List<Cidr> allowedCidrs,
        String metaJson,
        boolean hasCredits) {

    /** Why a key cannot be used, in both vocabularies: the 401 code and the verify code (API.md 1 and 5). */
    public enum Denial {
        REVOKED("key_revoked", VerifyCode.REVOKED),
        WORKSPACE_DELETED("key_revoked", VerifyCode.DISABLED),
        EXPIRED("key_expired", VerifyCode.EXPIRED),
        PAUSED("key_paused", VerifyCode.PAUSED),
        ACCOUNT_DISABLED("service_account_disabled", VerifyCode.DISABLED);

        public final String authCode;
        public final VerifyCode verifyCode;

        Denial(String authCode, VerifyCode verifyCode) {
            this.authCode = authCode;
            this.verifyCode = verifyCode;
        }
    }

    /** Why this key cannot be used now; null when it can. Revocation wins, then expiry, pause, disabled. */
    public Denial denial(Instant now) {
        if ("revoked".equals(keyStatus) || "deleted".equals(accountStatus)) {
            return Denial.REVOKED;
        }
        if (!"active".equals(workspaceStatus)) {
            return Denial.WORKSPACE_DELETED;
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return Denial.EXPIRED;
        }
        if ("paused".equals(keyStatus)) {
            return Denial.PAUSED;
        }
        if ("disabled".equals(accountStatus)) {
            return Denial.ACCOUNT_DISABLED;
        }
        return null;
    }

    /** Whether a use from {@code address} is allowed; a key with CIDRs needs the address (fails closed). */
    public boolean allowsAddress(String address) {
        if (allowedCidrs.isEmpty()) {
            return true;
        }
        if (address == null) {
            return false;
        }
        for (var cidr : allowedCidrs) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Status as the key object reports it (API.md 4.1). */
    public String statusAt(Instant now) {
        if (!"revoked".equals(keyStatus) && expiresAt != null && !now.isBefore(expiresAt)) {
            return "expired";
        }
        return keyStatus;
    }
}
