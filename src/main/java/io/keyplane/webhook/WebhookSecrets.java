package io.keyplane.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing secrets and Stripe's signature scheme: {@code Keyplane-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, t + "." + raw body)>}. The key is the whole secret string, prefix included, as UTF-8.
 */
final class WebhookSecrets {

    static final String PREFIX = "whsec_";
    static final String PATTERN = "^whsec_[A-Za-z0-9_-]{43}$";

    private WebhookSecrets() {
    }

    /** 256 random bits; {@code random} is a bean's, never a static's (native build-time initialisation). */
    static String newSecret(SecureRandom random) {
        var bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String signature(String secret, long unixSeconds, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
