package io.keyplane.auth;

import java.time.Clock;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.keyplane.audit.DeniedCalls;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Problem;
import io.keyplane.common.RequestIds;
import io.keyplane.verify.RateLimiter;
import io.keyplane.verify.UsageRecorder;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Every /api/v1 call is authenticated before its resource method runs. Calls made with a key count against
 * the key's rate limit and go into its usage history (verifications record the verified key instead); the
 * key's refused calls are audited.
 */
public class AuthenticationFilter {

    static final String VERIFY_PATH = "/api/v1/keys/verify";

    private final Authenticator authenticator;
    private final DeniedCalls deniedCalls;
    private final CallContext context;
    private final RateLimiter rateLimiter;
    private final UsageRecorder usage;
    private final Clock clock;

    @Inject
    AuthenticationFilter(Authenticator authenticator, DeniedCalls deniedCalls, CallContext context,
            RateLimiter rateLimiter, UsageRecorder usage, Clock clock) {
        this.authenticator = authenticator;
        this.deniedCalls = deniedCalls;
        this.context = context;
        this.rateLimiter = rateLimiter;
        this.usage = usage;
        this.clock = clock;
    }

    @ServerRequestFilter
    public Uni<Void> authenticate(HttpServerRequest request) {
        if (!request.path().startsWith("/api/")) {
            return Uni.createFrom().voidItem();
        }
        return authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION))
                .invoke(caller -> fill(caller, request))
                .onFailure(Authenticator.KeyRejected.class).invoke(failure -> {
                    // a real key, refused: the response filter records its use and audits the denial
                    var rejected = (Authenticator.KeyRejected) failure;
                    fill(Caller.of(rejected.key()), request);
                    context.reject(rejected.code());
                })
                .invoke(this::enforceRateLimit)
                .replaceWithVoid();
    }

    private void fill(Caller caller, HttpServerRequest request) {
        context.fill(caller, RequestIds.of(request), sourceIp(request), request.getHeader(HttpHeaders.USER_AGENT),
                request.method().name(), request.path(), request.getHeader("X-Workspace-ID"));
    }

    /** After every call made with a key: its usage record, and for a refusal (401/403) the audit event. */
    @ServerResponseFilter
    public Uni<Void> afterKeyCall(ContainerResponseContext response, HttpServerRequest request) {
        var caller = context.caller();
        if (caller == null || caller.isOperator()) {
            return Uni.createFrom().voidItem();
        }
        int status = response.getStatus();
        var code = context.rejection() != null ? context.rejection()
                : response.getEntity() instanceof Problem problem ? problem.code() : String.valueOf(status);
        if (!request.path().equals(VERIFY_PATH)) {
            recordUse(request, caller.key(), status < 400 ? "success" : "denied",
                    status < 400 ? String.valueOf(status) : code);
        }
        return status == 401 || status == 403 ? deniedCalls.record(code) : Uni.createFrom().voidItem();
    }

    private void enforceRateLimit(Caller caller) {
        if (caller.isOperator()) {
            return;
        }
        var key = caller.key();
        var now = clock.instant();
        var decision = rateLimiter.consume(key.keyId(), key.rateLimit(), key.rateWindowSeconds(), now);
        if (decision != null && !decision.allowed()) {
            throw KeyplaneException.rateLimited(decision.retryAfterSeconds(now));
        }
    }

    private void recordUse(HttpServerRequest request, KeyFacts key, String outcome, String code) {
        usage.record(new UsageRecorder.Use(key.keyId(), key.workspaceId(), clock.instant(), outcome, code,
                request.method().name(), request.path(), sourceIp(request), request.getHeader(HttpHeaders.USER_AGENT),
                RequestIds.of(request)));
    }

    private static String sourceIp(HttpServerRequest request) {
        var address = request.remoteAddress();
        return address == null ? null : address.hostAddress();
    }
}
