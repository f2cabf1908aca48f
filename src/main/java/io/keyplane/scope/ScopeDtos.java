package io.keyplane.scope;

import java.time.Instant;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.keyplane.common.PlainText;
import io.keyplane.key.Permissions;

public final class ScopeDtos {

    private ScopeDtos() {
    }

    @Schema(name = "CreateScopeRequest")
    public record CreateScopeRequest(
            @NotNull @Size(max = Permissions.MAX_NAME_LENGTH)
            @Pattern(regexp = "^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$", message = "must look like resource:action")
            @Schema(example = "database:read") String name,
            @Size(max = 500) @PlainText String description) {
    }

    @Schema(name = "Scope")
    public record ScopeResponse(
            @Schema(maxLength = Permissions.MAX_NAME_LENGTH, pattern = "^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$") String name,
            @Schema(maxLength = 500, nullable = true) String description,
            @Schema(description = "Built-in management permission: exists in every workspace, cannot be deleted")
            boolean builtIn,
            @Schema(nullable = true, maxLength = 35, format = "date-time", description = "null for a built-in scope")
            Instant createdAt) {

        static ScopeResponse from(ScopeDefinition s) {
            return new ScopeResponse(s.name, s.description, false, s.createdAt);
        }

        static ScopeResponse builtIn(String name) {
            return new ScopeResponse(name, BUILT_IN_DESCRIPTIONS.getOrDefault(name, ""), true, null);
        }
    }

    static final java.util.Map<String, String> BUILT_IN_DESCRIPTIONS = java.util.Map.ofEntries(
            java.util.Map.entry(Permissions.WORKSPACE_ADMIN, "Everything in the workspace (implies every other scope)"),
            java.util.Map.entry(Permissions.KEYS_READ, "List and read API keys and their usage"),
            java.util.Map.entry(Permissions.KEYS_WRITE, "Create, update, pause, resume, rotate, reveal and revoke API keys"),
            java.util.Map.entry(Permissions.KEYS_VERIFY, "Verify keys with POST /api/v1/keys/verify"),
            java.util.Map.entry(Permissions.SERVICE_ACCOUNTS_READ, "List and read service accounts"),
            java.util.Map.entry(Permissions.SERVICE_ACCOUNTS_WRITE, "Create, update, disable and delete service accounts"),
            java.util.Map.entry(Permissions.SCOPES_WRITE, "Create and delete scopes"),
            java.util.Map.entry(Permissions.AUDIT_READ, "Read and verify the audit log"),
            java.util.Map.entry(Permissions.FORWARD_AUTH_READ, "List and read forward-auth policies"),
            java.util.Map.entry(Permissions.FORWARD_AUTH_WRITE, "Create, update and delete forward-auth policies"),
            java.util.Map.entry(Permissions.WEBHOOKS_READ, "List and read webhooks and their delivery logs"),
            java.util.Map.entry(Permissions.WEBHOOKS_WRITE, "Create, update and delete webhooks; redeliver events"));
}
