package io.keyplane.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.keyplane.key.KeyCheck.Requirements;
import io.keyplane.ratelimit.RateLimiter;
import io.keyplane.support.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The order of KeyCheck's checks (API.md section 9): NOT_FOUND, KIND_NOT_ALLOWED, REVOKED, EXPIRED, PAUSED,
 * DISABLED, IP_NOT_ALLOWED, INSUFFICIENT_SCOPE, then the rate limit, and credits only once the rate limit passed.
 * Each case breaks every rule from its own on, so the first refusal must be the one named.
 */
class KeyCheckOrderTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final UUID WORKSPACE = UUID.randomUUID();

    /** A key that fails every check from {@code from} on: revoked, expired, paused, disabled, outside, unscoped. */
    static KeyFacts failingFrom(VerifyCode from) {
        boolean revoked = from.ordinal() <= VerifyCode.REVOKED.ordinal();
        boolean expired = from.ordinal() <= VerifyCode.EXPIRED.ordinal();
        boolean paused = from.ordinal() <= VerifyCode.PAUSED.ordinal();
        boolean disabled = from.ordinal() <= VerifyCode.DISABLED.ordinal();
        boolean outside = from.ordinal() <= VerifyCode.IP_NOT_ALLOWED.ordinal();
        return new KeyFacts(UUID.randomUUID(), WORKSPACE, UUID.randomUUID(), KeyKind.SERVICE, "kp_svc_abcd",
                revoked ? "revoked" : paused ? "paused" : "active", List.of("database:write"),
                disabled ? "disabled" : "active", "active", expired ? NOW.minusSeconds(1) : null, 1, 3600,
                outside ? List.of(Cidr.parse("10.0.0.0/8").orElseThrow()) : List.of(), "{}", true);
    }

    static Requirements verification(UUID workspace) {
        return Requirements.verification(workspace, Set.of(KeyKind.API, KeyKind.INGEST), List.of("database:read"),
                "203.0.113.7", null, 1);
    }

    @Test
    void eachCheckRefusesBeforeTheOnesAfterIt() {
        assertEquals(VerifyCode.NOT_FOUND, KeyCheck.screen(null, verification(WORKSPACE), NOW).code(), "no key");
        assertEquals(VerifyCode.NOT_FOUND, KeyCheck.screen(failingFrom(VerifyCode.REVOKED), verification(UUID.randomUUID()),
                NOW).code(), "another workspace's key is NOT_FOUND before anything else");
        assertEquals(VerifyCode.KIND_NOT_ALLOWED, KeyCheck.screen(failingFrom(VerifyCode.REVOKED), verification(WORKSPACE),
                NOW).code(), "the kind before the key's state");
        var anyKind = Requirements.verification(WORKSPACE, null, List.of("database:read"), "203.0.113.7", null, 1);
        for (var code : List.of(VerifyCode.REVOKED, VerifyCode.EXPIRED, VerifyCode.PAUSED, VerifyCode.DISABLED,
                VerifyCode.IP_NOT_ALLOWED, VerifyCode.INSUFFICIENT_SCOPE)) {
            assertEquals(code, KeyCheck.screen(failingFrom(code), anyKind, NOW).code(), code + " first");
        }
        var scoped = Requirements.verification(WORKSPACE, null, List.of("database:write"), "203.0.113.7", null, 1);
        assertNull(KeyCheck.screen(failingFrom(VerifyCode.RATE_LIMITED), scoped, NOW), "every screen passes");
    }

    @Test
    void aRefusedRateLimitSpendsNoCredits() {
        var clock = Clock.fixed(NOW, ZoneOffset.UTC);
        var limiter = new RateLimiter(Settings.of(Map.of()), null, new SimpleMeterRegistry());
        // no repository: reaching the credits would fail the test with a NullPointerException
        var check = new KeyCheck(null, null, null, null, limiter, null, clock);
        var key = failingFrom(VerifyCode.RATE_LIMITED); // limit 1 an hour, with credits
        var uses = Requirements.verification(WORKSPACE, null, List.of("database:write"), "203.0.113.7", null, 1);
        var authentication = Requirements.authentication("203.0.113.7", null); // no cost: credits not involved
        assertEquals(VerifyCode.VALID, check.conclude(key, authentication).await().atMost(Duration.ofSeconds(1)).code());
        var refused = check.conclude(key, uses).await().atMost(Duration.ofSeconds(1));
        assertEquals(VerifyCode.RATE_LIMITED, refused.code(), "the rate limit before the credits");
        assertEquals(0, refused.rate().remaining());
        assertNull(refused.creditsRemaining(), "nothing spent");
    }
}
