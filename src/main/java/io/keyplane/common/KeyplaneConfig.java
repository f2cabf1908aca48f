package io.keyplane.common;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** All Keyplane settings; the environment variable names are part of the API contract (API.md section 8). */
@ConfigMapping(prefix = "keyplane")
public interface KeyplaneConfig {

    Db db();

    /** KEYPLANE_OPERATOR_TOKEN; unset means no operator access. */
    Optional<String> operatorToken();

    /** KEYPLANE_PEPPER: HMAC key for stored key hashes, at least 32 bytes. */
    Optional<String> pepper();

    /** Which pepper made new hashes; stored beside each hash so the pepper can be rotated later. */
    @WithDefault("1")
    int pepperVersion();

    /** KEYPLANE_PEPPER_PREVIOUS: {@code version:value,...} still accepted while keys move to the current pepper. */
    Optional<String> pepperPrevious();

    /** KEYPLANE_ENCRYPTION_KEY: base64 of 32 bytes, AES-GCM key for revealable ingest keys. */
    Optional<String> encryptionKey();

    Cache cache();

    Usage usage();

    Idempotency idempotency();

    /**
     * KEYPLANE_AUTH_FAILURE_LIMIT: failed authentications allowed per key, and per client address, in one
     * KEYPLANE_AUTH_FAILURE_WINDOW; past it, that key or address is answered 429 without a lookup.
     */
    @WithDefault("20")
    int authFailureLimit();

    @WithDefault("60s")
    java.time.Duration authFailureWindow();

    /**
     * KEYPLANE_AUTH_THROTTLED_LOOKUPS: from an address over the failure limit, keys this replica has not cached are
     * looked up at most this often a second (API.md 10.1); past it, 429. Cached valid keys and the operator always pass.
     */
    @WithDefault("5")
    int authThrottledLookups();

    /**
     * KEYPLANE_GITHUB_SCANNING_KEYS_URL: GitHub secret scanning's public keys, which signed leak reports are checked
     * against.
     */
    @WithDefault("https://api.github.com/meta/public_keys/secret_scanning")
    String githubScanningKeysUrl();

    /** KEYPLANE_LEAK_REPORT_LIMIT: leaked-key reports one client address may send a minute; past it, 429. */
    @WithDefault("30")
    int leakReportLimit();

    Audit audit();

    Redis redis();

    /** KEYPLANE_RATE_LIMIT_REDIS_FAILURE: what a rate-limited use gets when Redis cannot count it. */
    @WithDefault("open")
    RedisFailure rateLimitRedisFailure();

    enum RedisFailure {
        /** Let the use through (counted in keyplane.ratelimit.redis.failures and logged). */
        OPEN,
        /** Refuse it: 503 service_unavailable with Retry-After. */
        CLOSED
    }

    /** Global rate limits: every replica counts in one Redis. */
    interface Redis {
        /** KEYPLANE_REDIS_URL, e.g. {@code redis://redis:6379}; unset, each replica counts on its own. */
        Optional<String> url();

        /** KEYPLANE_REDIS_TIMEOUT: the longest a check waits for Redis. */
        @WithDefault("50ms")
        java.time.Duration timeout();
    }

    Credits credits();

    /** KEYPLANE_EXPIRY_WARNING_CHECK_INTERVAL: how often keys close to their expiry are looked for and warned of. */
    @WithName("expiry-warning.check-interval")
    @WithDefault("5m")
    java.time.Duration expiryWarningCheckInterval();

    Webhook webhook();

    Limit limit();

    /** Per-workspace caps (API.md 10.1): creating one more is 422 limit_exceeded with the cap in {@code limit}. */
    interface Limit {
        /** The defaults, which the OpenAPI document shows as maxItems. */
        int DEFAULT_WEBHOOKS = 16;
        int DEFAULT_POLICIES = 100;
        int DEFAULT_SCOPES = 1000;

        /** KEYPLANE_LIMIT_WEBHOOKS. */
        @WithDefault("" + DEFAULT_WEBHOOKS)
        int webhooks();

        /** KEYPLANE_LIMIT_POLICIES: forward-auth policies. */
        @WithDefault("" + DEFAULT_POLICIES)
        int policies();

        /** KEYPLANE_LIMIT_SCOPES: custom scopes (the built-in ones do not count). */
        @WithDefault("" + DEFAULT_SCOPES)
        int scopes();
    }

