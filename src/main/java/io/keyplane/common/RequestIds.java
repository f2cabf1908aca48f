package io.keyplane.common;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.MDC;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * First thing on every request, {@code /q/*} included: gives it an X-Request-Id (the caller's if well formed),
 * puts it in the log MDC, and turns a declared body over the limit into a 413 problem.
 */
@Singleton
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** A caller's X-Request-Id is kept when it looks like this (and documented so). */
    public static final String WELL_FORMED_PATTERN = "[A-Za-z0-9._:\\-]{1,128}";
    private static final Pattern WELL_FORMED = Pattern.compile(WELL_FORMED_PATTERN);

    private final ObjectMapper json;

    @Inject
    RequestIds(ObjectMapper json) {
        this.json = json;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::assign);
    }

    void assign(RoutingContext rc) {
        var given = rc.request().getHeader(HEADER);
        var id = given != null && WELL_FORMED.matcher(given).matches() ? given : newId();
        rc.response().putHeader(HEADER, id);
        MDC.put("request_id", id);
        if (declaredLength(rc.request()) > MAX_BODY_BYTES) {
            rejectTooLarge(rc, id);
            return;
        }
        rc.next();
    }

    /**
     * A random version-4 UUID. A request id only has to be unique, not unguessable, so it comes from the thread's
     * fast random rather than UUID.randomUUID()'s SecureRandom, which every request would contend on.
     */
    static String newId() {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }

    /** The request id assigned to this request (read back from the response header set above). */
    public static String of(HttpServerRequest request) {
        return request.response().headers().get(HEADER);
    }

    private static long declaredLength(HttpServerRequest request) {
        try {
            var value = request.getHeader("Content-Length");
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void rejectTooLarge(RoutingContext rc, String requestId) {
        var problem = new Problem("urn:keyplane:problem:payload_too_large", Problem.titleOf("payload_too_large"), 413,
                "Request bodies are limited to " + MAX_BODY_BYTES + " bytes", rc.request().path(), "payload_too_large",
                requestId, null, null, null);
        try {
            rc.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .putHeader("Connection", "close").end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            rc.fail(e);
        }
    }
}
