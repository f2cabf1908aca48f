package io.keyplane.workspace;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.keyplane.apikey.ApiKeyDtos.ApiKeyResponse;
import io.keyplane.common.PlainText;
import io.keyplane.credential.KeyFormat;
import io.keyplane.serviceaccount.ServiceAccountDtos.ServiceAccountResponse;

/** Wire records of the workspace endpoints (API.md section 3). */
public final class WorkspaceDtos {

    private WorkspaceDtos() {
    }

    @Schema(name = "CreateWorkspaceRequest")
    public record CreateWorkspaceRequest(@NotBlank @Size(max = 200) @PlainText String name) {
    }

    @Schema(name = "UpdateWorkspaceRequest", description = "Fields left out stay as they are")
    public record UpdateWorkspaceRequest(@Size(min = 1, max = 200) @PlainText String name) {
    }

    @Schema(name = "Workspace")
    public record WorkspaceResponse(UUID id, @Schema(maxLength = 200) String name,
            @Schema(enumeration = { "active", "deleted" }) String status, Instant createdAt, Instant updatedAt) {

        static WorkspaceResponse from(Workspace w) {
            return new WorkspaceResponse(w.id, w.name, w.status, w.createdAt, w.updatedAt);
        }
    }

    @Schema(name = "Bootstrap", description = "The owner service account (workspace:admin) and its first ServiceKey")
    public record Bootstrap(ServiceAccountResponse serviceAccount,
            @Schema(description = "The ServiceKey object, with its plain `key`") ApiKeyResponse apiKey,
            @Schema(description = "The ServiceKey's plain value, shown once", maxLength = KeyFormat.MAX_LENGTH,
                    pattern = KeyFormat.PATTERN) String key) {
    }

    @Schema(name = "CreatedWorkspace")
    public record CreatedWorkspaceResponse(UUID id, @Schema(maxLength = 200) String name,
            @Schema(enumeration = { "active", "deleted" }) String status, Instant createdAt, Instant updatedAt,
            Bootstrap bootstrap) {
    }
}
