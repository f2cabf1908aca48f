package io.keyplane.gateway;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.auth.Caller;
import io.keyplane.auth.ServiceKeyCheck;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.RequestIds;
import io.keyplane.key.KeyCheck.Requirements;
import io.keyplane.key.KeyCheck;
import io.keyplane.key.KeyKind;
import io.keyplane.key.Permissions;
import io.keyplane.usage.Origin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/forward-auth/{policyId}} and {@code .../{policyId}/**}, on every method: the hook NGINX
 * ({@code auth_request}), Traefik ({@code ForwardAuth}) and Envoy ({@code ext_authz}) call to ask whether a
 * request may pass (API.md section 9). A Vert.x route, not a REST resource: it answers any method and any path
 * below, and the management API's authentication never reads its {@code Authorization}, which is the end user's.
 * <p>
 * In order: the gateway's ServiceKey ({@value #GATEWAY_KEY_HEADER}, bound by its CIDRs at the TCP peer; 401
 * {@code invalid_gateway_key}), the policy (404 unless it is of the gateway key's workspace), the original request,
 * the end user's key (401 when missing), the first rule that matches (403 when none), and then the same
 * {@link KeyCheck} as verify with the rule's scopes, at the forwarded client address, recorded in the key's usage.
 */
@Singleton
public class ForwardAuthRoutes {

    static final String PATH_PREFIX = "/api/v1/forward-auth/";
    public static final String GATEWAY_KEY_HEADER = "X-Keyplane-Gateway-Key";
    private static final long LOG_EVERY_MILLIS = 1_000;

    private final ServiceKeyCheck serviceKeys;
    private final PolicyCache policies;
    private final KeyCheck keyCheck;
    private final GatewayAnswers answers;
    private final Counter gatewayKeyRefused;
    private final Clock clock;
    private final AtomicLong lastLogged = new AtomicLong();

    @Inject
    ForwardAuthRoutes(ServiceKeyCheck serviceKeys, PolicyCache policies, KeyCheck keyCheck, GatewayAnswers answers,
            Clock clock, MeterRegistry registry) {
        this.clock = clock;
        this.serviceKeys = serviceKeys;
        this.policies = policies;
        this.keyCheck = keyCheck;
        this.answers = answers;
        this.gatewayKeyRefused = Counter.builder("keyplane.forward_auth.gateway_key.refused")
                .description("Forward-auth calls refused 401 invalid_gateway_key: a gateway is misconfigured or probed")
                .register(registry);
    }

    void register(@Observes Router router) {
        router.routeWithRegex("/api/v1/forward-auth/[^/]+(/.*)?").handler(this::handle);
    }

    void handle(RoutingContext rc) {
        var path = rc.request().path();
        int slash = path.indexOf('/', PATH_PREFIX.length());
        var policyId = uuidOrNull(slash < 0 ? path.substring(PATH_PREFIX.length()) : path.substring(PATH_PREFIX.length(), slash));
        var suffix = slash < 0 ? null : path.substring(slash);
        decide(rc, policyId, suffix).subscribe().with(ignored -> {
        }, failure -> answers.deny(rc, failure));
    }

    private Uni<Void> decide(RoutingContext rc, UUID policyId, String suffix) {
        if (policyId == null) {
            return Uni.createFrom().failure(KeyplaneException.notFound("Forward-auth policy"));
        }
        var gatewayKey = rc.request().getHeader(GATEWAY_KEY_HEADER);
        var peer = rc.request().connection().remoteAddress(); // the TCP peer, never a forwarded address
        var peerAddress = peer == null ? null : peer.hostAddress();
        if (gatewayKey == null || gatewayKey.isBlank()) {
            return Uni.createFrom().failure(gatewayRefused(policyId, peerAddress, "missing"));
        }
        return serviceKeys.authenticate(gatewayKey.trim(), peerAddress)
                .onFailure(KeyplaneException.class).transform(failure -> {
                    var problem = (KeyplaneException) failure;
                    if (problem.status() == 429) { // the gateway's own key, not the end user's: not theirs to wait for
                        return KeyplaneException.retryLater(503, "gateway_key_throttled", "The gateway key is over "
                                + "its rate limit or failed too often", problem.retryAfterSeconds());
                    }
                    return problem.status() >= 500 ? problem : gatewayRefused(policyId, peerAddress, problem.code());
                })
                .chain(gateway -> policies.policy(policyId).chain(policy -> {
                    if (policy == null || !policy.workspaceId().equals(gateway.workspaceId())) {
                        return Uni.createFrom().failure(KeyplaneException.notFound("Forward-auth policy"));
                    }
                    if (!holdsVerify(gateway)) {
                        return Uni.createFrom().failure(gatewayRefused(policyId, peerAddress, "insufficient_scope"));
                    }
                    return judge(rc, policy, suffix);
                }))
                .onFailure(OriginalRequest.Ambiguous.class).transform(ambiguous -> new KeyplaneException(400,
                        "ambiguous_original_request", "The original request's headers disagree (a client may have sent "
                                + "one of them), or name the key's query parameter twice"));
    }

    /** The end user's request under the policy: the first rule that matches, then the key against it. */
    private Uni<Void> judge(RoutingContext rc, CompiledPolicy policy, String suffix) {
        var request = rc.request();
        var uri = OriginalRequest.uriOf(request, suffix);
        if (uri == null) {
            return Uni.createFrom().failure(new KeyplaneException(400, "original_request_unknown",
                    "The gateway sent no X-Original-URI (NGINX) or X-Forwarded-Uri (Traefik), and no path after the "
                            + "policy id (Envoy)"));
        }
        var original = OriginalRequest.of(request, uri, suffix != null);
        if (original.segments() == null) {
            return Uni.createFrom().failure(new KeyplaneException(400, "invalid_path", "The original path is "
                    + "malformed, climbs above the root, or holds what an upstream could route differently: an encoded "
                    + "'/' or dot segment (%2F, %2e), '#' or %23, ';' or '\\'"));
        }
        GatewayAnswers.noteOriginalPath(rc, original.path());
        var token = policy.keySource().read(request, original.query());
        if (token == null) {
            return Uni.createFrom().failure(KeyplaneException.unauthenticated("missing_credentials",
                    "The request carries no API key"));
        }
        var rule = policy.match(original.method(), original.segments());
        if (rule == null) {
            return Uni.createFrom().failure(KeyplaneException.forbidden("no_matching_rule",
                    "No rule of the policy allows " + original.method() + " on this path"));
        }
        var origin = new Origin(original.method(), original.path(), original.clientAddress(),
                request.getHeader(HttpHeaders.USER_AGENT), RequestIds.of(request));
        return keyCheck.check(token, Requirements.verification(policy.workspaceId(), KeyKind.DATA_PLANE, rule.scopes(),
                original.clientAddress(), origin, 1L))
                .invoke(verdict -> answers.answer(rc, verdict, rule))
                .replaceWithVoid();
    }

    private static boolean holdsVerify(Caller gateway) {
        return Permissions.anyCovers(gateway.key().effectiveScopes(), Permissions.KEYS_VERIFY);
    }

    /** 401 invalid_gateway_key, counted and logged (at most once a second, without the key). */
    private KeyplaneException gatewayRefused(UUID policyId, String peerAddress, String reason) {
        gatewayKeyRefused.increment();
        long now = clock.millis();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_MILLIS && lastLogged.compareAndSet(last, now)) {
            Log.warnf("Forward-auth for policy %s refused the gateway key from %s: %s", policyId, peerAddress, reason);
        }
        return KeyplaneException.unauthenticated("invalid_gateway_key",
                "X-Keyplane-Gateway-Key must be a valid ServiceKey of the policy's workspace holding keys:verify");
    }

    private static UUID uuidOrNull(String text) {
        try {
            return text.length() == 36 ? UUID.fromString(text) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
