package io.keyplane.common;

import java.util.ArrayList;
import java.util.List;

/**
 * KEYPLANE_PEPPER_PREVIOUS: peppers still accepted during a rotation, as comma-separated {@code version:value}.
 * Messages name the variable and the version, never a value.
 */
public final class PreviousPeppers {

    /** One pepper a key may still be hashed with, and the version stored beside such hashes. */
    public record Pepper(int version, String value) {
        @Override
        public String toString() {
            return "Pepper[version=" + version + "]"; // never the value
        }
    }

    private PreviousPeppers() {
    }

    /** The peppers, in the order given; IllegalArgumentException saying what is wrong, without the values. */
    public static List<Pepper> parse(String text, int currentVersion, int minBytes) {
        var peppers = new ArrayList<Pepper>();
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
                throw new IllegalArgumentException("KEYPLANE_PEPPER_PREVIOUS entry " + (i + 1)
                        + " must be <version>:<pepper>, with a whole-number version");
            }
            var value = entry.substring(colon + 1);
            if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < minBytes) {
                throw new IllegalArgumentException("KEYPLANE_PEPPER_PREVIOUS version " + version + " must be at least "
                        + minBytes + " bytes");
            }
            final int v = version;
            if (version == currentVersion || peppers.stream().anyMatch(p -> p.version() == v)) {
                throw new IllegalArgumentException("KEYPLANE_PEPPER_PREVIOUS version " + version
                        + " is given twice (or is KEYPLANE_PEPPER_VERSION)");
            }
            peppers.add(new Pepper(version, value));
        }
        return peppers;
    }
}
