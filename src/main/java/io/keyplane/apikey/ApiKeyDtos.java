package io.keyplane.apikey;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.keyplane.common.PlainText;
import io.keyplane.key.Cidr;
import io.keyplane.key.KeyFormat;
import io.keyplane.key.KeyKind;
import io.keyplane.key.Permissions;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Wire records of the API key endpoints (API.md section 4). */
public final class ApiKeyDtos {

    public static final int MAX_META_BYTES = 4096;
    public static final int MAX_EXPIRY_DAYS = 36_500;
    public static final int MAX_GRACE_SECONDS = 2_592_000;
    public static final long MAX_CREDITS = 1_000_000_000_000L;

    private ApiKeyDtos() {
    }

    @Schema(name = "CreateApiKeyRequest")
    public record CreateApiKeyRequest(
            @NotBlank @Size(max = 200) @PlainText @Schema(example = "CI/CD Pipeline Key") String name,
            @Schema(description = "Default `api`") KeyKind kind,
            @Schema(description = "Default: the caller's own service account (required for the operator)", maxLength = 36)
            UUID serviceAccountId,
            @Size(max = 100) @Schema(description = "Default: all of the account's scopes; must be a subset")
            List<@NotNull @Size(max = 100) String> scopes,
            @Schema(description = "Absolute expiry (future); exclusive with `expires_in_days`", maxLength = 35)
            Instant expiresAt,
            @Positive @Max(MAX_EXPIRY_DAYS) @Schema(description = "30, 90, 365 or any positive number of days")
            Integer expiresInDays,
            @Valid @Schema(description = "Exclusive with `tier`; absent means unlimited") RateLimit rateLimit,
            @Pattern(regexp = "free|starter|pro|enterprise", message = "must be free, starter, pro or enterprise")
            @Schema(description = "free 100/min, starter 500/min, pro 2000/min, enterprise unlimited",
                    enumeration = { "free", "starter", "pro", "enterprise" }) String tier,
            @Size(max = 100) @Schema(description = "IPv4/IPv6 addresses or CIDR blocks the key may be used from; "
                    + "empty means anywhere") List<@NotNull @Size(max = Cidr.MAX_LENGTH) String> allowedCidrs,
            @Schema(description = "Your own JSON object, at most 4 KiB") Map<String, Object> meta,
            @Valid @Schema(description = "Usage credits each verification spends; absent means none") Credits credits) {
    }

    @Schema(name = "UpdateApiKeyRequest", description = "Fields left out stay as they are; `expires_at`, `rate_limit` "
            + "may be null to remove them. The secret never changes: rotate for that.")
    @RegisterForReflection // read through JsonBodies, not as a REST parameter: the native image needs it registered
    public record UpdateApiKeyRequest(
            @Size(min = 1, max = 200) @PlainText String name,
            @Size(max = 100) List<@NotNull @Size(max = 100) String> scopes,
            Instant expiresAt,
            @Valid RateLimit rateLimit,
            @Size(max = 100) List<@NotNull @Size(max = Cidr.MAX_LENGTH) String> allowedCidrs,
            Map<String, Object> meta,
            @Valid @Schema(description = "Replaced whole; null removes the key's credits") Credits credits) {
    }

    @Schema(name = "RotateApiKeyRequest")
    @RegisterForReflection // read through JsonBodies, not as a REST parameter: the native image needs it registered
    public record RotateApiKeyRequest(
            @Min(0) @Max(MAX_GRACE_SECONDS)
            @Schema(description = "How long the old key keeps working (0-2592000 s, default 0: revoked at once)")
            Integer gracePeriodSeconds) {
    }

    @Schema(name = "RevokedStatus")
    public record StatusResponse(@Schema(example = "revoked", enumeration = "revoked") String status) {
    }

    @Schema(name = "RevealedKey")
    public record RevealResponse(@Schema(maxLength = KeyFormat.MAX_LENGTH, pattern = KeyFormat.PATTERN) String key) {
    }

