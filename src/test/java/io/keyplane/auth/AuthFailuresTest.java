package io.keyplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The failure window opens at the first failure, so a burst is throttled wherever the clock stands. */
class AuthFailuresTest {

    static class SteppedClock extends Clock {
        long millis;

        SteppedClock(long millis) {
            this.millis = millis;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aBurstAcrossAMinuteBoundaryIsStillThrottled() {
        var clock = new SteppedClock(Instant.parse("2026-11-27T07:59:59.500Z").toEpochMilli());
        var failures = new AuthFailures(3, Duration.ofSeconds(60), 5, clock, new SimpleMeterRegistry());
        var key = UUID.randomUUID();
        failures.failed("198.51.100.7", key);
        failures.failed("198.51.100.8", key);
        clock.millis += 1_000; // past the minute: a clock-aligned window would start again here
        failures.failed("198.51.100.9", key);
        assertEquals(59, failures.retryAfter(key));
        assertEquals(0, failures.retryAfter("198.51.100.9"));
    }

    @Test
    void theWindowEndsAWindowAfterItsFirstFailure() {
        var clock = new SteppedClock(1_000_000);
        var failures = new AuthFailures(2, Duration.ofSeconds(60), 5, clock, new SimpleMeterRegistry());
        failures.failed("203.0.113.5", null);
        clock.millis += 30_000;
        failures.failed("203.0.113.5", null);
        assertEquals(30, failures.retryAfter("203.0.113.5"));
        clock.millis += 30_000;
        assertEquals(0, failures.retryAfter("203.0.113.5"));
        failures.failed("203.0.113.5", null); // a new window, with one failure in it
        assertEquals(0, failures.retryAfter("203.0.113.5"));
    }
}
