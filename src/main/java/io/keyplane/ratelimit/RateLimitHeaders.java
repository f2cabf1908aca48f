package io.keyplane.ratelimit;

import java.time.Instant;

import io.vertx.ext.web.RoutingContext;

/**
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (IETF draft names; reset in
 * whole seconds) on the response to a call made with a rate-limited key (API.md section 9). They describe the
 * credential in {@code Authorization}, never a key being verified, and go on every answer, a 429 included.
 */
public final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    public static void describe(RoutingContext rc, RateLimiter.Decision rate) {
        if (rc == null) {
            return;
        }
        var reset = String.valueOf(rate.retryAfterSeconds(Instant.now()));
        var limit = String.valueOf(rate.limit());
        var remaining = String.valueOf(rate.remaining());
        rc.addHeadersEndHandler(ignored -> rc.response().headers()
                .set("RateLimit-Limit", limit).set("RateLimit-Remaining", remaining).set("RateLimit-Reset", reset));
    }
}
