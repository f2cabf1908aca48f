package io.keyplane.serviceaccount;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.keyplane.common.PlainText;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Wire records of the service account endpoints (API.md section 3). */
public final class ServiceAccountDtos {

    private ServiceAccountDtos() {
    }

    @Schema(name = "CreateServiceAccountRequest")
    public record CreateServiceAccountRequest(
            @NotBlank @Size(max = 200) @PlainText String name,
            @Size(max = 1000) @PlainText String description,
            @Size(max = 100) @Schema(description = "Grants: scope names or `resource:*`; default none")
            List<@Size(max = 100) String> scopes) {
    }

    @Schema(name = "UpdateServiceAccountRequest", description = "Fields left out stay as they are. Narrowing `scopes` "
            + "narrows every key of the account at once; `status: disabled` makes its keys fail with "
            + "`service_account_disabled`.")
    @RegisterForReflection // read through JsonBodies, not as a REST parameter: the native image needs it registered
    public record UpdateServiceAccountRequest(
            @Size(min = 1, max = 200) @PlainText String name,
            @Size(max = 1000) @PlainText String description,
            @Size(max = 100) List<@Size(max = 100) String> scopes,
            @Pattern(regexp = "active|disabled", message = "must be active or disabled")
            @Schema(enumeration = { "active", "disabled" }) String status) {
    }

    @Schema(name = "ServiceAccount")
    public record ServiceAccountResponse(
            UUID id,
            UUID workspaceId,
            @Schema(maxLength = 200) String name,
            @Schema(maxLength = 1000, nullable = true) String description,
            @Size(max = 100) List<@Size(max = 100) String> scopes,
            @Schema(enumeration = { "active", "disabled", "deleted" }) String status,
            @Schema(description = "Acting service account id, or `operator`", maxLength = 36) String createdBy,
            Instant createdAt,
            Instant updatedAt) {

        static ServiceAccountResponse from(ServiceAccount sa) {
            return new ServiceAccountResponse(sa.id, sa.workspaceId, sa.name, sa.description, sa.scopeList(), sa.status,
                    sa.createdBy, sa.createdAt, sa.updatedAt);
        }
    }
}
