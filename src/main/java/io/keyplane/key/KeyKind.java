package io.keyplane.key;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The three kinds of key (API.md section 1) and the tag each carries in its value. */
public enum KeyKind {
    API("api", "live"),
    SERVICE("service", "svc"),
    INGEST("ingest", "ing");

    /** The kinds that call APIs, accepted by verification and forward-auth unless told otherwise: ServiceKeys manage. */
    public static final Set<KeyKind> DATA_PLANE = Set.of(API, INGEST);
    private static final KeyKind[] KINDS = values();

    private final String wireName;
    private final String tag;

    KeyKind(String wireName, String tag) {
        this.wireName = wireName;
        this.tag = tag;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public String tag() {
        return tag;
    }

    @JsonCreator
    public static KeyKind fromWire(String value) {
        return parse(value).orElseThrow(() -> new IllegalArgumentException("kind must be api, service or ingest"));
    }

    public static Optional<KeyKind> parse(String value) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(value)).findFirst();
    }

    public static Optional<KeyKind> ofTag(String tag) {
        for (var kind : KINDS) { // a loop, not a stream: every token parsed on the hot path comes here
            if (kind.tag.equals(tag)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
