package io.keyplane.apikey;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.databind.JsonNode;

import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.auth.ClientAddresses;
import io.keyplane.changes.ChangeFeed;
import io.keyplane.common.FieldError;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.keyplane.key.KeyFactsCache;
import io.keyplane.key.KeyFormat;
import io.keyplane.key.KeyHasher;
import io.keyplane.ratelimit.LocalRateWindows;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Leaked-key reports (API.md section 9), from anyone who holds a leaked key, or from a secret scanner. Each
 * well-formed key that exists and still works (active, paused, or inside a rotation's grace period) is revoked, or
 * paused where its workspace's {@code leak_action} says so, in a transaction of its own with an
 * {@code api_key.leaked} audit event that names the source. The answer never says which keys existed.
 */
@ApplicationScoped
public class LeakReports {

    static final int MAX_KEYS = 1_000;
    static final int MAX_SOURCE_LENGTH = 2_048;
    private static final long MINUTE = 60_000;
    /** Longer than any key, so a key with stray characters around it is still read (and ignored), not refused. */
    static final int MAX_KEY_LENGTH = KeyFormat.MAX_LENGTH * 4;

    /** The keys of one report, and where each was found (a URL, or the scanner's word for it). */
    public record Report(List<Leak> leaks) {
    }

    /** {@code type}: the scanner's name for the token's format (GitHub's), else null. */
    record Leak(String key, String source, String type) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private final ApiKeyRepository keys;
    private final WorkspaceKeyRules rules;
    private final Pool pool;
    private final KeyFormat format;
    private final KeyHasher hasher;
    private final ChangeFeed keyChanges;
    private final AuditLog audit;
    private final Clock clock;
    private final int limit;
    private final LocalRateWindows<String> reportsPerAddress = new LocalRateWindows<>(100_000, Duration.ofMinutes(2));

    @Inject
    LeakReports(ApiKeyRepository keys, WorkspaceKeyRules rules, Pool pool, KeyFormat format, KeyHasher hasher,
            ChangeFeed keyChanges, AuditLog audit, Clock clock, KeyplaneConfig config) {
        this.keys = keys;
        this.rules = rules;
        this.pool = pool;
        this.format = format;
        this.hasher = hasher;
        this.keyChanges = keyChanges;
        this.audit = audit;
        this.clock = clock;
        this.limit = config.leakReportLimit();
    }

    /**
     * 429 once {@code address} has sent its reports for this minute. Only reports naming a well-formed key count:
     * anything else costs nothing (no hash, no lookup), so junk cannot use up the place of a real report.
     */
    public void admit(String address, Report report) {
        if (report.leaks().stream().noneMatch(leak -> format.parse(leak.key()).isPresent())) {
            return;
        }
        var now = clock.instant();
        long start = LocalRateWindows.windowStart(now, MINUTE);
        var counted = ClientAddresses.counted(address);
        if (reportsPerAddress.count(counted == null ? "" : counted, start) > limit) {
            throw KeyplaneException.rateLimited(Math.max(1, (start + MINUTE - now.toEpochMilli() + 999) / 1000));
        }
    }

    /**
     * Keyplane's own form {@code {"keys": [...], "source": "..."}}, or GitHub secret scanning's array of
     * {@code {token, type, url, source}}; 400 for anything else.
     */
    public static Report parse(JsonNode body) {
        var leaks = new ArrayList<Leak>();
        if (body != null && body.isObject()) {
            var keys = body.get("keys");
            var source = text(body.get("source"), "source", MAX_SOURCE_LENGTH, false);
            if (keys == null || !keys.isArray() || keys.isEmpty() || keys.size() > MAX_KEYS) {
                throw KeyplaneException.validation("keys", "must be an array of 1 to " + MAX_KEYS + " keys");
            }
            body.fieldNames().forEachRemaining(name -> {
                if (!name.equals("keys") && !name.equals("source")) {
                    throw KeyplaneException.validation(name, "unknown field");
                }
            });
            for (int i = 0; i < keys.size(); i++) {
                leaks.add(new Leak(text(keys.get(i), "keys[" + i + "]", MAX_KEY_LENGTH, true), source, null));
            }
        } else if (body != null && body.isArray() && !body.isEmpty() && body.size() <= MAX_KEYS) {
            for (int i = 0; i < body.size(); i++) { // GitHub: [{"token", "type", "url", "source"}]
                var item = body.get(i);
                if (!item.isObject()) {
                    throw KeyplaneException.validation("[" + i + "]", "must be an object with token");
                }
                var token = text(item.get("token"), "[" + i + "].token", MAX_KEY_LENGTH, true);
                var url = text(item.get("url"), "[" + i + "].url", MAX_SOURCE_LENGTH, false);
                var where = text(item.get("source"), "[" + i + "].source", MAX_SOURCE_LENGTH, false);
                var type = text(item.get("type"), "[" + i + "].type", MAX_SOURCE_LENGTH, false);
                leaks.add(new Leak(token, url != null ? url : where == null ? "github" : "github " + where, type));
            }
        } else {
            throw KeyplaneException.validation("body", "must be {\"keys\": [...], \"source\": \"...\"} or an array of "
                    + "{\"token\": ...} (1 to " + MAX_KEYS + " keys)");
        }
        return new Report(List.copyOf(leaks));
    }

    /**
     * Acts on each leaked key that exists: one unlocked lookup for all of them (every accepted pepper's hash), then a
     * transaction only per key found. Forged keys that pass the checksum therefore cost one query together, not
     * a transaction each. Every key that still worked stops working before this completes. The answer: the plain
     * keys that exist (whatever their state), for a signed scanner's feedback only.
     */
    public Uni<Set<String>> handle(Report report) {
        var named = new LinkedHashMap<String, String>(); // distinct keys, each with the first source naming it
        for (var leak : report.leaks()) {
            if (format.parse(leak.key()).isPresent()) { // a checksum that fails names no key: no hash, no lookup
                named.putIfAbsent(leak.key(), leak.source());
            }
        }
        var keyOfHash = new HashMap<String, String>();
        named.keySet().forEach(key -> hasher.allHashes(key).forEach(hash -> keyOfHash.put(HEX.formatHex(hash), key)));
        if (keyOfHash.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        var hashes = keyOfHash.keySet().stream().map(h -> Buffer.buffer(HEX.parseHex(h))).toArray(Buffer[]::new);
        return pool.preparedQuery("select id, key_hash from api_key where key_hash = any($1)").execute(Tuple.of((Object) hashes))
                .chain(rows -> {
                    var found = new HashSet<String>();
                    Uni<Void> done = Uni.createFrom().voidItem();
                    for (var row : rows) {
                        var id = row.getUUID("id");
                        var key = keyOfHash.get(HEX.formatHex(row.getBuffer("key_hash").getBytes()));
                        found.add(key);
                        done = done.chain(() -> stop(id, key, named.get(key)));
                    }
                    return done.replaceWith(Set.copyOf(found));
                });
    }

    private Uni<Void> stop(UUID id, String plainKey, String source) {
        // the cache knows a key by its current-pepper hash, the row may still hold an older one: evict both
        var cachedAs = KeyFactsCache.changeOfKey(hasher.hash(plainKey));
        return Panache.withTransaction(() -> keys.findById(id, LockModeType.PESSIMISTIC_WRITE)
                .chain(key -> key == null || !stillWorks(key) ? Uni.createFrom().<ApiKey>nullItem()
                        : rules.leakAction(key.workspaceId).chain(action -> act(key, action, source))
                                .call(() -> keyChanges.announce(cachedAs))))
                .invoke(key -> {
                    if (key != null) {
                        keyChanges.evictHere(KeyFactsCache.changeOfKey(key.keyHash));
                        keyChanges.evictHere(cachedAs);
                    }
                })
                .replaceWithVoid();
    }

    private Uni<ApiKey> act(ApiKey key, String action, String source) {
        var now = clock.instant();
        var before = key.status;
        if ("pause".equals(action)) {
            key.status = ApiKey.PAUSED;
            key.updatedAt = now;
        } else {
            key.revoke(now);
        }
        var changes = Changes.none().field("status", before, key.status).created("leak_action", action)
                .created("source", source);
        return audit.success(key.workspaceId, "api_key.leaked", "api_key", key.id, changes)
                .call(() -> keyChanges.announce(KeyFactsCache.changeOfKey(key.keyHash)))
                .replaceWith(key);
    }

    private boolean stillWorks(ApiKey key) {
        var status = key.statusAt(clock.instant());
        return ApiKey.ACTIVE.equals(status) || ApiKey.PAUSED.equals(status);
    }

    private static String text(JsonNode node, String field, int maxLength, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw KeyplaneException.validation(field, "is required");
            }
            return null;
        }
        if (!node.isTextual() || node.textValue().length() > maxLength) {
            throw KeyplaneException.validation(List.of(new FieldError(field,
                    "must be a string of at most " + maxLength + " characters")));
        }
        return node.textValue();
    }
}
