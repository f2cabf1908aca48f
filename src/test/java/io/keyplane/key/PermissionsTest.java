package io.keyplane.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The hand-written name and grant checks answer exactly as the patterns they replace on the hot path. */
class PermissionsTest {

    private static boolean namePattern(String s) {
        return s != null && s.length() <= Permissions.MAX_NAME_LENGTH && Permissions.NAME.matcher(s).matches();
    }

    private static boolean grantPattern(String s) {
        return namePattern(s) || s != null && s.length() <= Permissions.MAX_NAME_LENGTH
                && Permissions.WILDCARD.matcher(s).matches();
    }

    @Test
    void namesAndGrantsAsTheContractWritesThem() {
        for (var good : List.of("keys:verify", "orders:read", "a:b", "billing-v2:read_all", "x9:y-1")) {
            assertTrue(Permissions.isName(good), good);
            assertTrue(Permissions.isGrant(good), good);
        }
        for (var wildcard : List.of("keys:*", "a:*", "billing_v2:*")) {
            assertFalse(Permissions.isName(wildcard), wildcard);
            assertTrue(Permissions.isGrant(wildcard), wildcard);
        }
        for (var bad : List.of("", ":", "keys", "keys:", ":read", "Keys:read", "keys:Read", "1keys:read", "keys:1read",
                "keys:read:more", "keys :read", "keys:read\n", "*:read", "*:*", "keys:**", "keys:*x", "k\u00e9ys:read")) {
            assertFalse(Permissions.isName(bad), bad);
            assertFalse(Permissions.isGrant(bad), bad);
        }
        assertFalse(Permissions.isName(null));
        assertFalse(Permissions.isGrant(null));
        assertTrue(Permissions.isName("a:" + "b".repeat(98)));
        assertFalse(Permissions.isName("a:" + "b".repeat(99)));
        assertTrue(Permissions.isGrant("a".repeat(98) + ":*"));
        assertFalse(Permissions.isGrant("a".repeat(99) + ":*"));
    }

    @Test
    void randomStringsOverTheSameAlphabetAgreeWithThePatterns() {
        var alphabet = "ab9_-:*Z \n".toCharArray();
        var random = new Random(42);
        var tried = new ArrayList<String>();
        for (int i = 0; i < 200_000; i++) {
            var chars = new char[random.nextInt(8)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = alphabet[random.nextInt(alphabet.length)];
            }
            var s = new String(chars);
            assertEquals(namePattern(s), Permissions.isName(s), s);
            assertEquals(grantPattern(s), Permissions.isGrant(s), s);
            if (grantPattern(s)) {
                tried.add(s);
            }
        }
        assertTrue(tried.size() > 100, "the corpus holds valid names and grants too: " + tried.size());
    }
}
