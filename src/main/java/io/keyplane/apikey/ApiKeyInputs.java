package io.keyplane.apikey;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.keyplane.apikey.ApiKeyDtos.RateLimit;
import io.keyplane.common.FieldError;
import io.keyplane.common.KeyplaneException;
import io.keyplane.key.Cidr;

/** Checks and normalisation of key attributes shared by create and update; 400 for bad form, 422 for bad sense. */
final class ApiKeyInputs {

    /** A list filter's age: whole hours or days (API.md section 9). */
    static final String AGE = "^[0-9]+[hd]$";
    private static final Pattern AGE_FORMAT = Pattern.compile("[0-9]{1,9}[hd]");

    private ApiKeyInputs() {
    }

    /** {@code 12h} or {@code 90d} as a duration; null for null; 400 for anything else or beyond 100 years. */
    static Duration age(String field, String value) {
        if (value == null) {
            return null;
        }
        if (!AGE_FORMAT.matcher(value).matches()) {
            throw KeyplaneException.validation(field, "must be whole hours or days, like 12h or 90d");
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        var age = value.endsWith("h") ? Duration.ofHours(amount) : Duration.ofDays(amount);
        if (age.compareTo(Duration.ofDays(ApiKeyDtos.MAX_EXPIRY_DAYS)) > 0) {
            throw KeyplaneException.validation(field, "must be within 100 years");
        }
        return age;
    }

    static Instant expiry(Instant expiresAt, Integer expiresInDays, Instant now) {
        if (expiresAt != null && expiresInDays != null) {
            throw KeyplaneException.validation("expires_in_days", "give expires_at or expires_in_days, not both");
        }
        if (expiresInDays != null) {
            return now.plus(Duration.ofDays(expiresInDays));
        }
        requireFuture(expiresAt, now);
        return expiresAt;
    }

    /**
     * 422 lifetime_exceeded when the workspace bounds how long keys live ({@code maxDays}, null: no bound) and a
     * new key's expiry would never come or outlive it.
     */
    static void requireLifetime(Instant expiresAt, Instant createdAt, Integer maxDays) {
        if (maxDays != null && (expiresAt == null || expiresAt.isAfter(createdAt.plus(Duration.ofDays(maxDays))))) {
            throw KeyplaneException.unprocessable("lifetime_exceeded", "expires_at", "This workspace's keys live at "
                    + "most " + maxDays + " days (max_key_lifetime_days): give an expiry within that");
        }
    }

    /** As for a new key, except that an existing key may always be made to expire sooner, so it can be phased out. */
    static void requireLifetimeOrSooner(Instant expiresAt, Instant currentExpiry, Instant createdAt, Integer maxDays) {
        boolean sooner = expiresAt != null && (currentExpiry == null || !expiresAt.isAfter(currentExpiry));
        if (!sooner) {
            requireLifetime(expiresAt, createdAt, maxDays);
        }
    }

    static void requireFuture(Instant expiresAt, Instant now) {
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw KeyplaneException.unprocessable("unprocessable", "expires_at", "expires_at must be in the future");
        }
        if (expiresAt != null && expiresAt.isAfter(now.plus(Duration.ofDays(ApiKeyDtos.MAX_EXPIRY_DAYS)))) {
            throw KeyplaneException.validation("expires_at", "must be within 100 years");
        }
    }

    static RateLimit rateLimit(RateLimit rateLimit, String tier) {
        if (rateLimit != null && tier != null) {
            throw KeyplaneException.validation("tier", "give rate_limit or tier, not both");
        }
        if (tier == null) {
            return rateLimit;
        }
        return switch (tier) {
            case "free" -> new RateLimit(100, 60);
            case "starter" -> new RateLimit(500, 60);
            case "pro" -> new RateLimit(2000, 60);
            default -> null; // enterprise: unlimited
        };
    }

    /** Canonical CIDR texts (host bits cleared, duplicates dropped); 400 naming each malformed entry. */
    static List<String> cidrs(List<String> given) {
        if (given == null) {
            return List.of();
        }
        var errors = new ArrayList<FieldError>();
        var result = new LinkedHashSet<String>();
        for (int i = 0; i < given.size(); i++) {
            var parsed = Cidr.parse(given.get(i).trim());
            if (parsed.isEmpty()) {
                errors.add(new FieldError("allowed_cidrs[" + i + "]", "must be an IPv4 or IPv6 address or CIDR block"));
            } else {
                result.add(parsed.get().toString());
            }
        }
        if (!errors.isEmpty()) {
            throw KeyplaneException.validation(errors);
        }
        return List.copyOf(result);
    }

    static String meta(Map<String, Object> meta, java.util.function.Function<Object, String> toJson) {
        var json = meta == null ? "{}" : toJson.apply(meta);
        if (json.getBytes(StandardCharsets.UTF_8).length > ApiKeyDtos.MAX_META_BYTES) {
            throw KeyplaneException.validation("meta", "must be at most " + ApiKeyDtos.MAX_META_BYTES + " bytes of JSON");
        }
        return json;
    }

    /** A key never exceeds its account: every key grant must be covered by an account grant. */
    static void requireWithinAccount(List<String> keyScopes, List<String> accountScopes) {
        var exceeding = io.keyplane.key.Permissions.missing(accountScopes, keyScopes);
        if (!exceeding.isEmpty()) {
            throw KeyplaneException.unprocessable("scope_exceeds_account", "scopes",
                    "The service account does not grant: " + String.join(", ", exceeding));
        }
    }
}
