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
