package io.keyplane.auth;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.key.KeyCheck;
import io.keyplane.ratelimit.RateLimitHeaders;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's {@code Authorization: Bearer} token checked, for Quarkus Security ({@link KeyIdentityProvider}) and
 * for routes served below it (verify's): a key's use counts against its rate limit (described in the response's
 * {@code RateLimit-*} headers), a refusal counts as a failure of its key and client address, and the caller accepted
 * or the key refused is noted on the request ({@link RequestCredentials}).
 * <p>
 * An address over the failure limit loses only its failing attempts (API.md 10.1), so one client (a forgotten cron
 * job with a revoked key, or anyone behind the same ingress) cannot lock out the others. In order: the operator
 * token is answered; a malformed token is 429 without a hash; a key cached as usable is answered; one cached as
 * unknown or dead is 429; any other is looked up only within {@code KEYPLANE_AUTH_THROTTLED_LOOKUPS} a second,
 * else 429. What still fails from there is 429, without an audit row.
 */
@Singleton
public class BearerAuthentication {

    private final CallerCheck callers;
    private final AuthFailures failures;
    private final ClientAddresses addresses;

    @Inject
    BearerAuthentication(CallerCheck callers, AuthFailures failures, ClientAddresses addresses) {
        this.callers = callers;
        this.failures = failures;
        this.addresses = addresses;
    }

    /**
     * The caller behind {@code token}. Fails with the problem to answer: 401 with the contract's code, 403
     * {@code ip_not_allowed}, 429, or 503 when the key could not be checked (not a failed attempt).
     */
    public Uni<Caller> authenticate(String token, RoutingContext rc) {
        var clientAddress = addresses.of(rc);
        long addressWait = failures.retryAfter(clientAddress);
        KeyCheck.LookupGate lookups = addressWait == 0 ? null
                : () -> failures.waitBeforeLookup(clientAddress, addressWait);
        return callers.authenticate(token, clientAddress, rate -> RateLimitHeaders.describe(rc, rate), lookups)
                .invoke(caller -> RequestCredentials.accepted(rc, caller))
                .onFailure(KeyCheck.LookupDeferred.class)
                .transform(deferred -> failures.throttled(((KeyCheck.LookupDeferred) deferred).retryAfterSeconds()))
                .onFailure(CredentialRefused.class).transform(failure -> {
                    var refused = (CredentialRefused) failure;
                    if (refused.problem().status() == 429) {
                        return refused.problem(); // a key over its own rate limit
                    }
                    var counted = failures.counted(refused, clientAddress);
                    if (addressWait > 0) {
                        return failures.throttled(addressWait); // a failing attempt from a throttled address
                    }
                    if (counted.key() != null) {
                        RequestCredentials.refused(rc, counted.key());
                    }
                    return counted.problem();
                });
    }
}
