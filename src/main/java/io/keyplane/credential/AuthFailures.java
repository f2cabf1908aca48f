package io.keyplane.credential;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Failed authentications, counted per key and per client address in this replica's memory, in windows that open
 * at the first failure (windows aligned to the clock would forgive a burst that straddles their boundary).
 * Past the limit, that key or address is answered 429 at once: no hash, no lookup, no audit row. A dead key
 * or a guessing client then costs nothing, and cannot stall its workspace's writes with denial events.
 * The same Caffeine shape as {@link LocalRateWindows} (size bound, expire after access), already registered for native.
 */
@Singleton
public class AuthFailures {

    private record Window(long start, AtomicInteger failures) {
    }

    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final Cache<Object, Window> windows;
    private final Counter refused;

    @Inject
    AuthFailures(KeyplaneConfig config, Clock clock, MeterRegistry registry) {
        this(config.authFailureLimit(), config.authFailureWindow(), clock, registry);
    }

    AuthFailures(int limit, Duration window, Clock clock, MeterRegistry registry) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
        this.windows = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(window.multipliedBy(2)).build();
        this.refused = Counter.builder("keyplane.auth.failures.throttled")
                .description("Authentications answered 429 because their key or address failed too often")
                .register(registry);
    }

    /** Seconds until {@code address} may try again, or 0 when it may now. */
    long retryAfter(String address) {
        return address == null ? 0 : retryAfterFor(address);
    }

    /** Seconds until {@code keyId} may be used again, or 0 when it may now. */
    long retryAfter(UUID keyId) {
        return retryAfterFor(keyId);
    }

    /** One failed authentication from {@code address}, of {@code keyId} when the token named a key. */
    void failed(String address, UUID keyId) {
        if (address != null) {
            count(address);
        }
        if (keyId != null) {
            count(keyId);
        }
    }

    /**
     * A refused token counts as a failed authentication of its address and of its key, unless the key was only
     * over its rate limit. A key that keeps failing is answered 429, without the key: no audit row, no use.
     */
    CredentialRefused counted(CredentialRefused refused, String clientAddress) {
        var key = refused.key();
        if (refused.problem().status() == 429) {
            return refused;
        }
        long keyWait = key == null ? 0 : retryAfter(key.keyId());
        if (keyWait > 0) {
            return new CredentialRefused(KeyplaneException.rateLimited(keyWait), null);
        }
        failed(clientAddress, key == null ? null : key.keyId());
        return refused;
    }

    private long retryAfterFor(Object subject) {
        var window = windows.getIfPresent(subject);
        long now = clock.millis();
        if (window == null || window.start() + windowMillis <= now || window.failures().get() < limit) {
            return 0;
        }
        refused.increment();
        return Math.max(1, (window.start() + windowMillis - now + 999) / 1000);
    }

    private void count(Object subject) {
        long now = clock.millis();
        windows.asMap().compute(subject, (s, w) -> w == null || w.start() + windowMillis <= now
                ? new Window(now, new AtomicInteger()) : w).failures().incrementAndGet();
    }
}
