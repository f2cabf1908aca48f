package io.keyplane.auth;

import java.security.Permission;
import java.util.Objects;
import java.util.UUID;

import io.keyplane.key.Permissions;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A requirement bound to the workspace in the path: {@code @PermissionsAllowed(value = KEYS_READ, permission =
 * WorkspacePermission.class)} on a method with a {@code workspaceId} parameter. Quarkus Security builds it from
 * the annotation's value, which it splits at the colon ({@code keys:read} is name {@code keys}, action
 * {@code read}), and that parameter; {@link AccessRules} decides it.
 */
@RegisterForReflection
public final class WorkspacePermission extends Permission {

    private final String requirement;
    private final UUID workspaceId;

    // named apart from "name": Quarkus matches the parameters after the actions to the endpoint's by name
    public WorkspacePermission(String permission, String[] actions, UUID workspaceId) {
        super(permission);
        this.requirement = Permissions.requirement(permission, actions);
        this.workspaceId = workspaceId;
    }

    /** The scope or pseudo-permission required, whole again: {@code keys:read}, {@code member}. */
    public String requirement() {
        return requirement;
    }

    public UUID workspaceId() {
        return workspaceId;
    }

    @Override
    public boolean implies(Permission permission) {
        return equals(permission);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkspacePermission p && p.requirement.equals(requirement)
                && Objects.equals(p.workspaceId, workspaceId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requirement, workspaceId);
    }

    @Override
    public String getActions() {
        return "";
    }
}
