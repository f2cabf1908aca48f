package io.keyplane.auth;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.apikey.KeyKind;
import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.common.KeyplaneException;
import io.keyplane.scope.Permissions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Authorization of management calls (API.md section 1): the 400/403 rules, in the order a client can fix them.
 * A key's 403 is a denied management call, audited in the key's own workspace (API.md section 6).
 */
@Singleton
public class Access {

    static final String DENIED_ACTION = "access.denied";

    private final CallContext context;
    private final Pool pool;
    private final AuditLog audit;

    @Inject
    Access(CallContext context, Pool pool, AuditLog audit) {
        this.context = context;
        this.pool = pool;
        this.audit = audit;
    }

    /** A ServiceKey of {@code workspaceId} holding {@code permission}, or the operator. */
    public Uni<Caller> require(UUID workspaceId, String permission) {
        return audited(() -> check(workspaceId, permission))
                .call(caller -> caller.isOperator() ? requireWorkspace(workspaceId, !permission.endsWith(":read"))
                        : Uni.createFrom().voidItem());
    }

    /** Any ServiceKey of the workspace, or the operator. */
    public Uni<Caller> member(UUID workspaceId) {
        return audited(() -> check(workspaceId, null))
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
        return audited(() -> {
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
        return audited(() -> {
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
                .filter(g -> Permissions.isBuiltIn(g) || Permissions.BUILT_IN.stream().anyMatch(b -> Permissions.covers(g, b)))
                .toList();
        var missing = Permissions.missing(caller.key().effectiveScopes(), management);
        if (!missing.isEmpty()) {
            throw KeyplaneException.insufficientScope(missing);
        }
    }

    /**
     * Runs a check; when it refuses a key with 403, the denial is appended to the key's own workspace (never to the
     * one the path names, which may be another tenant's) in a transaction of its own, so it commits although the
     * request fails. Operator calls and 400s are not audited.
     */
    private Uni<Caller> audited(Supplier<Caller> check) {
        return Uni.createFrom().item(check).onFailure(KeyplaneException.class).recoverWithUni(this::recordDenial);
    }

    /** A ServiceKey with {@code keys:verify}, or the operator: who may call POST /api/v1/keys/verify. */
    public Uni<Caller> verifier() {
        return audited(() -> {
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

    /** Also used for a 401 of an identifiable key (revoked, paused...): the context then names that key. */
    Uni<Caller> recordDenial(Throwable failure) {
        var refusal = (KeyplaneException) failure;
        var caller = context.caller();
        if ((refusal.status() != 403 && refusal.status() != 401) || caller == null || caller.isOperator()) {
            return Uni.createFrom().failure(refusal);
        }
        var changes = Changes.none().created("code", refusal.code()).created("method", context.method());
        return Panache.withTransaction(() -> audit.append(caller.workspaceId(), DENIED_ACTION, "request",
                context.path(), "denied", changes))
                .onFailure().invoke(e -> Log.errorf(e, "Could not audit the denied call (code %s, key %s)",
                        refusal.code(), caller.keyId()))
                .onItemOrFailure().transformToUni((event, e) -> Uni.createFrom().failure(refusal));
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
