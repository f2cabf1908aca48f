package io.keyplane.auth;

import java.security.Permission;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneException;
import io.keyplane.key.KeyFactsRepository;
import io.keyplane.key.KeyKind;
import io.keyplane.key.Permissions;
import io.smallrye.mutiny.Uni;

/**
 * Decides what an endpoint declares with {@code @PermissionsAllowed} (API.md section 1), for the permission
 * checker of every identity {@link KeyIdentityProvider} makes. A refusal fails with the contract's problem,
 * checked in the order a client can fix it: 400 {@code workspace_header_mismatch}, 403 {@code
 * service_key_required}, 403 {@code workspace_mismatch}, 403 {@code insufficient_scope}; for the operator, 404
 * when the workspace does not exist (or is deleted, for a change).
 */
@Singleton
public class AccessRules {

    private static final Uni<Boolean> GRANTED = Uni.createFrom().item(Boolean.TRUE);

    private final KeyFactsRepository repository;

    @Inject
    AccessRules(KeyFactsRepository repository) {
        this.repository = repository;
    }

    /** {@code workspaceHeader}: the request's X-Workspace-ID, or null. */
    Uni<Boolean> check(Caller caller, Permission required, String workspaceHeader) {
        try {
            if (required instanceof WorkspacePermission inWorkspace) {
                return checkInWorkspace(caller, inWorkspace.requirement(), inWorkspace.workspaceId(), workspaceHeader);
            }
            var actions = required.getActions();
            requireGlobal(caller, Permissions.requirement(required.getName(),
                    actions == null || actions.isEmpty() ? null : actions.split(",")));
            return GRANTED;
        } catch (KeyplaneException refused) {
            return Uni.createFrom().failure(refused);
        }
    }

    /**
     * A permission not tied to a workspace ({@code resource:action}, as {@code keys:verify}); throws the refusal,
     * exactly as {@code @PermissionsAllowed} decides it. Public for verify's route, which runs below Quarkus Security.
     */
    public void requireGlobal(Caller caller, String required) {
        if (caller.isOperator()) {
            return;
        }
        requireServiceKey(caller);
        switch (required) {
            case Permissions.ANY_SERVICE_KEY -> {
            }
            case Permissions.OPERATOR -> throw new KeyplaneException(403, "insufficient_scope",
                    "Only the operator token can do this");
            default -> requireScope(caller, required);
        }
    }

    private Uni<Boolean> checkInWorkspace(Caller caller, String required, UUID workspaceId, String workspaceHeader) {
        if (workspaceHeader != null && !workspaceHeader.trim().equalsIgnoreCase(workspaceId.toString())) {
            throw new KeyplaneException(400, "workspace_header_mismatch",
                    "X-Workspace-ID must equal the workspace id in the path");
        }
        if (caller.isOperator()) {
            return requireWorkspace(workspaceId, Permissions.READ_ONLY.contains(required));
        }
        requireServiceKey(caller);
        if (!caller.workspaceId().equals(workspaceId)) {
            throw KeyplaneException.forbidden("workspace_mismatch", "The credential belongs to another workspace");
        }
        if (!Permissions.MEMBER.equals(required)) {
            requireScope(caller, required);
        }
        return GRANTED; // a key's own workspace is active: authentication checked it
    }

    /** The operator may name any id, so it must exist, and be active for a change. */
    private Uni<Boolean> requireWorkspace(UUID workspaceId, boolean readOnly) {
        return repository.workspaceStatus(workspaceId).map(status -> {
            if (status == null || (!readOnly && !"active".equals(status))) {
                throw KeyplaneException.notFound("Workspace");
            }
            return Boolean.TRUE;
        });
    }

    private static void requireScope(Caller caller, String scope) {
        if (!Permissions.anyCovers(caller.key().effectiveScopes(), scope)) {
            throw KeyplaneException.insufficientScope(List.of(scope));
        }
    }

    private static void requireServiceKey(Caller caller) {
        if (caller.key().kind() != KeyKind.SERVICE) {
            throw KeyplaneException.forbidden("service_key_required",
                    "The management API accepts only ServiceKeys (kp_svc_...)");
        }
    }
}
