package io.keyplane.auth;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;

/**
 * Turns a bearer token into a {@link SecurityIdentity} through {@link BearerAuthentication}: the principal is the
 * acting service account (or "operator"), the {@link Caller} rides along as an attribute, and {@link AccessRules}
 * decides every permission an endpoint declares. A refusal is an {@link AuthenticationFailedException} that
 * carries the problem to answer.
 */
@Singleton
public class KeyIdentityProvider implements IdentityProvider<KeyCredentialRequest> {

    private static final String WORKSPACE_HEADER = "X-Workspace-ID";

    private final BearerAuthentication bearer;
    private final AccessRules access;

    @Inject
    KeyIdentityProvider(BearerAuthentication bearer, AccessRules access) {
        this.bearer = bearer;
        this.access = access;
    }

    @Override
    public Class<KeyCredentialRequest> getRequestType() {
        return KeyCredentialRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(KeyCredentialRequest request, AuthenticationRequestContext context) {
        var rc = HttpSecurityUtils.getRoutingContextAttribute(request); // always set: BearerKeyMechanism is the only way in
        var workspaceHeader = rc.request().getHeader(WORKSPACE_HEADER);
        return bearer.authenticate(request.token(), rc)
                .<SecurityIdentity>map(caller -> QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(caller.actorId()))
                        .addAttribute(Caller.IDENTITY_ATTRIBUTE, caller)
                        .addPermissionChecker(required -> access.check(caller, required, workspaceHeader))
                        .build())
                .onFailure(KeyplaneException.class).transform(failure -> new AuthenticationFailedException(
                        Map.of(KeyplaneException.SECURITY_ATTRIBUTE, failure)));
    }
}
