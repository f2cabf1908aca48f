package io.keyplane.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class SecretsCheckTest {

    static final String STRONG_PEPPER = "p".repeat(32);
    static final String AES_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void strongSecretsPass() {
        assertEquals(java.util.List.of(), SecretsCheck.problems(config(STRONG_PEPPER, AES_KEY, null)));
    }

    @Test
    void missingOrWeakPepperIsNamedWithoutItsValue() {
        var problems = SecretsCheck.problems(config("short-secret-pepper", AES_KEY, null));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("KEYPLANE_PEPPER"));
        assertFalse(problems.get(0).contains("short-secret-pepper"));
        assertTrue(SecretsCheck.problems(config(null, AES_KEY, null)).get(0).startsWith("KEYPLANE_PEPPER"));
    }

    @Test
    void encryptionKeyMustBeBase64Of32Bytes() {
        assertTrue(SecretsCheck.problems(config(STRONG_PEPPER, null, null)).get(0).startsWith("KEYPLANE_ENCRYPTION_KEY"));
        assertTrue(SecretsCheck.problems(config(STRONG_PEPPER, "not base64!", null)).get(0)
                .startsWith("KEYPLANE_ENCRYPTION_KEY"));
        var sixteen = Base64.getEncoder().encodeToString(new byte[16]);
        assertTrue(SecretsCheck.problems(config(STRONG_PEPPER, sixteen, null)).get(0).startsWith("KEYPLANE_ENCRYPTION_KEY"));
    }

    @Test
    void shortOperatorTokenIsRefused() {
        assertTrue(SecretsCheck.problems(config(STRONG_PEPPER, AES_KEY, "abc")).get(0).startsWith("KEYPLANE_OPERATOR_TOKEN"));
    }

    @Test
    void aMissingOrWeakAuditKeyIsNamedWithoutItsValue() {
        for (var weak : new String[] { null, "", "k".repeat(31) }) {
            var problems = SecretsCheck.problems(config(STRONG_PEPPER, AES_KEY, null, null, weak));
            assertEquals(List.of("KEYPLANE_AUDIT_KEY must be set to at least 32 bytes"), problems);
        }
    }

    @Test
    void previousPeppersMustBeVersionedStrongAndDistinct() {
        assertTrue(SecretsCheck.problems(config(STRONG_PEPPER, AES_KEY, null, "1:" + STRONG_PEPPER)).isEmpty());
        for (var bad : new String[] { "x" + STRONG_PEPPER, "1:short", "2:" + STRONG_PEPPER, "1:" + STRONG_PEPPER + ",1:" + STRONG_PEPPER }) {
            var problems = SecretsCheck.problems(config(STRONG_PEPPER, AES_KEY, null, bad));
            assertEquals(1, problems.size(), bad);
            assertTrue(problems.get(0).startsWith("KEYPLANE_PEPPER_PREVIOUS"), problems.get(0));
            org.junit.jupiter.api.Assertions.assertFalse(problems.get(0).contains(STRONG_PEPPER), "never the value");
        }
    }

    static KeyplaneConfig config(String pepper, String encryptionKey, String operatorToken) {
        return config(pepper, encryptionKey, operatorToken, null);
    }

    static KeyplaneConfig config(String pepper, String encryptionKey, String operatorToken, String previous) {
        return config(pepper, encryptionKey, operatorToken, previous, STRONG_PEPPER);
    }

    /** The settings as SmallRye Config maps them, from these values and every default: no hand-made copy to keep up. */
    static KeyplaneConfig config(String pepper, String encryptionKey, String operatorToken, String previous,
            String auditKey) {
        var values = new java.util.HashMap<String, String>();
        values.put("keyplane.pepper-version", "2");
        putIfSet(values, "keyplane.pepper", pepper);
        putIfSet(values, "keyplane.encryption-key", encryptionKey);
        putIfSet(values, "keyplane.operator-token", operatorToken);
        putIfSet(values, "keyplane.pepper-previous", previous);
        putIfSet(values, "keyplane.audit.key", auditKey);
        return io.keyplane.support.Settings.of(values);
    }

    private static void putIfSet(java.util.Map<String, String> values, String name, String value) {
        if (value != null) {
            values.put(name, value);
        }
    }
}
