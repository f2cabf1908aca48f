package io.keyplane.common;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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

    /** KEYPLANE_ENCRYPTION_KEY: base64 of 32 bytes, AES-GCM key for revealable ingest keys. */
    Optional<String> encryptionKey();

    Cache cache();

    Usage usage();

    Idempotency idempotency();

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
    }
}
