package io.keyplane.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The bearer token of a request, for {@link KeyIdentityProvider}: the operator token or a Keyplane key. */
final class KeyCredentialRequest extends BaseAuthenticationRequest {

    private final String token;

    KeyCredentialRequest(String token) {
        this.token = token;
    }

    String token() {
        return token;
    }
}
