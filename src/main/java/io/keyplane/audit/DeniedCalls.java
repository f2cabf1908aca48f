package io.keyplane.audit;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.keyplane.common.Problem;
import io.keyplane.credential.RequestCredentials;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * A refused call of an identifiable key (a 403, or a 401 for a revoked, expired or paused key or a disabled
 * account) is one {@code access.denied} event in the key's own workspace, never in the one the path names,
 * which may be another tenant's. It runs from the response, so it covers refusals raised anywhere in the call,
 * in a transaction of its own, which commits although the request failed.
 */
public class DeniedCalls {

    static final String ACTION = "access.denied";

    private final AuditLog audit;

    @Inject
    DeniedCalls(AuditLog audit) {
        this.audit = audit;
    }

    @ServerResponseFilter
    public Uni<Void> auditRefusal(ContainerResponseContext response, RoutingContext rc) {
        int status = response.getStatus();
        var key = RequestCredentials.keyUsed(rc);
        if ((status != 401 && status != 403) || key == null) {
            return Uni.createFrom().voidItem();
        }
        var code = response.getEntity() instanceof Problem problem ? problem.code() : String.valueOf(status);
        var changes = Changes.none().created("code", code).created("method", rc.request().method().name());
        return Panache.withTransaction(() -> audit.append(key.workspaceId(), ACTION, "request", rc.request().path(),
                "denied", changes))
                .onFailure().invoke(e -> Log.errorf(e, "Could not audit the denied call (code %s, key %s)", code,
                        key.keyId()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
