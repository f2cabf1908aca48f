package io.keyplane.common;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.MDC;


import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * First thing on every request, {@code /q/*} included: gives it an X-Request-Id (the caller's if well formed) and
 * puts it in the log MDC.
 */
@Singleton
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    /** A caller's X-Request-Id is kept when it looks like this (and documented so). */
    public static final String WELL_FORMED_PATTERN = "[A-Za-z0-9._:\\-]{1,128}";
    private static final Pattern WELL_FORMED = Pattern.compile(WELL_FORMED_PATTERN);

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::assign);
    }

    void assign(RoutingContext rc) {
        var given = rc.request().getHeader(HEADER);
        var id = given != null && WELL_FORMED.matcher(given).matches() ? given : newId();
        rc.response().putHeader(HEADER, id);
        MDC.put("request_id", id);
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
}
