package io.keyplane.auth;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneException;
import io.keyplane.key.KeyKind;
import io.smallrye.mutiny.Uni;

/**
 * A ServiceKey sent in a header of its own rather than in {@code Authorization} (a gateway's
 * {@code X-Keyplane-Gateway-Key}): the same {@link CallerCheck} as a bearer token, bound by the key's CIDRs at the
 * given address. A key that keeps failing is throttled ({@link AuthFailures}), but not the address: gateways of
 * many workspaces may share one (an ingress controller), and one tenant's broken key must not stop the others.
 * The operator token is not a ServiceKey.
 */
@Singleton
public class ServiceKeyCheck {

    private final CallerCheck callers;
    private final AuthFailures failures;

    @Inject
    ServiceKeyCheck(CallerCheck callers, AuthFailures failures) {
        this.callers = callers;
        this.failures = failures;
    }

    /**
     * The caller behind {@code token}, used from {@code address}. Fails with the problem a bearer token would get
     * (401 with the contract's code, 403 {@code ip_not_allowed}, 429, 503), or 403 {@code service_key_required}.
     */
    public Uni<Caller> authenticate(String token, String address) {
        return callers.authenticate(token, address, rate -> {
        }, null).map(caller -> {
            if (caller.isOperator() || caller.key().kind() != KeyKind.SERVICE) {
                throw KeyplaneException.forbidden("service_key_required", "Only a ServiceKey (kp_svc_...) may be used here");
            }
            return caller;
        }).onFailure(CredentialRefused.class)
                .transform(failure -> failures.counted((CredentialRefused) failure, null).problem());
    }
}
