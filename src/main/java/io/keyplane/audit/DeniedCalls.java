package io.keyplane.audit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.auth.CallContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * A refused call of an identifiable key (a 403, or a 401 for a revoked, expired or paused key or a disabled
 * account) is one {@code access.denied} event in the key's own workspace, never in the one the path names,
 * which may be another tenant's. It runs from the response, so it covers refusals raised anywhere in the call,
 * in a transaction of its own, which commits although the request failed.
 */
@Singleton
public class DeniedCalls {

    static final String ACTION = "access.denied";

    private final AuditLog audit;
    private final CallContext context;

    @Inject
    DeniedCalls(AuditLog audit, CallContext context) {
        this.audit = audit;
        this.context = context;
    }

    public Uni<Void> record(String code) {
        var caller = context.caller();
        if (caller == null || caller.isOperator()) {
            return Uni.createFrom().voidItem();
        }
        var changes = Changes.none().created("code", code).created("method", context.method());
        return Panache.withTransaction(() -> audit.append(caller.workspaceId(), ACTION, "request", context.path(),
                "denied", changes))
                .onFailure().invoke(e -> Log.errorf(e, "Could not audit the denied call (code %s, key %s)", code,
                        caller.keyId()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
