package io.keyplane.verify;

import java.io.IOException;
import java.io.UncheckedIOException;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.keyplane.audit.DeniedCalls;
import io.keyplane.auth.AccessRules;
import io.keyplane.auth.BearerAuthentication;
import io.keyplane.auth.BearerKeyMechanism;
import io.keyplane.common.ProblemMappers;
import io.keyplane.common.RequestIds;
import io.keyplane.key.Permissions;
import io.keyplane.verify.VerifyDtos.VerifyRequest;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/keys/verify} served by a Vert.x route, ahead of {@link VerifyResource}: on this hot path the
 * REST layer's request context, lazy security and routing cost more than the verification (bench/HISTORY.md).
 * It answers exactly as the resource does, in the same order: the caller's bearer token (401, 429, 503), its
 * {@code keys:verify} (403), the body (400), then the verdict; refusals of an identifiable key are audited.
 * <p>
 * A request that is not plainly a JSON body with a bearer token (another content type or {@code Accept}, no
 * {@code Content-Length}, no token) goes on to the resource untouched, for REST's own answer (415, 406, 401...).
 */
@Singleton
public class VerifyRoute {

    private static final String JSON = "application/json";
    private static final String JSON_UTF8 = "application/json;charset=UTF-8";

    private final BearerAuthentication bearer;
    private final AccessRules access;
    private final VerifyService verifier;
    private final DeniedCalls denials;
    private final ObjectMapper json;
    private final ObjectReader requests;

    @Inject
    VerifyRoute(BearerAuthentication bearer, AccessRules access, VerifyService verifier, DeniedCalls denials, ObjectMapper json) {
        this.bearer = bearer;
        this.access = access;
        this.verifier = verifier;
        this.denials = denials;
        this.json = json;
        this.requests = json.readerFor(VerifyRequest.class);
    }

    /**
     * Ahead of Quarkus Security's authentication filter (and what REST puts on every request for its metrics): this
     * route authenticates by itself. Only CORS, when configured, and {@link RequestIds} come first.
     */
    void register(@Observes Router router) {
        router.post(VerifyResource.PATH).order(-SecurityHandlerPriorities.AUTHENTICATION - 1).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        var request = rc.request();
        var token = BearerKeyMechanism.bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null || !plainJsonBody(request) || !acceptsJson(request.getHeader(HttpHeaders.ACCEPT))) {
            rc.addHeadersEndHandler(ignored -> {
                if (rc.response().getStatusCode() >= 400) {
                    verifier.countRefusal(rc.response().getStatusCode());
                }
            });
            rc.next();
            return;
        }
        var body = request.body(); // read while the caller is checked; RequestIds refused a length past the limit
        request.resume(); // Quarkus pauses every request until a handler reads it, and body() alone does not resume
        bearer.authenticate(token, rc)
                .invoke(caller -> access.requireGlobal(caller, Permissions.KEYS_VERIFY))
                .chain(caller -> Uni.createFrom().<Buffer>emitter(read -> body.onComplete(result -> {
                    if (result.succeeded()) {
                        read.complete(result.result());
                    } else {
                        read.fail(result.cause());
                    }
                })).chain(buffer -> verifier.verify(parse(buffer), caller, RequestIds.of(request))))
                .subscribe().with(answer -> answer(rc, answer), failure -> refuse(rc, failure));
    }

    private VerifyRequest parse(Buffer body) {
        try {
            return requests.readValue(body.getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void answer(RoutingContext rc, Object answer) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(answer);
        } catch (IOException e) {
            refuse(rc, e);
            return;
        }
        if (!rc.response().ended()) {
            rc.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8).end(Buffer.buffer(bytes));
        }
    }

    private void refuse(RoutingContext rc, Throwable failure) {
        var problem = ProblemMappers.answer(failure instanceof UncheckedIOException unreadable ? unreadable.getCause() : failure,
                rc.request());
        verifier.countRefusal(problem.getStatus());
        denials.audit(rc, problem.getStatus(), problem.getEntity().code())
                .subscribe().with(ignored -> ProblemMappers.send(rc, problem, json));
    }

    /** {@code Content-Type: application/json} (in UTF-8, the only charset JSON has) with a declared length. */
    private static boolean plainJsonBody(HttpServerRequest request) {
        var length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || length.equals("0")) {
            return false;
        }
        var type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        if (semicolon < 0) {
            return type.trim().equalsIgnoreCase(JSON);
        }
        return type.substring(0, semicolon).trim().equalsIgnoreCase(JSON)
                && type.substring(semicolon + 1).replace(" ", "").equalsIgnoreCase("charset=utf-8");
    }

    private static boolean acceptsJson(String accept) {
        if (accept == null) {
            return true;
        }
        var type = accept.trim();
        return type.equals("*/*") || type.equalsIgnoreCase(JSON) || type.equalsIgnoreCase("application/*");
    }
}
