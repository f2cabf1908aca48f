package io.keyplane.serviceaccount;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "ServiceAccount")
public record ServiceAccountResponse(
        UUID id,
        UUID workspaceId,
        String name,
        String description,
        List<String> scopes,
        @Schema(enumeration = { "active", "disabled", "deleted" }) String status,
        @Schema(description = "Acting service account id, or `operator`") String createdBy,
        Instant createdAt,
        Instant updatedAt) {

    public static ServiceAccountResponse from(ServiceAccount sa) {
        return new ServiceAccountResponse(sa.id, sa.workspaceId, sa.name, sa.description, sa.scopeList(), sa.status,
                sa.createdBy, sa.createdAt, sa.updatedAt);
    }
}
