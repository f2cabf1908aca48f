package io.keyplane.auth;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.apikey.KeyKind;
import io.keyplane.common.KeyplaneException;
import io.keyplane.scope.Permissions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Authorization of management calls (API.md section 1): the 400/403 rules, in the order a client can fix them.
 * Refusals are audited by {@code DeniedCalls} from the response, wherever in the call they were raised.
 */
@Singleton
public class Access {

    private final CallContext context;
    private final Pool pool;

    @Inject
    Access(CallContext context, Pool pool) {
        this.context = context;
        this.pool = pool;
    }

    /** A ServiceKey of {@code workspaceId} holding {@code permission}, or the operator. */
    public Uni<Caller> require(UUID workspaceId, String permission) {
        return Uni.createFrom().item(() -> check(workspaceId, permission))
                .call(caller -> caller.isOperator() ? requireWorkspace(workspaceId, !permission.endsWith(":read"))
                        : Uni.createFrom().voidItem());
    }

    /** Any ServiceKey of the workspace, or the operator. */
    public Uni<Caller> member(UUID workspaceId) {
        return Uni.createFrom().item(() -> check(workspaceId, null))
                .call(caller -> caller.isOperator() ? requireWorkspace(workspaceId, false) : Uni.createFrom().voidItem());
    }

    /**
     * A key's own workspace is known to be active (authentication checked it); the operator may name any id, so
     * it must exist, and be active for writes (a deleted workspace's records stay readable).
     */
    private Uni<Void> requireWorkspace(UUID workspaceId, boolean write) {
        return pool.preparedQuery("select status from workspace where id = $1").execute(Tuple.of(workspaceId))
                .invoke(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext() || (write && !"active".equals(it.next().getString("status")))) {
                        throw KeyplaneException.notFound("Workspace");
                    }
                }).replaceWithVoid();
    }

    public Uni<Caller> operator() {
        return Uni.createFrom().item(() -> {
            var caller = context.caller();
            if (!caller.isOperator()) {
                requireServiceKey(caller);
                throw new KeyplaneException(403, "insufficient_scope", "Only the operator token can do this");
            }
            return caller;
        });
    }

    /** Any ServiceKey (of any workspace) or the operator: for calls that are not about one workspace. */
    public Uni<Caller> anyServiceKey() {
        return Uni.createFrom().item(() -> {
            requireServiceKey(context.caller());
            return context.caller();
        });
    }

    /**
     * No escalation through delegation: granting management permissions (to an account or a ServiceKey), or
     * changing an account or ServiceKey that holds them, needs the caller to hold them too. Data-plane scopes are
     * the workspace's business and may be granted freely.
     */
    public void requireGrantable(Caller caller, java.util.Collection<String> grants) {
        if (caller.isOperator()) {
            return;
        }
        var management = grants.stream()
                .filter(g -> Permissions.BUILT_IN.stream().anyMatch(b -> Permissions.covers(g, b)))
                .toList();
        var missing = Permissions.missing(caller.key().effectiveScopes(), management);
        if (!missing.isEmpty()) {
            throw KeyplaneException.insufficientScope(missing);
        }
    }

    /** A ServiceKey with {@code keys:verify}, or the operator: who may call POST /api/v1/keys/verify. */
    public Uni<Caller> verifier() {
        return Uni.createFrom().item(() -> {
            var caller = context.caller();
            if (!caller.isOperator()) {
                requireServiceKey(caller);
                if (!Permissions.anyCovers(caller.key().effectiveScopes(), Permissions.KEYS_VERIFY)) {
                    throw KeyplaneException.insufficientScope(List.of(Permissions.KEYS_VERIFY));
                }
            }
            return caller;
        });
    }

    private Caller check(UUID workspaceId, String permission) {
        checkWorkspaceHeader(workspaceId);
        var caller = context.caller();
        if (caller.isOperator()) {
            return caller;
        }
        requireServiceKey(caller);
        if (!caller.workspaceId().equals(workspaceId)) {
            throw KeyplaneException.forbidden("workspace_mismatch", "The credential belongs to another workspace");
        }
        if (permission != null && !Permissions.anyCovers(caller.key().effectiveScopes(), permission)) {
            throw KeyplaneException.insufficientScope(List.of(permission));
        }
        return caller;
    }

    private void checkWorkspaceHeader(UUID workspaceId) {
        var header = context.workspaceHeader();
        if (header != null && !header.trim().equalsIgnoreCase(workspaceId.toString())) {
            throw new KeyplaneException(400, "workspace_header_mismatch",
                    "X-Workspace-ID must equal the workspace id in the path");
        }
    }

    private static void requireServiceKey(Caller caller) {
        if (!caller.isOperator() && caller.key().kind() != KeyKind.SERVICE) {
            throw KeyplaneException.forbidden("service_key_required",
                    "The management API accepts only ServiceKeys (kp_svc_...)");
        }
    }
}
