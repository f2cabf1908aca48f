package io.keyplane.credential;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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
            if (ALPHABET.indexOf(token.charAt(i)) < 0) {
                return Optional.empty();
            }
        }
        var body = token.substring(0, token.length() - CHECKSUM_CHARS);
        return checksum(body).equals(token.substring(body.length())) ? kind : Optional.empty();
    }

    public static String prefixOf(String key) {
        return key.substring(0, PREFIX_LENGTH);
    }

    static String checksum(String body) {
        var crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return base62(BigInteger.valueOf(crc.getValue()), CHECKSUM_CHARS);
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
