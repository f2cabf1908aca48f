package io.keyplane.credential;

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
 * Turns a bearer token into a {@link SecurityIdentity} through {@link KeyCheck}: the principal is the acting
 * service account (or "operator"), the {@link Caller} rides along as an attribute, and {@link AccessRules}
 * decides every permission an endpoint declares. A refusal is an {@link AuthenticationFailedException} that
 * carries the problem to answer and, when the key exists, the key.
 */
@Singleton
public class KeyIdentityProvider implements IdentityProvider<KeyCredentialRequest> {

    static final String REFUSED_KEY = "keyplane.refused-key";
    private static final String WORKSPACE_HEADER = "X-Workspace-ID";

    private final KeyCheck keyCheck;
    private final AccessRules access;
    private final AuthFailures failures;

    @Inject
    KeyIdentityProvider(KeyCheck keyCheck, AccessRules access, AuthFailures failures) {
        this.keyCheck = keyCheck;
        this.access = access;
        this.failures = failures;
    }

    @Override
    public Class<KeyCredentialRequest> getRequestType() {
        return KeyCredentialRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(KeyCredentialRequest request, AuthenticationRequestContext context) {
        var rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        var workspaceHeader = rc == null ? null : rc.request().getHeader(WORKSPACE_HEADER);
        var clientAddress = rc == null ? null : RequestCredentials.clientAddress(rc.request());
        long addressWait = failures.retryAfter(clientAddress);
        if (addressWait > 0) {
            return Uni.createFrom().failure(refusal(KeyplaneException.rateLimited(addressWait), null));
        }
        return keyCheck.authenticate(request.token(), clientAddress, rate -> RateLimitHeaders.describe(rc, rate))
                .<SecurityIdentity>map(caller -> QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(caller.actorId()))
                        .addAttribute(Caller.IDENTITY_ATTRIBUTE, caller)
                        .addPermissionChecker(required -> access.check(caller, required, workspaceHeader))
                        .build())
                .onFailure(CredentialRefused.class).transform(failure -> refused((CredentialRefused) failure, clientAddress))
                // the key could not be checked (503: the database or, failing closed, Redis): not a failed attempt
                .onFailure(KeyplaneException.class).transform(failure -> refusal((KeyplaneException) failure, null));
    }

    private Throwable refused(CredentialRefused refused, String clientAddress) {
        var counted = failures.counted(refused, clientAddress);
        return refusal(counted.problem(), counted.key());
    }

    private static AuthenticationFailedException refusal(KeyplaneException problem, KeyFacts key) {
        return key == null
                ? new AuthenticationFailedException(Map.of(KeyplaneException.SECURITY_ATTRIBUTE, problem))
                : new AuthenticationFailedException(Map.of(KeyplaneException.SECURITY_ATTRIBUTE, problem, REFUSED_KEY, key));
    }
}
