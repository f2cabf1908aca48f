package io.keyplane.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.auth.Refusals;
import io.keyplane.common.Problem;
import io.keyplane.common.ProblemMappers;
import io.keyplane.common.StatusCounts;
import io.keyplane.key.KeyCheck.Verdict;
import io.keyplane.ratelimit.RateLimitHeaders;
import io.micrometer.core.instrument.MeterRegistry;
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
    private final StatusCounts answered;

    @Inject
    GatewayAnswers(ObjectMapper json, Clock clock, MeterRegistry registry) {
        this.json = json;
        this.clock = clock;
        this.answered = new StatusCounts(registry, "keyplane.forward_auth.requests", "Forward-auth answers by HTTP status");
    }

    void answer(RoutingContext rc, Verdict verdict, CompiledPolicy.Rule rule) {
        if (verdict.rate() != null) {
            RateLimitHeaders.describe(rc, verdict.rate());
        }
        if (verdict.valid()) {
            allow(rc, verdict);
            return;
        }
        deny(rc, Refusals.of(verdict, rule.scopes(), clock.instant()));
    }

    private void allow(RoutingContext rc, Verdict verdict) {
        var key = verdict.key();
        var meta = key.metaJson() == null ? "null" : key.metaJson();
        answered.increment(200);
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
        var mapped = ProblemMappers.answer(failure, rc.request());
        var body = mapped.getEntity().about(rc.get(ORIGINAL_PATH, rc.request().path()));
        var problem = RestResponse.ResponseBuilder.fromResponse(mapped).entity(body)
                .header("Cache-Control", "no-store").build();
        problem.getHeaders().remove("WWW-Authenticate");
        var challenge = challengeOf(body);
        if (challenge != null) {
            problem.getHeaders().putSingle("WWW-Authenticate", challenge);
        }
        answered.increment(problem.getStatus());
        ProblemMappers.send(rc, problem, json);
    }

    /** RFC 6750: no error code when no key came; insufficient_scope names what is missing. */
    private static String challengeOf(Problem problem) {
        return switch (problem.code()) {
            case "missing_credentials", "invalid_gateway_key" -> REALM; // the gateway's key is not the user's fault
            case "insufficient_scope" -> REALM + ", error=\"insufficient_scope\", scope=\""
                    + String.join(" ", problem.requiredScopes()) + "\"";
            default -> problem.status() == 401 ? REALM + ", error=\"invalid_token\""
                    : problem.status() == 403 || problem.status() == 429 ? REALM : null;
        };
    }
}
