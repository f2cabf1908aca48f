package io.keyplane.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Problem;
import io.keyplane.common.RequestIds;
import io.keyplane.credential.KeyCheck.Verdict;
import io.keyplane.credential.Permissions;
import io.keyplane.credential.RateLimitHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * What forward-auth answers a gateway. 200 allows, with the {@code X-Keyplane-*} headers the gateway copies
 * upstream; a denial is a small problem body with {@code WWW-Authenticate}: 401 for a missing or unusable key, 403
 * for scope, address or no rule, 429 with {@code Retry-After} for the rate limit or credits.
 */
@Singleton
class GatewayAnswers {

    static final String KEY_ID = "X-Keyplane-Key-Id";
    static final String WORKSPACE_ID = "X-Keyplane-Workspace-Id";
    static final String SERVICE_ACCOUNT_ID = "X-Keyplane-Service-Account-Id";
    static final String SCOPES = "X-Keyplane-Scopes";
    static final String META = "X-Keyplane-Meta";
    static final List<String> ALLOW_HEADERS = List.of(KEY_ID, WORKSPACE_ID, SERVICE_ACCOUNT_ID, SCOPES, META);
    private static final String REALM = "Bearer realm=\"keyplane\"";
    private static final String ORIGINAL_PATH = "keyplane.forward-auth.original-path";

    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<Integer, Counter> answered = new ConcurrentHashMap<>();

    @Inject
    GatewayAnswers(ObjectMapper json, Clock clock, MeterRegistry registry) {
        this.json = json;
        this.clock = clock;
        this.registry = registry;
    }

    void answer(RoutingContext rc, Verdict verdict, CompiledPolicy.Rule rule) {
        if (verdict.rate() != null) {
            RateLimitHeaders.describe(rc, verdict.rate());
        }
        if (verdict.valid()) {
            allow(rc, verdict);
            return;
        }
        deny(rc, switch (verdict.code()) {
            case NOT_FOUND -> KeyplaneException.unauthenticated("invalid_token", "The key is not a valid Keyplane key");
            case KIND_NOT_ALLOWED -> KeyplaneException.unauthenticated("kind_not_allowed",
                    "Only api and ingest keys call APIs");
            case REVOKED, EXPIRED, PAUSED, DISABLED -> KeyplaneException.unauthenticated(verdict.denial().authCode,
                    "The key cannot be used: " + verdict.code().name().toLowerCase());
            case IP_NOT_ALLOWED -> KeyplaneException.forbidden("ip_not_allowed", "The key may not be used from this address");
            case INSUFFICIENT_SCOPE -> KeyplaneException.insufficientScope(
                    Permissions.missing(verdict.key().effectiveScopes(), rule.scopes()));
            case RATE_LIMITED -> KeyplaneException.rateLimited(verdict.rate().retryAfterSeconds(clock.instant()));
            case USAGE_EXCEEDED -> KeyplaneException.retryLater(429, "usage_exceeded", "The key has too few credits "
                    + "left; Retry-After is the time to the next UTC day, the earliest a refill can come",
                    untilNextUtcDay(clock.instant()));
            case VALID -> throw new IllegalStateException("VALID is allowed");
        });
    }

    private void allow(RoutingContext rc, Verdict verdict) {
        var key = verdict.key();
        var meta = key.metaJson() == null ? "null" : key.metaJson();
        count(200);
        rc.response().setStatusCode(200)
                .putHeader(KEY_ID, key.keyId().toString())
                .putHeader(WORKSPACE_ID, key.workspaceId().toString())
                .putHeader(SERVICE_ACCOUNT_ID, key.serviceAccountId().toString())
                .putHeader(SCOPES, String.join(" ", key.effectiveScopes()))
                .putHeader(META, Base64.getUrlEncoder().encodeToString(meta.getBytes(StandardCharsets.UTF_8)))
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end();
    }

    /** Remembers the normalised original path: refusals name it as their {@code instance}. */
    static void noteOriginalPath(RoutingContext rc, String path) {
        rc.put(ORIGINAL_PATH, path);
    }

    /** A refusal, or a failure on the way (a database outage is 503; anything unexpected 500, logged). */
    void deny(RoutingContext rc, Throwable failure) {
        if (!(failure instanceof KeyplaneException problem)) {
            Log.error("Forward-auth failed", failure);
            deny(rc, new KeyplaneException(500, "internal_error", "An unexpected error occurred"));
            return;
        }
        var response = rc.response();
        if (response.ended()) {
            return;
        }
        int status = problem.status();
        count(status);
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        var challenge = challengeOf(problem);
        if (challenge != null) {
            response.putHeader("WWW-Authenticate", challenge);
        }
        if (problem.retryAfterSeconds() != null) {
            response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(problem.retryAfterSeconds()));
        }
        var body = new Problem("urn:keyplane:problem:" + problem.code(), Problem.titleOf(problem.code()), status,
                problem.getMessage(), rc.get(ORIGINAL_PATH, rc.request().path()), problem.code(),
                RequestIds.of(rc.request()), null, problem.requiredScopes(), problem.limit());
        try {
            response.end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            response.end();
        }
    }

    /** RFC 6750: no error code when no key came; insufficient_scope names what is missing. */
    private static String challengeOf(KeyplaneException problem) {
        return switch (problem.code()) {
            case "missing_credentials", "invalid_gateway_key" -> REALM; // the gateway's key is not the user's fault
            case "insufficient_scope" -> REALM + ", error=\"insufficient_scope\", scope=\""
                    + String.join(" ", problem.requiredScopes()) + "\"";
            default -> problem.status() == 401 ? REALM + ", error=\"invalid_token\""
                    : problem.status() == 403 || problem.status() == 429 ? REALM : null;
        };
    }

    private static long untilNextUtcDay(Instant now) {
        var nextDay = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).plusDays(1).toInstant();
        return Math.max(1, Duration.between(now, nextDay).toSeconds());
    }

    private void count(int status) {
        answered.computeIfAbsent(status, s -> Counter.builder("keyplane.forward_auth.requests")
                .description("Forward-auth answers by HTTP status").tag("status", String.valueOf(s)).register(registry))
                .increment();
    }
}
