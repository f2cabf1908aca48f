package io.keyplane.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.runtime.StartupEvent;

/** Refuses to start with a missing or weak secret; messages name the variable, never its value. */
@Singleton
public class SecretsCheck {

    static final int MIN_PEPPER_BYTES = 32;

    void onStart(@Observes @Priority(10) StartupEvent event, KeyplaneConfig config) {
        var problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Keyplane cannot start: " + String.join("; ", problems));
        }
        if (config.operatorToken().isEmpty()) {
            Log.info("KEYPLANE_OPERATOR_TOKEN is not set: operator access is disabled");
        } else if (ConfigUtils.getProfiles().contains("dev") && System.getenv("KEYPLANE_OPERATOR_TOKEN") == null) {
            Log.info("Dev mode: the operator token is the development default from application.properties"
                    + " (%dev.keyplane.operator-token, see README); set KEYPLANE_OPERATOR_TOKEN to use your own");
        }
    }

    static java.util.List<String> problems(KeyplaneConfig config) {
        var problems = new java.util.ArrayList<String>();
        var pepper = config.pepper().orElse("");
        if (pepper.getBytes(StandardCharsets.UTF_8).length < MIN_PEPPER_BYTES) {
            problems.add("KEYPLANE_PEPPER must be set to at least " + MIN_PEPPER_BYTES + " bytes");
        }
        if (decodedLength(config.encryptionKey().orElse("")) != 32) {
            problems.add("KEYPLANE_ENCRYPTION_KEY must be the base64 encoding of exactly 32 random bytes");
        }
        var audit = config.audit();
        if (audit == null || audit.key().orElse("").getBytes(StandardCharsets.UTF_8).length < MIN_PEPPER_BYTES) {
            problems.add("KEYPLANE_AUDIT_KEY must be set to at least " + MIN_PEPPER_BYTES + " bytes");
        } else if (audit.keyVersion() < 1) {
            problems.add("KEYPLANE_AUDIT_KEY_VERSION must be 1 or more (0 marks events from before the key)");
        } else {
            try {
                VersionedSecrets.parse("KEYPLANE_AUDIT_KEY_PREVIOUS", audit.keyPrevious().orElse(null), audit.keyVersion(),
                        MIN_PEPPER_BYTES);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        try {
            VersionedSecrets.parse("KEYPLANE_PEPPER_PREVIOUS", config.pepperPrevious().orElse(null), config.pepperVersion(),
                    MIN_PEPPER_BYTES);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        config.operatorToken().filter(t -> t.length() < 16)
                .ifPresent(t -> problems.add("KEYPLANE_OPERATOR_TOKEN must be at least 16 characters"));
        return problems;
    }

    private static int decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64.trim()).length;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