    /** The key object of API.md 4.1; {@code key} only in create, rotate and bootstrap responses. */
    @Schema(name = "ApiKey")
    public record ApiKeyResponse(
            UUID id,
            UUID workspaceId,
            UUID serviceAccountId,
            @Schema(maxLength = 200) String name,
            KeyKind kind,
            @Schema(description = "First 12 characters of the key", example = "kp_live_abc1",
                    maxLength = KeyFormat.PREFIX_LENGTH, pattern = "^kp_[a-z]+_[0-9A-Za-z]*$") String keyPrefix,
            @Schema(enumeration = { "active", "paused", "expired", "revoked" }) String status,
            @Size(max = 100) List<@Size(max = Permissions.MAX_NAME_LENGTH) String> scopes,
            @Schema(nullable = true, maxLength = 35, format = "date-time") Instant expiresAt,
            @Schema(nullable = true, maxLength = 35, format = "date-time",
                    description = "The last valid or successful use") Instant lastUsedAt,
            @Schema(nullable = true, maxLength = 35, format = "date-time",
                    description = "The last denied attempt (revoked, out of scope, rate limited, ...)") Instant lastDeniedAt,
            @Schema(nullable = true) RateLimit rateLimit,
            @Size(max = 100) List<@Size(max = Cidr.MAX_LENGTH) String> allowedCidrs,
            @JsonRawValue @Schema(type = SchemaType.OBJECT, description = "Caller's metadata, at most 4 KiB") String meta,
            @Schema(nullable = true, description = "The key this one replaced by rotation") UUID rotatedFrom,
            @Schema(nullable = true, description = "The key that replaced this one by rotation") UUID replacedBy,
            @Schema(description = "Acting service account id, or `operator`", maxLength = 36) String createdBy,
            Instant createdAt,
            Instant updatedAt,
            @Schema(nullable = true, maxLength = 35, format = "date-time") Instant revokedAt,
            @Schema(description = "Usage credits, or null for a key without them", nullable = true) Credits credits,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "The plain key: only in the create and rotate responses, never again",
                    maxLength = KeyFormat.MAX_LENGTH, pattern = KeyFormat.PATTERN)
            String key) {

        static ApiKeyResponse from(ApiKey k, Instant now) {
            return from(k, now, null);
        }

        static ApiKeyResponse from(ApiKey k, Instant now, String plainKey) {
            return new ApiKeyResponse(k.id, k.workspaceId, k.serviceAccountId, k.name, k.kind, k.keyPrefix, k.statusAt(now),
                    k.scopeList(), k.expiresAt, k.lastUsedAt, k.lastDeniedAt, RateLimit.of(k.rateLimit, k.rateWindowSeconds),
                    List.of(k.allowedCidrs), k.meta, k.rotatedFrom, k.replacedBy, k.createdBy, k.createdAt, k.updatedAt,
                    k.revokedAt, Credits.of(k, now), plainKey);
        }

        static ApiKeyResponse issued(IssuedKey issued, Instant now) {
            return from(issued.entity(), now, issued.plainKey());
        }
    }

    /**
     * Usage credits (API.md section 9): each VALID verification spends its {@code cost} from {@code remaining};
     * {@code refill} sets {@code remaining = amount} at the start of each UTC day or month.
     */
    @Schema(name = "Credits")
    public record Credits(
            @NotNull @PositiveOrZero @Max(MAX_CREDITS) Long remaining,
            @Valid @Schema(description = "Absent or null: never refilled", nullable = true) Refill refill) {

        /** What the key has now: a refill that is due but not yet made shows as made. */
        static Credits of(ApiKey k, Instant now) {
            if (k.creditsRemaining == null) {
                return null;
            }
            if (k.creditsRefillInterval == null) {
                return new Credits(k.creditsRemaining, null);
            }
            var due = k.creditsRefilledAt.isBefore(periodStart(k.creditsRefillInterval, now));
            return new Credits(due ? k.creditsRefillAmount : k.creditsRemaining,
                    new Refill(k.creditsRefillAmount, k.creditsRefillInterval));
        }

        /** Gives {@code k} these credits (null: none); a refill counts from the current period. */
        static void apply(Credits credits, ApiKey k, Instant now) {
            var refill = credits == null ? null : credits.refill();
            k.creditsRemaining = credits == null ? null : credits.remaining();
            k.creditsRefillAmount = refill == null ? null : refill.amount();
            k.creditsRefillInterval = refill == null ? null : refill.interval();
            k.creditsRefilledAt = refill == null ? null : periodStart(refill.interval(), now);
        }

        /** The start of the UTC day or month {@code now} is in. */
        static Instant periodStart(String interval, Instant now) {
            var day = now.truncatedTo(ChronoUnit.DAYS);
            return "month".equals(interval) ? day.atOffset(ZoneOffset.UTC).withDayOfMonth(1).toInstant() : day;
        }
    }

    @Schema(name = "CreditsRefill")
    public record Refill(
            @NotNull @Positive @Max(MAX_CREDITS) Long amount,
            @NotNull @Pattern(regexp = "day|month", message = "must be day or month")
            @Schema(enumeration = { "day", "month" }, description = "Refilled at the start of each UTC day or month")
            String interval) {
    }

    /** At most {@code limit} uses per {@code window_seconds}; absent means unlimited. */
    @Schema(name = "RateLimit")
    public record RateLimit(
            @NotNull @Min(1) @Max(1_000_000_000) Integer limit,
            @NotNull @Min(1) @Max(86_400) Integer windowSeconds) {

        public static RateLimit of(Integer limit, Integer windowSeconds) {
            return limit == null ? null : new RateLimit(limit, windowSeconds);
        }
    }
}
