package io.keyplane.apikey;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.common.Digests;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.SecretBox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Idempotency-Key for key creation, per (workspace, calling key, Idempotency-Key), for 24 hours: one caller's
 * retry can never replay what another caller created. Runs inside the creating transaction: the claim is an
 * insert-if-absent, so a concurrent retry waits for the first request's commit and then replays it. What is kept
 * to replay (the key id and its plain value) is sealed with AES-GCM, bound to its record, never stored in clear.
 * Records older than 24 hours are purged every {@code keyplane.idempotency.purge-interval}.
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

    /**
     * Null when this request is the caller's first with the key (and now owns it), else the result of the caller's
     * first request. {@code caller}: the calling key's id, or "operator".
     */
    public Uni<Replay> claim(UUID workspaceId, String caller, String idempotencyKey, String requestJson) {
        var fingerprint = Digests.sha256Hex(requestJson);
        return records.deleteExpired(workspaceId, caller, idempotencyKey)
                .chain(() -> records.claim(workspaceId, caller, idempotencyKey, fingerprint))
                .chain(claimed -> claimed ? Uni.createFrom().nullItem()
                        : records.find(workspaceId, caller, idempotencyKey)
                                .map(stored -> replayOf(stored, workspaceId, caller, idempotencyKey, fingerprint)));
    }

    public Uni<Void> complete(UUID workspaceId, String caller, String idempotencyKey, IssuedKey issued) {
        var sealed = box.seal(issued.entity().id + ":" + issued.plainKey(), aad(workspaceId, caller, idempotencyKey));
        return records.complete(workspaceId, caller, idempotencyKey, sealed);
    }

    /** Every 24-hour-old record goes, so sealed replays of plain keys are not kept longer than they are useful. */
    @Scheduled(every = "${keyplane.idempotency.purge-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purgeExpired() {
        return Panache.withTransaction(records::deleteAllExpired)
                .invoke(purged -> Log.debugf("Purged %d expired idempotency records", purged))
                .onFailure().invoke(e -> Log.warnf("Purging idempotency records failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Replay replayOf(IdempotencyRepository.Stored stored, UUID workspaceId, String caller, String idempotencyKey,
            String fingerprint) {
        if (!fingerprint.equals(stored.fingerprint())) {
            throw KeyplaneException.unprocessable("idempotency_key_reused", "Idempotency-Key",
                    "This Idempotency-Key was used with a different request body");
        }
        String opened;
        try {
            opened = box.open(stored.sealedResult(), aad(workspaceId, caller, idempotencyKey));
        } catch (IllegalStateException e) { // sealed under an encryption key since replaced (SECURITY.md)
            throw KeyplaneException.unprocessable("idempotency_key_reused", "Idempotency-Key",
                    "The first result of this Idempotency-Key can no longer be replayed; send a new one");
        }
        int colon = opened.indexOf(':');
        return new Replay(UUID.fromString(opened.substring(0, colon)), opened.substring(colon + 1));
    }

    private static String aad(UUID workspaceId, String caller, String idempotencyKey) {
        return "idempotency:" + workspaceId + ":" + caller + ":" + idempotencyKey;
    }
}
