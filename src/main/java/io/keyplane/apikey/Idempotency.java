package io.keyplane.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.common.KeyplaneException;
import io.keyplane.common.SecretBox;
import io.smallrye.mutiny.Uni;

/**
 * Idempotency-Key for key creation, per workspace, for 24 hours. Runs inside the creating transaction: the
 * claim is an insert-if-absent, so a concurrent retry waits for the first request's commit and then replays it.
 * What is kept to replay (the key id and its plain value) is sealed with AES-GCM, never stored in clear.
 */
@ApplicationScoped
public class Idempotency {

    static final int MAX_KEY_LENGTH = 255;

    /** What a replay returns: the key made by the first request, and its plain value. */
    public record Replay(UUID keyId, String plainKey) {
    }

    private final IdempotencyRepository records;
    private final SecretBox box;

    @Inject
    Idempotency(IdempotencyRepository records, SecretBox box) {
        this.records = records;
        this.box = box;
    }

    public static void validate(String idempotencyKey) {
        if (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_KEY_LENGTH
                || !idempotencyKey.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)) {
            throw KeyplaneException.validation("Idempotency-Key", "must be 1-255 visible ASCII characters");
        }
    }

    /** Null when this request is the first with the key (and now owns it), else the first request's result. */
    public Uni<Replay> claim(UUID workspaceId, String idempotencyKey, String requestJson) {
        var fingerprint = sha256(requestJson);
        return records.deleteExpired(workspaceId, idempotencyKey)
                .chain(() -> records.claim(workspaceId, idempotencyKey, fingerprint))
                .chain(claimed -> claimed ? Uni.createFrom().nullItem()
                        : records.find(workspaceId, idempotencyKey)
                                .map(stored -> replayOf(stored, workspaceId, idempotencyKey, fingerprint)));
    }

    public Uni<Void> complete(UUID workspaceId, String idempotencyKey, IssuedKey issued) {
        var sealed = box.seal(issued.entity().id + ":" + issued.plainKey(), aad(workspaceId, idempotencyKey));
        return records.complete(workspaceId, idempotencyKey, sealed);
    }

    private Replay replayOf(IdempotencyRepository.Stored stored, UUID workspaceId, String idempotencyKey,
            String fingerprint) {
        if (!fingerprint.equals(stored.fingerprint())) {
            throw KeyplaneException.unprocessable("idempotency_key_reused", "Idempotency-Key",
                    "This Idempotency-Key was used with a different request body");
        }
        var opened = box.open(stored.sealedResult(), aad(workspaceId, idempotencyKey));
        int colon = opened.indexOf(':');
        return new Replay(UUID.fromString(opened.substring(0, colon)), opened.substring(colon + 1));
    }

    private static String aad(UUID workspaceId, String idempotencyKey) {
        return "idempotency:" + workspaceId + ":" + idempotencyKey;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
