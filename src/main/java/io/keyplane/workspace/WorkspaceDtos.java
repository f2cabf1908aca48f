package io.keyplane.workspace;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.keyplane.apikey.ApiKeyDtos.ApiKeyResponse;
import io.keyplane.common.PlainText;
import io.keyplane.key.KeyFormat;
import io.keyplane.serviceaccount.ServiceAccountDtos.ServiceAccountResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Wire records of the workspace endpoints (API.md section 3). */
public final class WorkspaceDtos {

    private WorkspaceDtos() {
    }

    @Schema(name = "CreateWorkspaceRequest")
    public record CreateWorkspaceRequest(@NotBlank @Size(max = 200) @PlainText String name) {
    }

    @Schema(name = "UpdateWorkspaceRequest", description = "Fields left out stay as they are; "
            + "`max_key_lifetime_days: null` removes the bound")
    @RegisterForReflection // read through JsonBodies, not as a REST parameter: the native image needs it registered
    public record UpdateWorkspaceRequest(@Size(min = 1, max = 200) @PlainText String name,
            @Min(1) @Max(36_500) @Schema(nullable = true, description = "Keys created or given a new expiry from now "
                    + "on must expire within this many days of their creation (422 `lifetime_exceeded`); existing "
                    + "keys are not changed") Integer maxKeyLifetimeDays,
            @Pattern(regexp = "revoke|pause", message = "must be revoke or pause")
            @Schema(enumeration = { "revoke", "pause" }, description = "What a leak report does to a key that still "
                    + "works") String leakAction) {
    }

    @Schema(name = "Workspace")
    public record WorkspaceResponse(UUID id, @Schema(maxLength = 200) String name,
            @Schema(enumeration = { "active", "deleted" }) String status,
            @Schema(nullable = true, minimum = "1", maximum = "36500") Integer maxKeyLifetimeDays,
            @Schema(enumeration = { "revoke", "pause" }) String leakAction,
            Instant createdAt, Instant updatedAt) {

        static WorkspaceResponse from(Workspace w) {
            return new WorkspaceResponse(w.id, w.name, w.status, w.maxKeyLifetimeDays, w.leakAction, w.createdAt,
                    w.updatedAt);
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
            @Schema(enumeration = { "active", "deleted" }) String status,
            @Schema(nullable = true, minimum = "1", maximum = "36500") Integer maxKeyLifetimeDays,
            @Schema(enumeration = { "revoke", "pause" }) String leakAction, Instant createdAt, Instant updatedAt,
            Bootstrap bootstrap) {
    }
}
