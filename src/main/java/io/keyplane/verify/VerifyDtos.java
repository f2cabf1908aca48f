package io.keyplane.verify;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.keyplane.key.KeyFormat;
import io.keyplane.key.KeyKind;
import io.quarkus.runtime.annotations.RegisterForReflection;

public final class VerifyDtos {

    private VerifyDtos() {
    }

    @Schema(name = "VerifyRequest")
    public record VerifyRequest(
            @NotNull @Schema(description = "The key to check, as your user presented it. A well-formed key is at most "
                    + KeyFormat.MAX_LENGTH + " characters; anything else answers NOT_FOUND.", maxLength = 65536) String key,
            @Size(max = 50) @Schema(description = "Permissions required: all must be covered by the key's effective "
                    + "scopes (key ∩ account, wildcards expanded)") List<@NotNull @Size(max = 100) String> scopes,
            @Size(max = 64) @Schema(example = "203.0.113.7", description = "Checked against the key's allowed_cidrs")
            String sourceIp,
            @Size(max = 16) String method,
            @Size(max = 2048) String path,
            @Size(max = 512) String userAgent,
            @Size(min = 1, max = 3) @Schema(description = "Kinds of key this check accepts; default `[\"api\", "
                    + "\"ingest\"]`. A ServiceKey is a management credential: list `service` to accept one.")
            List<@NotNull KeyKind> kinds,
            @PositiveOrZero @Max(1_000_000_000) @Schema(defaultValue = "1", description = "Credits this use spends, "
                    + "for a key with credits (default 1). 0 checks that the key has credits left without spending.")
            Long cost) {

        /**
         * True only when every constraint above plainly holds; false sends the body through the Validator for its
         * own answer. Kept beside the annotations it mirrors; {@code VerifyRequestConstraintsTest} holds them equal.
         */
        boolean plainlyValid() {
            return key != null && fits(sourceIp, 64) && fits(method, 16) && fits(path, 2048) && fits(userAgent, 512)
                    && (scopes == null || scopes.size() <= 50 && allFit(scopes, 100))
                    && (kinds == null || !kinds.isEmpty() && kinds.size() <= 3 && allFit(kinds, 0))
                    && (cost == null || cost >= 0 && cost <= 1_000_000_000L);
        }

        private static boolean fits(String value, int max) {
            return value == null || value.length() <= max;
        }

        /** No null element, and strings no longer than {@code max}. */
        private static boolean allFit(List<?> values, int max) {
            for (var value : values) {
                if (value == null || value instanceof String s && s.length() > max) {
                    return false;
                }
            }
            return true;
        }
    }

    @Schema(name = "VerifyCredits", description = "The key's credits after this use")
    public record CreditsStatus(@Schema(minimum = "0", maximum = "1000000000000") long remaining) {
    }

    @Schema(name = "VerifyRateLimit")
    public record RateLimitStatus(@Schema(minimum = "1", maximum = "1000000000") int limit,
            @Schema(minimum = "0", maximum = "1000000000") int remaining, Instant resetAt) {
    }

    /** VALID and INSUFFICIENT_SCOPE: the key's details (rate_limit is null for an unlimited key). */
    @Schema(name = "VerifyResponse", requiredProperties = { "valid", "code" })
    @RegisterForReflection
    public record VerifyResponse(
            boolean valid,
            @Schema(enumeration = { "VALID", "INSUFFICIENT_SCOPE" }) String code,
            UUID keyId, UUID workspaceId, UUID serviceAccountId, KeyKind kind,
            @Schema(description = "Effective scopes", maxItems = 1000) List<@Size(max = 100) String> scopes,
            @Schema(nullable = true, maxLength = 35, format = "date-time") Instant expiresAt,
            @JsonRawValue @Schema(type = SchemaType.OBJECT) String meta,
            @Schema(description = "null for an unlimited key. When Redis could not count the use "
                    + "(KEYPLANE_RATE_LIMIT_REDIS_FAILURE=open), what this replica counted", nullable = true)
            RateLimitStatus rateLimit,
            @Schema(description = "What remains after this use (VALID); null for a key without credits, and for "
                    + "INSUFFICIENT_SCOPE (credits are only checked once every other check passed)", nullable = true)
            CreditsStatus credits) {
    }

    /**
     * Every other code: no key details; RATE_LIMITED adds rate_limit (remaining 0 and reset_at), USAGE_EXCEEDED adds
     * rate_limit and credits (what remains: fewer than the cost, nothing was spent).
     */
    @Schema(name = "VerifyFailure", requiredProperties = { "valid", "code" })
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifyFailure(
            boolean valid,
            @Schema(enumeration = { "NOT_FOUND", "KIND_NOT_ALLOWED", "REVOKED", "EXPIRED", "PAUSED", "DISABLED",
                    "IP_NOT_ALLOWED", "RATE_LIMITED", "USAGE_EXCEEDED" }) String code,
            RateLimitStatus rateLimit,
            CreditsStatus credits) {
    }

    @Schema(name = "Whoami")
    public record WhoamiResponse(
            @Schema(enumeration = { "operator", "service", "api", "ingest" }) String kind,
            @Schema(nullable = true) UUID keyId,
            @Schema(maxLength = KeyFormat.PREFIX_LENGTH, pattern = "^kp_[a-z]+_[0-9A-Za-z]*$", nullable = true,
                    example = "kp_svc_Ab3x9")
            String keyPrefix,
            @Schema(nullable = true) UUID workspaceId,
            @Schema(nullable = true) UUID serviceAccountId,
            @Schema(description = "Effective scopes (key ∩ account); null for the operator, who may do everything",
                    maxItems = 1000, nullable = true) List<@Size(max = 100) String> scopes,
            @Schema(nullable = true, maxLength = 35, format = "date-time") Instant expiresAt,
            @Schema(enumeration = { "active", "paused", "expired", "revoked" }, nullable = true,
                    description = "The key's status; `active` for the operator") String status) {
    }
}
