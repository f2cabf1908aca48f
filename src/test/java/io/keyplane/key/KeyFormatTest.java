package io.keyplane.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.keyplane.key.KeyKind;

class KeyFormatTest {

    final KeyFormat format = new KeyFormat();

    @Test
    void generatedKeysCarryKindTagAndValidChecksum() {
        for (var kind : KeyKind.values()) {
            var key = format.generate(kind);
            assertTrue(key.startsWith("kp_" + kind.tag() + "_"), key.substring(0, 8));
            assertEquals(Optional.of(kind), format.parse(key));
            assertEquals(3 + kind.tag().length() + 1 + 43 + 6, key.length());
        }
    }

    @Test
    void everySingleCharacterTypoIsRejected() {
        var key = format.generate(KeyKind.API);
        for (int i = 8; i < key.length(); i++) {
            var c = key.charAt(i) == 'x' ? 'y' : 'x';
            var typo = key.substring(0, i) + c + key.substring(i + 1);
            assertEquals(Optional.empty(), format.parse(typo), "position " + i);
        }
    }

    @Test
    void truncatedOversizedAndForeignTokensAreRejected() {
        var key = format.generate(KeyKind.INGEST);
        assertEquals(Optional.empty(), format.parse(key.substring(0, key.length() - 1)));
        assertEquals(Optional.empty(), format.parse(key + "0"));
        assertEquals(Optional.empty(), format.parse("kp_xxx_" + key.substring(7)));
        assertEquals(Optional.empty(), format.parse("x".repeat(10_000)));
        assertEquals(Optional.empty(), format.parse(null));
    }

    @Test
    void keysAreUnique() {
        assertNotEquals(format.generate(KeyKind.API), format.generate(KeyKind.API));
    }
}
