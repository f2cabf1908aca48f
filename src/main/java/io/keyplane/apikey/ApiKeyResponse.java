package io.keyplane.apikey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** The key object of API.md 4.1; {@code key} only in create, rotate and bootstrap responses. */
@Schema(name = "ApiKey")
public record ApiKeyResponse(
        UUID id,
        UUID workspaceId,
        UUID serviceAccountId,
        String name,
        KeyKind kind,
        @Schema(description = "First 12 characters of the key", example = "kp_live_abc1") String keyPrefix,
        @Schema(enumeration = { "active", "paused", "expired", "revoked" }) String status,
        List<String> scopes,
        Instant expiresAt,
        Instant lastUsedAt,
        RateLimit rateLimit,
        List<String> allowedCidrs,
        @JsonRawValue @Schema(type = SchemaType.OBJECT, description = "Caller's metadata, at most 4 KiB") String meta,
        UUID rotatedFrom,
        UUID replacedBy,
        @Schema(description = "Acting service account id, or `operator`") String createdBy,
        Instant createdAt,
        Instant updatedAt,
        Instant revokedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The plain key: only in the create and rotate responses, never again")
        String key) {

    public static ApiKeyResponse from(ApiKey k, Instant now) {
        return from(k, now, null);
    }

    public static ApiKeyResponse from(ApiKey k, Instant now, String plainKey) {
        return new ApiKeyResponse(k.id, k.workspaceId, k.serviceAccountId, k.name, k.kind, k.keyPrefix, k.statusAt(now),
                k.scopeList(), k.expiresAt, k.lastUsedAt, RateLimit.of(k.rateLimit, k.rateWindowSeconds),
                List.of(k.allowedCidrs), k.meta, k.rotatedFrom, k.replacedBy, k.createdBy, k.createdAt, k.updatedAt,
                k.revokedAt, plainKey);
    }

    public static ApiKeyResponse issued(IssuedKey issued, Instant now) {
        return from(issued.entity(), now, issued.plainKey());
    }
}
