package io.keyplane.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * {@code limit} (1-200, default 50) and an opaque {@code cursor}: the position (time, id) of the last item of
 * the previous page, for keyset paging newest first.
 */
public record PageRequest(int limit, Instant afterAt, String afterId) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static PageRequest of(String limit, String cursor) {
        int parsedLimit = parseLimit(limit);
        if (cursor == null || cursor.isEmpty()) {
            return new PageRequest(parsedLimit, null, null);
        }
        try {
            var parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 2);
            if (parts.length == 2 && !parts[1].isEmpty()) {
                return new PageRequest(parsedLimit, Instant.ofEpochMilli(Long.parseLong(parts[0])), parts[1]);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw badCursor();
    }

    public boolean hasCursor() {
        return afterId != null;
    }

    public UUID afterUuid() {
        try {
            return UUID.fromString(afterId);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    public long afterLong() {
        try {
            return Long.parseLong(afterId);
        } catch (NumberFormatException e) {
            throw badCursor();
        }
    }

    public static String cursorOf(Instant at, Object id) {
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

    private static KeyplaneException badCursor() {
        return KeyplaneException.validation("cursor", "is not a cursor this API issued");
    }
}
