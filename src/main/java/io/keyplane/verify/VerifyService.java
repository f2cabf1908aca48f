package io.keyplane.verify;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import io.keyplane.auth.Caller;
import io.keyplane.common.FieldError;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.StatusCounts;
import io.keyplane.key.KeyCheck.Verdict;
import io.keyplane.key.KeyCheck;
import io.keyplane.key.KeyKind;
import io.keyplane.key.Permissions;
import io.keyplane.key.VerifyCode;
import io.keyplane.ratelimit.RateLimiter;
import io.keyplane.usage.Origin;
import io.keyplane.verify.VerifyDtos.CreditsStatus;
import io.keyplane.verify.VerifyDtos.RateLimitStatus;
import io.keyplane.verify.VerifyDtos.VerifyFailure;
import io.keyplane.verify.VerifyDtos.VerifyRequest;
import io.keyplane.verify.VerifyDtos.VerifyResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * The hot path (API.md section 5): the request becomes {@link KeyCheck} requirements, the verdict becomes the
 * answer. A key of another workspace than the verifier's does not exist for it (the operator sees every one).
 */
@Singleton
public class VerifyService {

    private final KeyCheck keyCheck;
    private final Validator validator;
    private final Map<VerifyCode, Counter> verifications = new EnumMap<>(VerifyCode.class);
    private final StatusCounts refusals;
    private final Timer latency;

    @Inject
    VerifyService(KeyCheck keyCheck, Validator validator, MeterRegistry registry) {
        this.keyCheck = keyCheck;
        this.validator = validator;
        this.refusals = new StatusCounts(registry, "keyplane.verify.refused",
                "Verify calls answered with an error status instead of a verdict");
        for (var code : VerifyCode.values()) {
            verifications.put(code, registry.counter("keyplane.verify.requests", "code", code.name()));
        }
        // registered once here rather than looked up per call by an interceptor: this is the hot path
        this.latency = Timer.builder("keyplane.verify.duration").description("Verification latency")
                .publishPercentileHistogram().register(registry);
    }

    public Uni<Object> verify(VerifyRequest request, Caller verifier, String requestId) {
        validate(request);
        var required = request.scopes() == null ? List.<String>of() : request.scopes();
        validateRequiredScopes(required);
        var origin = new Origin(request.method(), request.path(), request.sourceIp(), request.userAgent(), requestId);
        long start = System.nanoTime();
        var kinds = request.kinds() == null ? KeyKind.DATA_PLANE : Set.copyOf(request.kinds());
        return keyCheck.check(request.key(), KeyCheck.Requirements.verification(verifier.workspaceId(), kinds,
                required, request.sourceIp(), origin, request.cost() == null ? 1 : request.cost()))
                .map(verdict -> {
                    verifications.get(verdict.code()).increment();
                    latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return answer(verdict);
                });
    }

    /**
     * A call answered with an error status (400, 401, 403, 429, 503...) rather than a verdict: verify is left out of
     * {@code http_server_requests} (its cost per call was a tenth of a verification's), so these are counted here.
     */
    void countRefusal(int status) {
        refusals.increment(status);
    }

    /** VALID and INSUFFICIENT_SCOPE carry the key's details; every other code only says what is wrong. */
    static Object answer(Verdict verdict) {
        var rate = rateOf(verdict.rate());
        var credits = verdict.creditsRemaining() == null ? null : new CreditsStatus(verdict.creditsRemaining());
        return switch (verdict.code()) {
            case VALID, INSUFFICIENT_SCOPE -> {
                var key = verdict.key();
                yield new VerifyResponse(verdict.valid(), verdict.code().name(), key.keyId(), key.workspaceId(),
                        key.serviceAccountId(), key.kind(), key.effectiveScopes(), key.expiresAt(), key.metaJson(), rate,
                        credits);
            }
            default -> new VerifyFailure(false, verdict.code().name(), rate, credits);
        };
    }

    private static RateLimitStatus rateOf(RateLimiter.Decision decision) {
        return decision == null ? null : new RateLimitStatus(decision.limit(), decision.remaining(), decision.resetAt());
    }

    /**
     * Bean validation as every other body gets it, but the Validator's allocation per call was a tenth of a
     * verification's (bench/HISTORY.md): a body that plainly meets its constraints skips it.
     */
    private void validate(VerifyRequest request) {
        if (request == null) {
            throw KeyplaneException.validation("body", "must not be null");
        }
        if (!request.plainlyValid()) {
            var violations = validator.validate(request);
            if (!violations.isEmpty()) {
                throw new ConstraintViolationException(violations);
            }
        }
    }

    private static void validateRequiredScopes(List<String> required) {
        for (int i = 0; i < required.size(); i++) {
            if (!Permissions.isGrant(required.get(i))) {
                throw KeyplaneException.validation(List.of(new FieldError("scopes[" + i + "]",
                        "must be resource:action or resource:*")));
            }
        }
    }
}
