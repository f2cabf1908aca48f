package io.keyplane.credential;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;

/** HMAC-SHA-256 of a key with the server-side pepper: the only form in which keys are stored. */
@Singleton
public class KeyHasher {

    private final SecretKeySpec pepper;
    private final int pepperVersion;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac); // Mac is not thread-safe

    @Inject
    KeyHasher(KeyplaneConfig config) {
        // SecretsCheck has already refused to start without a pepper outside dev and test
        this.pepper = new SecretKeySpec(config.pepper().orElse("").getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.pepperVersion = config.pepperVersion();
    }

    public byte[] hash(String key) {
        return macs.get().doFinal(key.getBytes(StandardCharsets.US_ASCII));
    }

    public int pepperVersion() {
        return pepperVersion;
    }

    private Mac newMac() {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(pepper);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
