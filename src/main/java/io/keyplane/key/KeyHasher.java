package io.keyplane.key;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.VersionedSecrets;

/**
 * HMAC-SHA-256 of a key with the server-side pepper: the only form in which keys are stored. During a pepper
 * rotation the previous peppers (KEYPLANE_PEPPER_PREVIOUS) still recognise keys hashed with them.
 */
@Singleton
public class KeyHasher {

    /** A pepper's version and its MAC, one per thread (Mac is not thread-safe). */
    record Peppered(int version, ThreadLocal<Mac> macs) {
        byte[] hash(String key) {
            return macs.get().doFinal(key.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final Peppered current;
    private final List<Peppered> previous;

    @Inject
    KeyHasher(KeyplaneConfig config) {
        // SecretsCheck has already refused to start without a pepper outside dev and test, or with bad previous ones
        this.current = peppered(config.pepperVersion(), config.pepper().orElse(""));
        this.previous = VersionedSecrets.parse("KEYPLANE_PEPPER_PREVIOUS", config.pepperPrevious().orElse(null),
                config.pepperVersion(), 0).stream()
                .map(p -> peppered(p.version(), p.value())).toList();
    }

    public byte[] hash(String key) {
        return current.hash(key);
    }

    /** The key's hash under each pepper still accepted, the current one first: where a stored key may be found. */
    public List<byte[]> allHashes(String key) {
        var hashes = new ArrayList<byte[]>(1 + previous.size());
        hashes.add(current.hash(key));
        previous.forEach(p -> hashes.add(p.hash(key)));
        return hashes;
    }

    public int pepperVersion() {
        return current.version();
    }

    /** The peppers of a rotation still under way, newest given first; empty when none are configured. */
    List<Peppered> previous() {
        return previous;
    }

    private static Peppered peppered(int version, String pepper) {
        var spec = new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        return new Peppered(version, ThreadLocal.withInitial(() -> {
            try {
                var mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }));
    }
}
