package io.keyplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.key.KeyCheck.LookupGate;
import io.keyplane.key.KeyCheck.Requirements;
import io.keyplane.key.KeyCheck;
import io.keyplane.ratelimit.RateLimiter;
import io.smallrye.mutiny.Uni;

/**
 * The caller behind a token: the operator, or a key {@link KeyCheck} finds usable from the client's address, whose
 * use counts against its rate limit. A refusal fails with {@link CredentialRefused}: the problem to answer
 * ({@link Refusals}) and the key when one was named, so its refusal can be audited in its own workspace.
 */
@Singleton
public class CallerCheck {

    private final KeyCheck keys;
    private final Clock clock;
    private final byte[] operatorToken;

    @Inject
    CallerCheck(KeyCheck keys, Clock clock, KeyplaneConfig config) {
        this.keys = keys;
        this.clock = clock;
        this.operatorToken = config.operatorToken().map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /**
     * {@code rateCounted} hears how a rate-limited key's use was counted, allowed or not; {@code lookups} null: a
     * key not cached here is looked up, else only when the gate lets it (a throttled address).
     */
    Uni<Caller> authenticate(String token, String clientAddress, Consumer<RateLimiter.Decision> rateCounted,
            LookupGate lookups) {
        if (isOperatorToken(token)) {
            return Uni.createFrom().item(Caller.operator());
        }
        return keys.check(token, Requirements.authentication(clientAddress, lookups)).map(verdict -> {
            if (verdict.rate() != null) {
                rateCounted.accept(verdict.rate());
            }
            if (!verdict.valid()) {
                throw new CredentialRefused(Refusals.of(verdict, List.of(), clock.instant()), verdict.key());
            }
            return Caller.of(verdict.key());
        });
    }

    private boolean isOperatorToken(String token) {
        // constant-time: equals() would leak how much of the token matched
        return operatorToken != null && MessageDigest.isEqual(operatorToken, token.getBytes(StandardCharsets.UTF_8));
    }
}
