package io.keyplane.auth;

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
import io.keyplane.ratelimit.LocalRateWindows;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Failed authentications, counted per key and per client address (an IPv4 address, or an IPv6 /64) in this
 * replica's memory, in windows that open at the first failure (windows aligned to the clock would forgive a burst
 * that straddles their boundary). A key past the limit is answered 429 at once: no hash, no lookup, no audit row,
 * so a dead key costs nothing and cannot stall its workspace's writes with denial events. An address past the
 * limit loses only its failing attempts ({@link BearerAuthentication}): what it sends that works still works, and
 * what would cost a lookup is limited to {@code KEYPLANE_AUTH_THROTTLED_LOOKUPS} a second.
 * The same Caffeine shape as {@link LocalRateWindows} (size bound, expire after access), already registered for native.
 */
@Singleton
public class AuthFailures {

    private record Window(long start, AtomicInteger failures) {
    }

    private static final long SECOND = 1_000;

    private final int limit;
    private final long windowMillis;
    private final int throttledLookups;
    private final Clock clock;
    private final Cache<Object, Window> windows;
    private final LocalRateWindows<String> lookups = new LocalRateWindows<>(100_000, Duration.ofSeconds(2));
    private final Counter refused;

    @Inject
    AuthFailures(KeyplaneConfig config, Clock clock, MeterRegistry registry) {
        this(config.authFailureLimit(), config.authFailureWindow(), config.authThrottledLookups(), clock, registry);
    }

    AuthFailures(int limit, Duration window, int throttledLookups, Clock clock, MeterRegistry registry) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.throttledLookups = throttledLookups;
        this.clock = clock;
        this.windows = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(window.multipliedBy(2)).build();
        this.refused = Counter.builder("keyplane.auth.failures.throttled")
                .description("Authentications answered 429 because their key or address failed too often")
                .register(registry);
    }

    /** Seconds until {@code address} is no longer over the limit, or 0 when it is not. */
    long retryAfter(String address) {
        return address == null ? 0 : retryAfterFor(ClientAddresses.counted(address));
    }

    /** Seconds until {@code keyId} may be used again, or 0 when it may now. */
    long retryAfter(UUID keyId) {
        return retryAfterFor(keyId);
    }

    /**
     * From a throttled {@code address}: 0 while it has looked up fewer than {@code KEYPLANE_AUTH_THROTTLED_LOOKUPS}
     * uncached keys this second (this one is counted), else the seconds to wait.
     */
    long waitBeforeLookup(String address, long addressWait) {
        long now = clock.millis();
        long second = now - Math.floorMod(now, SECOND);
        return lookups.count(ClientAddresses.counted(address), second) <= throttledLookups ? 0 : addressWait;
    }

    /** The 429 a throttled key or address gets, counted. */
    KeyplaneException throttled(long retryAfterSeconds) {
        refused.increment();
        return KeyplaneException.rateLimited(retryAfterSeconds);
    }

    /** One failed authentication from {@code address}, of {@code keyId} when the token named a key. */
    void failed(String address, UUID keyId) {
        if (address != null) {
            count(ClientAddresses.counted(address));
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
            return new CredentialRefused(throttled(keyWait), null);
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
        return Math.max(1, (window.start() + windowMillis - now + 999) / 1000);
    }

    private void count(Object subject) {
        long now = clock.millis();
        windows.asMap().compute(subject, (s, w) -> w == null || w.start() + windowMillis <= now
                ? new Window(now, new AtomicInteger()) : w).failures().incrementAndGet();
    }
}
