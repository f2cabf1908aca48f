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
import io.keyplane.common.BodyLimit;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.ProblemMappers;
import io.keyplane.common.RequestIds;
import io.keyplane.key.Permissions;
import io.keyplane.verify.VerifyDtos.VerifyRequest;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/keys/verify}, all of it, served by a Vert.x route below the REST layer: on this hot path the
 * REST layer's request context, lazy security and routing cost more than the verification (bench/HISTORY.md).
 * {@link VerifyOpenApi} describes it. In order, as REST answered it: the method (405; OPTIONS lists the allowed
 * ones), the body's type (415 unless JSON or unsaid), what the caller accepts (406 unless JSON), the caller's bearer
 * token (401, 429, 503), its {@code keys:verify} (403), the body (413 past 64 KiB, chunked or not; 400), then the
 * verdict. Refusals of an identifiable key are audited; every error answer is counted.
 */
@Singleton
public class VerifyRoute {

    static final String PATH = "/api/v1/keys/verify";
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
     * route authenticates by itself. Only CORS, when configured, {@link RequestIds} and {@link BodyLimit} come first.
     */
    void register(@Observes Router router) {
        router.route(PATH).order(-SecurityHandlerPriorities.AUTHENTICATION - 1).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        var request = rc.request();
        if (request.method() == HttpMethod.OPTIONS) {
            rc.response().putHeader(HttpHeaders.ALLOW, "HEAD, POST, OPTIONS").setStatusCode(200).end();
            return;
        }
        var refusal = request.method() != HttpMethod.POST
                ? new KeyplaneException(405, "method_not_allowed", "Method not allowed")
                : !isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))
                        ? new KeyplaneException(415, "unsupported_media_type", "Send bodies as application/json")
                        : !acceptsJson(request.getHeader(HttpHeaders.ACCEPT))
                                ? new KeyplaneException(406, "not_acceptable", "Not acceptable") : null;
        var token = BearerKeyMechanism.bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (refusal == null && token == null) {
            refusal = KeyplaneException.unauthenticated("missing_credentials", "Send Authorization: Bearer <token>");
        }
        if (refusal != null) {
            request.handler(ignored -> {
            }).resume(); // what the caller sends is read and dropped
            refuse(rc, refusal);
            return;
        }
        var body = BoundedBody.read(request, BodyLimit.MAX_BODY_BYTES); // read at once, while the caller is checked
        bearer.authenticate(token, rc)
                .invoke(caller -> access.requireGlobal(caller, Permissions.KEYS_VERIFY))
                .chain(caller -> body.chain(buffer -> verifier.verify(parse(buffer), caller, RequestIds.of(request))))
                .subscribe().with(answer -> answer(rc, answer), failure -> refuse(rc, failure));
    }

    private VerifyRequest parse(Buffer body) {
        if (body.length() == 0) {
            return null; // the service answers 400 body: must not be null
        }
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

    /** JSON, or nothing said (as REST takes a body without a type); any charset parameter (JSON is UTF-8). */
    static boolean isJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().equalsIgnoreCase(JSON);
    }

    /** No Accept, or one whose media ranges include JSON with a quality above 0. */
    static boolean acceptsJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (var range : accept.split(",")) {
            var parts = range.split(";");
            var type = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (!type.equals("*/*") && !type.equals("application/*") && !type.equals(JSON)) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                var parameter = parts[i].trim().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
                refused |= parameter.matches("q=0(\\.0{0,3})?");
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    /** A request body read whole, up to a limit: past it, 413 and the rest is dropped (a chunked body included). */
    static final class BoundedBody {

        private BoundedBody() {
        }

        /** Starts reading now; the answer is kept for whoever asks later. */
        static Uni<Buffer> read(HttpServerRequest request, int limit) {
            var body = Buffer.buffer();
            var read = Uni.createFrom().<Buffer>emitter(emitter -> {
                request.handler(chunk -> {
                    if (body.length() + chunk.length() <= limit) {
                        body.appendBuffer(chunk);
                    } else {
                        request.handler(ignored -> {
                        }); // the rest is dropped; the connection closes after the answer
                        request.response().putHeader(HttpHeaders.CONNECTION, "close");
                        emitter.fail(new KeyplaneException(413, "payload_too_large",
                                "Request bodies are limited to " + limit + " bytes"));
                    }
                });
                request.exceptionHandler(emitter::fail);
                request.endHandler(ended -> emitter.complete(body));
                request.resume(); // Quarkus pauses every request until a handler reads it
            }).memoize().indefinitely();
            read.subscribe().with(ignored -> {
            }, ignored -> {
            });
            return read;
        }
    }
}
