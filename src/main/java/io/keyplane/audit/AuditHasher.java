package io.keyplane.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.VersionedSecrets;

/**
 * The hash that chains audit events: HMAC-SHA-256 with KEYPLANE_AUDIT_KEY over the event's canonical JSON (every
 * field but the hash, {@code prev_hash} and the key version included). Whoever can write the database but does
 * not hold the key cannot rewrite the chain. The key's version is stored with each event, so the key can be
 * rotated; KEYPLANE_AUDIT_KEY_PREVIOUS keeps older versions verifiable. There is no unkeyed version: an event
 * of version 0 (a plain SHA-256 anyone can compute) breaks the chain wherever it stands.
 */
@Singleton
public class AuditHasher {

    private final int currentVersion;
    private final Map<Integer, byte[]> keys = new HashMap<>();

    @Inject
    AuditHasher(KeyplaneConfig config) {
        var audit = config.audit();
        this.currentVersion = audit.keyVersion();
        // SecretsCheck has already refused to start without a strong key outside dev and test
        keys.put(currentVersion, audit.key().orElse("").getBytes(StandardCharsets.UTF_8));
        var previousKeys = audit.keyPrevious().orElse(null);
        for (var previous : VersionedSecrets.parse("KEYPLANE_AUDIT_KEY_PREVIOUS", previousKeys, currentVersion, 0)) {
            keys.put(previous.version(), previous.value().getBytes(StandardCharsets.UTF_8));
        }
    }

    int currentVersion() {
        return currentVersion;
    }

    boolean knows(int version) {
        return keys.containsKey(version);
    }

    /** The event's hash, with the key of its own {@code keyVersion} (which {@link #knows}). */
    String hash(AuditEvent e) {
        return keyed(keys.get((int) e.keyVersion), e);
    }

    /** The MAC of a verification checkpoint, with the current key; null when the version is not configured. */
    String checkpointMac(int version, java.util.UUID workspaceId, long seq, String hash) {
        var key = keys.get(version);
        return key == null ? null : hmac(key, "checkpoint:" + workspaceId + ":" + seq + ":" + hash);
    }

    /** HMAC-SHA-256 of the event with {@code key}: public, so that a test can compute what a key holder would. */
    public static String keyed(byte[] key, AuditEvent e) {
        return hmac(key, canonicalJson(e));
    }

    private static String hmac(byte[] key, String text) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** What the hash covers: every stored field but the hash, as JSON with sorted names. */
    static String canonicalJson(AuditEvent e) {
        var canonical = canonical(e);
        canonical.put("key_version", (int) e.keyVersion);
        return AuditLog.toJson(canonical);
    }

    private static TreeMap<String, Object> canonical(AuditEvent e) {
        var canonical = new TreeMap<String, Object>();
        canonical.put("id", e.id.toString());
        canonical.put("workspace_id", e.workspaceId.toString());
        canonical.put("seq", e.seq);
        canonical.put("at", e.at.toString());
        canonical.put("actor_type", e.actorType);
        canonical.put("actor_id", e.actorId);
        canonical.put("actor_key_id", e.actorKeyId == null ? null : e.actorKeyId.toString());
        canonical.put("action", e.action);
        canonical.put("target_type", e.targetType);
        canonical.put("target_id", e.targetId);
        canonical.put("outcome", e.outcome);
        canonical.put("request_id", e.requestId);
        canonical.put("source_ip", e.sourceIp);
        canonical.put("user_agent", e.userAgent);
        canonical.put("changes", e.changes);
        canonical.put("prev_hash", e.prevHash);
        return canonical;
    }
}
