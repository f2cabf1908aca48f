package io.keyplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.smallrye.mutiny.Uni;

/** Turns an Authorization header into a {@link Caller}, or a 401 with the contract's code. */
@Singleton
public class Authenticator {

    private final byte[] operatorToken;
    private final KeyFormat format;
    private final KeyHasher hasher;
    private final KeyFactsCache facts;
    private final Clock clock;

    @Inject
    Authenticator(KeyplaneConfig config, KeyFormat format, KeyHasher hasher, KeyFactsCache facts, Clock clock) {
        this.operatorToken = config.operatorToken().map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.format = format;
        this.hasher = hasher;
        this.facts = facts;
        this.clock = clock;
    }

    public Uni<Caller> authenticate(String authorization) {
        var token = bearerToken(authorization);
        if (token == null) {
            return Uni.createFrom().failure(KeyplaneException.unauthenticated("missing_credentials",
                    "Send Authorization: Bearer <token>"));
        }
        if (isOperatorToken(token)) {
            return Uni.createFrom().item(Caller.operator());
        }
        if (format.parse(token).isEmpty()) {
            return Uni.createFrom().failure(invalidToken());
        }
        return facts.find(hasher.hash(token)).map(this::callerOf);
    }

    private Caller callerOf(KeyFacts key) {
        if (key == null) {
            throw invalidToken();
        }
        var denial = key.denial(clock.instant());
        if (denial.isPresent()) {
            throw new KeyRejected(key, denial.get().authCode, detailOf(denial.get().authCode));
        }
        return Caller.of(key);
    }

    /** A 401 for a key that exists (revoked, expired, paused, account disabled): the use is still recorded. */
    public static final class KeyRejected extends KeyplaneException {
        private final transient KeyFacts key;

        KeyRejected(KeyFacts key, String code, String detail) {
            super(401, code, detail, null, null, null);
            this.key = key;
        }

        public KeyFacts key() {
            return key;
        }
    }

    private boolean isOperatorToken(String token) {
        // constant-time: equals() would leak how much of the token matched
        return operatorToken != null && MessageDigest.isEqual(operatorToken, token.getBytes(StandardCharsets.UTF_8));
    }

    static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        var token = authorization.substring(7).trim();
        return token.isEmpty() || token.contains(" ") ? null : token;
    }

    private static KeyplaneException invalidToken() {
        return KeyplaneException.unauthenticated("invalid_token", "The bearer token is not a valid Keyplane credential");
    }

    private static String detailOf(String code) {
        return switch (code) {
            case "key_revoked" -> "The key has been revoked";
            case "key_expired" -> "The key has expired";
            case "key_paused" -> "The key is paused";
            default -> "The key's service account is disabled";
        };
    }
}
