package io.keyplane.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.SecretBox;
import io.keyplane.key.KeyFormat;
import io.keyplane.key.KeyHasher;
import io.keyplane.key.KeyKind;

/** Makes new key entities: value, prefix, peppered hash, and for ingest keys the sealed value. */
@Singleton
public class KeyIssuer {

    private final KeyFormat format;
    private final KeyHasher hasher;
    private final SecretBox box;
    private final Clock clock;

    @Inject
    KeyIssuer(KeyFormat format, KeyHasher hasher, SecretBox box, Clock clock) {
        this.format = format;
        this.hasher = hasher;
        this.box = box;
        this.clock = clock;
    }

    public record Spec(UUID workspaceId, UUID serviceAccountId, String name, KeyKind kind, List<String> scopes,
            Instant expiresAt, Integer rateLimit, Integer rateWindowSeconds, List<String> allowedCidrs, String metaJson,
            UUID rotatedFrom, String createdBy) {
    }

    public IssuedKey issue(Spec spec) {
        var plain = format.generate(spec.kind());
        var now = clock.instant();
        var k = new ApiKey();
        k.id = UUID.randomUUID();
        k.workspaceId = spec.workspaceId();
        k.serviceAccountId = spec.serviceAccountId();
        k.name = spec.name();
        k.kind = spec.kind();
        k.keyPrefix = KeyFormat.prefixOf(plain);
        k.keyHash = hasher.hash(plain);
        k.pepperVersion = (short) hasher.pepperVersion();
        k.keyCiphertext = spec.kind() == KeyKind.INGEST ? box.seal(plain, k.id.toString()) : null;
        k.status = ApiKey.ACTIVE;
        k.scopes = spec.scopes().toArray(String[]::new);
        k.expiresAt = spec.expiresAt();
        k.rateLimit = spec.rateLimit();
        k.rateWindowSeconds = spec.rateWindowSeconds();
        k.allowedCidrs = spec.allowedCidrs().toArray(String[]::new);
        k.meta = spec.metaJson();
        k.rotatedFrom = spec.rotatedFrom();
        k.createdBy = spec.createdBy();
        k.createdAt = now;
        k.updatedAt = now;
        return new IssuedKey(k, plain);
    }

    /** The plain value of an ingest key (API.md 4.7). */
    public String reveal(ApiKey key) {
        return box.open(key.keyCiphertext, key.id.toString());
    }
}
