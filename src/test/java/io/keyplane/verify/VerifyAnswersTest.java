package io.keyplane.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.keyplane.key.KeyCheck.Verdict;
import io.keyplane.key.KeyFacts;
import io.keyplane.key.KeyKind;
import io.keyplane.key.VerifyCode;
import io.keyplane.ratelimit.RateLimiter;
import io.keyplane.verify.VerifyDtos.VerifyFailure;
import io.keyplane.verify.VerifyDtos.VerifyResponse;

/**
 * What verify answers for each verdict (API.md section 5): the key's details for VALID and INSUFFICIENT_SCOPE only;
 * every other code says what is wrong and no more, RATE_LIMITED with the limit and USAGE_EXCEEDED with the credits.
 */
class VerifyAnswersTest {

    static final KeyFacts KEY = new KeyFacts(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), KeyKind.API,
            "kp_live_abcd", "active", List.of("database:read"), "active", "active", null, 10, 60, List.of(),
            "{\"plan\":\"pro\"}", true);
    static final RateLimiter.Decision RATE = new RateLimiter.Decision(false, 10, 0, Instant.parse("2026-12-07T12:01:00Z"));

    @Test
    void onlyValidAndInsufficientScopeCarryTheKeysDetails() {
        for (var code : List.of(VerifyCode.VALID, VerifyCode.INSUFFICIENT_SCOPE)) {
            var answer = assertInstanceOf(VerifyResponse.class, VerifyService.answer(new Verdict(code, KEY, null, null, 7L)),
                    code.name());
            assertEquals(List.of(code == VerifyCode.VALID, code.name(), KEY.keyId(), KEY.workspaceId(), KEY.kind()),
                    List.of(answer.valid(), answer.code(), answer.keyId(), answer.workspaceId(), answer.kind()), code.name());
            assertEquals(7L, answer.credits().remaining(), code.name());
        }
        for (var code : List.of(VerifyCode.NOT_FOUND, VerifyCode.KIND_NOT_ALLOWED, VerifyCode.REVOKED, VerifyCode.EXPIRED,
                VerifyCode.PAUSED, VerifyCode.DISABLED, VerifyCode.IP_NOT_ALLOWED)) {
            var answer = assertInstanceOf(VerifyFailure.class, VerifyService.answer(new Verdict(code, KEY, null, null, null)),
                    code.name());
            assertEquals(List.of(false, code.name()), List.of(answer.valid(), answer.code()), code.name());
            assertNull(answer.rateLimit(), code.name() + " says nothing of the limit");
            assertNull(answer.credits(), code.name() + " says nothing of the credits");
        }
    }

    @Test
    void aRefusalForTheLimitOrTheCreditsSaysWhatIsLeft() {
        var limited = assertInstanceOf(VerifyFailure.class, VerifyService.answer(new Verdict(VerifyCode.RATE_LIMITED, KEY,
                null, RATE, null)));
        assertEquals(List.of(10, 0, RATE.resetAt()), List.of(limited.rateLimit().limit(), limited.rateLimit().remaining(),
                limited.rateLimit().resetAt()));
        var exceeded = assertInstanceOf(VerifyFailure.class, VerifyService.answer(new Verdict(VerifyCode.USAGE_EXCEEDED, KEY,
                null, null, 0L)));
        assertEquals(0L, exceeded.credits().remaining());
    }
}
