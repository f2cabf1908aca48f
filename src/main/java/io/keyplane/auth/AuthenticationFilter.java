package io.keyplane.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.keyplane.common.RequestIds;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Every /api/v1 call is authenticated before its resource method runs. */
public class AuthenticationFilter {

    private final Authenticator authenticator;
    private final CallContext context;

    @Inject
    AuthenticationFilter(Authenticator authenticator, CallContext context) {
        this.authenticator = authenticator;
        this.context = context;
    }

    @ServerRequestFilter
    public Uni<Void> authenticate(HttpServerRequest request) {
        if (!request.path().startsWith("/api/")) {
            return Uni.createFrom().voidItem();
        }
        return authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION))
                .invoke(caller -> context.fill(caller, RequestIds.of(request), sourceIp(request),
                        request.getHeader(HttpHeaders.USER_AGENT), request.method().name(), request.path(),
                        request.getHeader("X-Workspace-ID")))
                .replaceWithVoid();
    }

    private static String sourceIp(HttpServerRequest request) {
        var address = request.remoteAddress();
        return address == null ? null : address.hostAddress();
    }
}
