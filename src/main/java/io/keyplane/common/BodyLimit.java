package io.keyplane.common;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Right after {@link RequestIds}, on every request: a declared body over the limit (API.md section 2: 64 KiB) is a
 * 413 problem at once, before anything reads it. A chunked body is bounded by quarkus.http.limits.max-body-size.
 */
@Singleton
public class BodyLimit {

    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final ObjectMapper json;

    @Inject
    BodyLimit(ObjectMapper json) {
        this.json = json;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
    }

    void check(RoutingContext rc) {
        if (declaredLength(rc.request()) <= MAX_BODY_BYTES) {
            rc.next();
            return;
        }
        rc.response().putHeader("Connection", "close");
        ProblemMappers.send(rc, ProblemMappers.answer(new KeyplaneException(413, "payload_too_large",
                "Request bodies are limited to " + MAX_BODY_BYTES + " bytes"), rc.request()), json);
    }

    private static long declaredLength(HttpServerRequest request) {
        try {
            var value = request.getHeader("Content-Length");
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
