package io.keyplane.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Earlier versions of a rotated secret, as comma-separated {@code version:value} (KEYPLANE_PEPPER_PREVIOUS,
 * KEYPLANE_AUDIT_KEY_PREVIOUS). Messages name the variable and the version, never a value.
 */
public final class VersionedSecrets {

    /** One earlier secret, and the version stored beside what it made. */
    public record Secret(int version, String value) {
        @Override
        public String toString() {
            return "Secret[version=" + version + "]"; // never the value
        }
    }

    private VersionedSecrets() {
    }

    /** The secrets, in the order given; IllegalArgumentException saying what is wrong, without the values. */
    public static List<Secret> parse(String variable, String text, int currentVersion, int minBytes) {
        var peppers = new ArrayList<Secret>();
        if (text == null || text.isBlank()) {
            return peppers;
        }
        var entries = text.split(",");
        for (int i = 0; i < entries.length; i++) {
            var entry = entries[i].trim();
            int colon = entry.indexOf(':');
            int version;
            try {
                version = Integer.parseInt(entry.substring(0, Math.max(colon, 0)).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(variable + " entry " + (i + 1)
                        + " must be <version>:<pepper>, with a whole-number version");
            }
            var value = entry.substring(colon + 1);
            if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < minBytes) {
                throw new IllegalArgumentException(variable + " version " + version + " must be at least "
                        + minBytes + " bytes");
            }
            final int v = version;
            if (version == currentVersion || peppers.stream().anyMatch(p -> p.version() == v)) {
                throw new IllegalArgumentException(variable + " version " + version
                        + " is given twice, or is the current version");
            }
            peppers.add(new Secret(version, value));
        }
        return peppers;
    }
}