    /** Webhook deliveries (API.md section 9). */
    interface Webhook {
        /** KEYPLANE_WEBHOOK_ALLOW_PRIVATE: let webhooks reach loopback, link-local and private addresses (SSRF). */
        @WithDefault("false")
        boolean allowPrivate();

        /**
         * KEYPLANE_WEBHOOK_RETRY_WINDOW: how long a failing delivery is retried; an endpoint that failed every
         * attempt for this long is disabled.
         */
        @WithDefault("24h")
        java.time.Duration retryWindow();

        /** KEYPLANE_WEBHOOK_FIRST_RETRY: the wait before the first retry; later ones about double (at most 1 h). */
        @WithDefault("30s")
        java.time.Duration firstRetry();

        /** KEYPLANE_WEBHOOK_TIMEOUT: the longest one delivery attempt may take, connecting included. */
        @WithDefault("10s")
        java.time.Duration timeout();

        /**
         * KEYPLANE_WEBHOOK_POLL_INTERVAL: how often each replica looks for events and retries to deliver (read by
         * the scheduler); {@code off} delivers nothing from this replica.
         */
        @WithDefault("1s")
        String pollInterval();

        /** KEYPLANE_WEBHOOK_DELIVERY_RETENTION: how long finished deliveries stay in the delivery log. */
        @WithDefault("30d")
        java.time.Duration deliveryRetention();
    }

    /** Usage credits: refilled at the start of each UTC day or month, at the latest this often after it. */
    interface Credits {
        /** How often keys due a refill are refilled and refills audited (read by the scheduler). */
        @WithDefault("60s")
        java.time.Duration refillCheckInterval();
    }

    interface Audit {
        /** Repeats of one refused call of one key within this window are one more event, with their count. */
        @WithDefault("60s")
        java.time.Duration denialWindow();

        /** KEYPLANE_AUDIT_KEY: the HMAC key that chains audit events, at least 32 bytes. */
        Optional<String> key();

        /** KEYPLANE_AUDIT_KEY_VERSION: stored with each event, so the key can be rotated. */
        @WithDefault("1")
        int keyVersion();

        /** KEYPLANE_AUDIT_KEY_PREVIOUS: {@code version:value,...} of earlier keys, to verify older events. */
        Optional<String> keyPrevious();
    }

    /** Idempotency-Key records: kept 24 hours, then purged. */
    interface Idempotency {
        /** How often expired records are purged (read by the scheduler as keyplane.idempotency.purge-interval). */
        @WithDefault("1h")
        java.time.Duration purgeInterval();
    }

    /** The verification cache: facts about keys by hash, so a hit needs no database round trip. */
    interface Cache {
        /** Upper bound on staleness if a change notification from another replica were lost. */
        @WithDefault("30s")
        java.time.Duration ttl();

        @WithDefault("100000")
        long maxSize();

        /** Unknown hashes are remembered briefly, and boundedly, so a flood of random keys stays cheap. */
        @WithDefault("10s")
        java.time.Duration negativeTtl();

        @WithDefault("50000")
        long negativeMaxSize();
    }

    /** Usage history: recorded off the response path in batches. */
    interface Usage {
        @WithDefault("20000")
        int queueSize();

        @WithDefault("1s")
        java.time.Duration flushInterval();

        /** KEYPLANE_USAGE_ROLLUP_RETENTION: how long the hourly counts behind the usage summaries are kept. */
        @WithDefault("90d")
        java.time.Duration rollupRetention();

        /** Rows kept per key; older ones are pruned after each flush. */
        @WithDefault("1000")
        int retentionPerKey();
    }

    interface Db {
        @WithDefault("localhost")
        String host();

        @WithDefault("5432")
        int port();

        @WithDefault("keyplane")
        String name();

        @WithDefault("postgres")
        String user();

        Optional<String> password();

        /** KEYPLANE_DB_MIGRATION_USER / _PASSWORD: the login that creates the database and migrates it. */
        Optional<String> migrationUser();

        Optional<String> migrationPassword();

        /** KEYPLANE_DB_MAX_WAIT_QUEUE: requests that may wait for a pooled connection; past it, 503. */
        @WithDefault("256")
        int maxWaitQueue();

        /** KEYPLANE_DB_READ_TIMEOUT: a pooled connection that reads nothing this long is closed (see BoundedPool). */
        @WithDefault("15s")
        java.time.Duration readTimeout();
    }
}
