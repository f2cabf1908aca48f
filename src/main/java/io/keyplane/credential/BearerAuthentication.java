package io.keyplane.credential;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's {@code Authorization: Bearer} token checked, for Quarkus Security ({@link KeyIdentityProvider}) and
 * for routes served below it (verify's): a client address that failed too often is throttled, a key's use counts
 * against its rate limit (described in the response's {@code RateLimit-*} headers), a refusal counts as a failure,
 * and the caller accepted or the key refused is noted on the request ({@link RequestCredentials}).
 */
@Singleton
public class BearerAuthentication {

    private final KeyCheck keyCheck;
    private final AuthFailures failures;

    @Inject
    BearerAuthentication(KeyCheck keyCheck, AuthFailures failures) {
        this.keyCheck = keyCheck;
        this.failures = failures;
    }

    /**
     * The caller behind {@code token}. Fails with the problem to answer: 401 with the contract's code, 403
     * {@code ip_not_allowed}, 429, or 503 when the key could not be checked (not a failed attempt).
     */
    public Uni<Caller> authenticate(String token, RoutingContext rc) {
        var clientAddress = RequestCredentials.clientAddress(rc.request());
        long addressWait = failures.retryAfter(clientAddress);
        if (addressWait > 0) {
            return Uni.createFrom().failure(KeyplaneException.rateLimited(addressWait));
        }
        return keyCheck.authenticate(token, clientAddress, rate -> RateLimitHeaders.describe(rc, rate))
                .invoke(caller -> RequestCredentials.accepted(rc, caller))
                .onFailure(CredentialRefused.class).transform(failure -> {
                    var counted = failures.counted((CredentialRefused) failure, clientAddress);
                    if (counted.key() != null) {
                        RequestCredentials.refused(rc, counted.key());
                    }
                    return counted.problem();
                });
    }
}
