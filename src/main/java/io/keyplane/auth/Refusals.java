package io.keyplane.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.keyplane.common.KeyplaneException;
import io.keyplane.key.KeyCheck.Verdict;
import io.keyplane.key.KeyFacts;
import io.keyplane.key.Permissions;

/**
 * The one table from a verdict that refuses a key to the problem its caller answers: a bearer token on the management
 * API, the end user's key at forward-auth. 401 for a key that cannot be used at all, 403 for one that may not do this
 * here, 429 for one that must wait.
 */
public final class Refusals {

    private Refusals() {
    }

    /** {@code required}: the scopes the use asked for (named in insufficient_scope); {@code now} for Retry-After. */
    public static KeyplaneException of(Verdict verdict, List<String> required, Instant now) {
        return switch (verdict.code()) {
            case NOT_FOUND -> KeyplaneException.unauthenticated("invalid_token", "The key is not a valid Keyplane key");
            case KIND_NOT_ALLOWED -> KeyplaneException.unauthenticated("kind_not_allowed",
                    "A key of this kind cannot be used here");
            case REVOKED, EXPIRED, PAUSED, DISABLED -> KeyplaneException.unauthenticated(verdict.denial().authCode,
                    detailOf(verdict.denial()));
            case IP_NOT_ALLOWED -> KeyplaneException.forbidden("ip_not_allowed", "The key may not be used from this address");
            case INSUFFICIENT_SCOPE -> KeyplaneException.insufficientScope(
                    Permissions.missing(verdict.key().effectiveScopes(), required));
            case RATE_LIMITED -> KeyplaneException.rateLimited(verdict.rate().retryAfterSeconds(now));
            case USAGE_EXCEEDED -> KeyplaneException.retryLater(429, "usage_exceeded", "The key has too few credits "
                    + "left; Retry-After is the time to the next UTC day, the earliest a refill can come",
                    untilNextUtcDay(now));
            case VALID -> throw new IllegalStateException("VALID is not a refusal");
        };
    }

    private static String detailOf(KeyFacts.Denial denial) {
        return switch (denial) {
            case REVOKED, WORKSPACE_DELETED -> "The key has been revoked";
            case EXPIRED -> "The key has expired";
            case PAUSED -> "The key is paused";
            case ACCOUNT_DISABLED -> "The key's service account is disabled";
        };
    }

    private static long untilNextUtcDay(Instant now) {
        var nextDay = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).plusDays(1).toInstant();
        return Math.max(1, Duration.between(now, nextDay).toSeconds());
    }
}
