package io.keyplane.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * {@code limit} (1-200, default 50) and an opaque {@code cursor}: the position (created_at, id) of the last
 * item of the previous page, for keyset paging newest first.
 */
public record PageRequest(int limit, Instant afterAt, UUID afterId) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static PageRequest of(String limit, String cursor) {
        return new PageRequest(parseLimit(limit), cursorInstant(cursor), cursorId(cursor));
    }

    public boolean hasCursor() {
        return afterId != null;
    }

    public static String cursorOf(Instant at, UUID id) {
        var raw = at.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static int parseLimit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw KeyplaneException.validation("limit", "must be an integer from 1 to " + MAX_LIMIT);
    }

    private static String[] decode(String cursor) {
        try {
            var parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 2);
            if (parts.length == 2) {
                Long.parseLong(parts[0]);
                UUID.fromString(parts[1]);
                return parts;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw KeyplaneException.validation("cursor", "is not a cursor this API issued");
    }

    private static Instant cursorInstant(String cursor) {
        return cursor == null || cursor.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(decode(cursor)[0]));
    }

    private static UUID cursorId(String cursor) {
        return cursor == null || cursor.isEmpty() ? null : UUID.fromString(decode(cursor)[1]);
    }
}
