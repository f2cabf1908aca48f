package io.keyplane.verify;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.apikey.Cidr;
import io.keyplane.auth.Caller;
import io.keyplane.auth.KeyFacts;
import io.keyplane.auth.KeyFactsCache;
import io.keyplane.auth.KeyFormat;
import io.keyplane.auth.KeyHasher;
import io.keyplane.common.FieldError;
import io.keyplane.common.KeyplaneException;
import io.keyplane.scope.Permissions;
import io.keyplane.verify.VerifyDtos.RateLimitStatus;
import io.keyplane.verify.VerifyDtos.VerifyFailure;
import io.keyplane.verify.VerifyDtos.VerifyRequest;
import io.keyplane.verify.VerifyDtos.VerifyResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The hot path (API.md section 5). A cache hit needs no database round trip and no write: usage is queued.
 * Checks run cheapest first; the rate limit is counted only for uses that would otherwise be valid.
 */
@Singleton
public class VerifyService {

    private final KeyFormat format;
    private final KeyHasher hasher;
    private final KeyFactsCache keys;
    private final RateLimiter rateLimiter;
    private final UsageRecorder usage;
    private final MeterRegistry registry;
    private final Clock clock;

    /** The outcome, and the key it concerned (null when no key was found). */
    public record Outcome(Object body, String code, KeyFacts key) {
    }

    @Inject
    VerifyService(KeyFormat format, KeyHasher hasher, KeyFactsCache keys, RateLimiter rateLimiter, UsageRecorder usage,
            MeterRegistry registry, Clock clock) {
        this.format = format;
        this.hasher = hasher;
        this.keys = keys;
        this.rateLimiter = rateLimiter;
        this.usage = usage;
        this.registry = registry;
        this.clock = clock;
    }

    public Uni<Outcome> verify(VerifyRequest request, Caller verifier, String requestId) {
        var required = request.scopes() == null ? List.<String>of() : request.scopes();
        validateRequiredScopes(required);
        // malformed, oversized or mistyped keys end here: no hashing, no cache entry, no database access
        if (format.parse(request.key()).isEmpty()) {
            return Uni.createFrom().item(count(new Outcome(new VerifyFailure(false, "NOT_FOUND", null), "NOT_FOUND", null)));
        }
        return keys.find(hasher.hash(request.key())).map(key -> {
            var now = clock.instant();
            var outcome = decide(key, verifier, required, request.sourceIp(), now);
            if (outcome.key() != null) {
                usage.record(new UsageRecorder.Use(key.keyId(), key.workspaceId(), now,
                        "VALID".equals(outcome.code()) ? "success" : "denied", outcome.code(), request.method(),
                        request.path(), request.sourceIp(), request.userAgent(), requestId));
            }
            return count(outcome);
        });
    }

    private Outcome decide(KeyFacts key, Caller verifier, List<String> required, String sourceIp, Instant now) {
        if (key == null || (!verifier.isOperator() && !key.workspaceId().equals(verifier.workspaceId()))) {
            return failure("NOT_FOUND", null, null); // another workspace's key does not exist for this verifier
        }
        var denial = key.denial(now);
        if (denial.isPresent()) {
            return failure(denial.get().verifyCode, key, null);
        }
        if (!key.allowedCidrs().isEmpty() && !allowed(key.allowedCidrs(), sourceIp)) {
            return failure("IP_NOT_ALLOWED", key, null);
        }
        var effective = key.effectiveScopes();
        if (!Permissions.missing(effective, required).isEmpty()) {
            return details("INSUFFICIENT_SCOPE", key, effective, null);
        }
        var decision = rateLimiter.consume(key.keyId(), key.rateLimit(), key.rateWindowSeconds(), now);
        var status = decision == null ? null
                : new RateLimitStatus(decision.limit(), decision.remaining(), decision.resetAt());
        if (decision != null && !decision.allowed()) {
            return failure("RATE_LIMITED", key, status);
        }
        return details("VALID", key, effective, status);
    }

    private static boolean allowed(List<Cidr> cidrs, String sourceIp) {
        if (sourceIp == null) {
            return false; // a restricted key needs the caller's address: fail closed
        }
        return cidrs.stream().anyMatch(c -> c.contains(sourceIp));
    }

    private static Outcome failure(String code, KeyFacts key, RateLimitStatus rateLimit) {
        return new Outcome(new VerifyFailure(false, code, rateLimit), code, key);
    }

    private static Outcome details(String code, KeyFacts key, List<String> effective, RateLimitStatus rateLimit) {
        return new Outcome(new VerifyResponse("VALID".equals(code), code, key.keyId(), key.workspaceId(),
                key.serviceAccountId(), key.kind(), effective, key.expiresAt(), key.metaJson(), rateLimit), code, key);
    }

    private static void validateRequiredScopes(List<String> required) {
        for (int i = 0; i < required.size(); i++) {
            if (!Permissions.isGrant(required.get(i))) {
                throw KeyplaneException.validation(List.of(new FieldError("scopes[" + i + "]",
                        "must be resource:action or resource:*")));
            }
        }
    }

    private Outcome count(Outcome outcome) {
        registry.counter("keyplane.verify.requests", "code", outcome.code()).increment();
        return outcome;
    }
}
