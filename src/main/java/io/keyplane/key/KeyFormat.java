package io.keyplane.key;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.zip.CRC32;

import jakarta.inject.Singleton;


/**
 * {@code kp_<tag>_<random><checksum>}: 32 CSPRNG bytes as 43 base62 characters, then 6 base62 characters of
 * the CRC32 of everything before them, so typos and truncations are rejected before any database access.
 */
@Singleton
public class KeyFormat {

    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final int RANDOM_BYTES = 32;
    static final int RANDOM_CHARS = 43; // ceil(256 / log2(62))
    static final int CHECKSUM_CHARS = 6; // 62^6 > 2^32
    /** Longest well-formed key ("kp_live_" + 43 + 6); anything longer is rejected without hashing. */
    public static final int MAX_LENGTH = 8 + RANDOM_CHARS + CHECKSUM_CHARS;
    public static final int PREFIX_LENGTH = 12;
    /** What a key looks like, for documents (the checksum is checked by {@link #parse}). */
    public static final String PATTERN = "^kp_(svc|live|ing)_[0-9A-Za-z]+$";

    private final SecureRandom random = new SecureRandom(); // per bean, never in a static (native build-time init)

    public String generate(KeyKind kind) {
        var bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        var body = "kp_" + kind.tag() + "_" + base62(new BigInteger(1, bytes), RANDOM_CHARS);
        return body + checksum(body);
    }

    /** The kind of a well-formed key with a valid checksum; empty for anything else. */
    public Optional<KeyKind> parse(String token) {
        if (token == null || token.length() > MAX_LENGTH || !token.startsWith("kp_")) {
            return Optional.empty();
        }
        int tagEnd = token.indexOf('_', 3);
        if (tagEnd < 0) {
            return Optional.empty();
        }
        var kind = KeyKind.ofTag(token.substring(3, tagEnd));
        if (kind.isEmpty() || token.length() != tagEnd + 1 + RANDOM_CHARS + CHECKSUM_CHARS) {
            return Optional.empty();
        }
        for (int i = tagEnd + 1; i < token.length(); i++) {
            if (!isBase62(token.charAt(i))) {
                return Optional.empty();
            }
        }
        // on every authentication and verification: compare the checksum digits without building strings
        long crc = crc32(token, token.length() - CHECKSUM_CHARS);
        for (int i = token.length() - 1; i >= token.length() - CHECKSUM_CHARS; i--) {
            if (token.charAt(i) != ALPHABET.charAt((int) (crc % 62))) {
                return Optional.empty();
            }
            crc /= 62;
        }
        return kind;
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static long crc32(String ascii, int length) {
        var crc = new CRC32();
        for (int i = 0; i < length; i++) {
            crc.update(ascii.charAt(i));
        }
        return crc.getValue();
    }

    public static String prefixOf(String key) {
        return key.substring(0, PREFIX_LENGTH);
    }

    static String checksum(String body) {
        return base62(BigInteger.valueOf(crc32(body, body.length())), CHECKSUM_CHARS);
    }

    static String base62(BigInteger value, int width) {
        var chars = new char[width];
        var base = BigInteger.valueOf(62);
        for (int i = width - 1; i >= 0; i--) {
            var qr = value.divideAndRemainder(base);
            chars[i] = ALPHABET.charAt(qr[1].intValue());
            value = qr[0];
        }
        return new String(chars);
    }
}
