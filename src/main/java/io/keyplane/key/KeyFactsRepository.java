package io.keyplane.key;

import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.changes.FollowedCache;
import io.keyplane.common.KeyplaneConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads for the credential pipeline, straight on the reactive pool: they are on every authenticated request and
 * every verification, where measured speed matters more than an entity mapping.
 */
@Singleton
public class KeyFactsRepository {

    private static final String BY_HASHES = """
            select k.key_hash, k.id, k.workspace_id, k.service_account_id, k.kind, k.key_prefix, k.status, k.scopes,
                   sa.scopes as account_scopes, sa.status as account_status, w.status as workspace_status,
                   k.expires_at, k.rate_limit, k.rate_window_seconds, k.allowed_cidrs, k.meta,
                   k.credits_remaining is not null as has_credits
            from api_key k
            join service_account sa on sa.id = k.service_account_id
            join workspace w on w.id = k.workspace_id
            where k.key_hash = any($1)""";
    /** Statements of key reads under way at once; more reads wait and go out together (see {@link FactsReads}). */
    static final int READS_IN_FLIGHT = 2;
    static final int READS_PER_STATEMENT = 64;

    private final Pool pool;
    private final FactsReads reads;
    private final Counter keysRead;
    private final Counter statements;

    /** Reads waiting for a statement are bounded like requests waiting for a connection (KEYPLANE_DB_MAX_WAIT_QUEUE). */
    @Inject
    KeyFactsRepository(Pool pool, KeyplaneConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.reads = new FactsReads(this::findAll, READS_IN_FLIGHT, READS_PER_STATEMENT, config.db().maxWaitQueue(),
                FollowedCache.DATABASE_TIMEOUT);
        this.keysRead = Counter.builder("keyplane.keys.reads")
                .description("Key hashes looked up in the database (cache misses, refreshes)").register(registry);
        this.statements = Counter.builder("keyplane.keys.read.statements")
                .description("Statements those lookups went out in: fewer than the reads when they were batched")
                .register(registry);
    }

    /** The key's facts, or null when no key has this hash. */
    public Uni<KeyFacts> findByHash(byte[] hash) {
        return reads.find(hash);
    }

    private Uni<Map<ByteBuffer, KeyFacts>> findAll(List<byte[]> hashes) {
        var values = new Buffer[hashes.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Buffer.buffer(hashes.get(i));
        }
        keysRead.increment(values.length);
        statements.increment();
        return pool.preparedQuery(BY_HASHES).execute(Tuple.of((Object) values)).map(rows -> {
            var found = new HashMap<ByteBuffer, KeyFacts>();
            for (var row : rows) {
                found.put(ByteBuffer.wrap(row.getBuffer("key_hash").getBytes()), toFacts(row));
            }
            return found;
        });
    }

    /** Moves a key to the current pepper: its hash is replaced only if it is still the old one. */
    public Uni<Void> rehash(UUID keyId, byte[] oldHash, byte[] newHash, int pepperVersion) {
        return pool.preparedQuery("update api_key set key_hash = $1, pepper_version = $2 where id = $3 and key_hash = $4")
                .execute(Tuple.of(Buffer.buffer(newHash), (short) pepperVersion, keyId, Buffer.buffer(oldHash)))
                .replaceWithVoid();
    }

    /** The outcome of spending credits: whether they were spent, and what remains (null: the key has none). */
    public record Spend(boolean spent, Long remaining) {
    }

    /** Spends {@code cost} credits of the key atomically, refilling first if a new period has begun. */
    public Uni<Spend> spendCredits(UUID keyId, long cost) {
        return pool.preparedQuery("select spent, remaining from keyplane_spend_credits($1, $2)")
                .execute(Tuple.of(keyId, cost))
                .map(rows -> {
                    var row = rows.iterator().next();
                    return new Spend(row.getBoolean("spent"), row.getLong("remaining"));
                });
    }

    /** The workspace's status ({@code active} or {@code deleted}), or null when there is no such workspace. */
    public Uni<String> workspaceStatus(UUID workspaceId) {
        return pool.preparedQuery("select status from workspace where id = $1").execute(Tuple.of(workspaceId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString("status") : null);
    }

    private static KeyFacts toFacts(Row row) {
        OffsetDateTime expires = row.getOffsetDateTime("expires_at");
        return new KeyFacts(row.getUUID("id"), row.getUUID("workspace_id"), row.getUUID("service_account_id"),
                KeyKind.fromWire(row.getString("kind")), row.getString("key_prefix"), row.getString("status"),
                Permissions.effective(list(row.getArrayOfStrings("scopes")), list(row.getArrayOfStrings("account_scopes"))),
                row.getString("account_status"), row.getString("workspace_status"),
                expires == null ? null : expires.toInstant(), row.getInteger("rate_limit"),
                row.getInteger("rate_window_seconds"), cidrs(row.getUUID("id"), row.getArrayOfStrings("allowed_cidrs")),
                row.getString("meta"), row.getBoolean("has_credits"));
    }

    /**
     * Parsed once here, so the cached facts spare verification the parsing. A stored rule that does not parse
     * (written by an older release, or by hand) fails closed: the key is refused from every address.
     */
    private static List<Cidr> cidrs(UUID keyId, String[] values) {
        var parsed = new java.util.ArrayList<Cidr>();
        for (var value : list(values)) {
            var cidr = Cidr.parse(value);
            if (cidr.isEmpty()) {
                Log.warnf("Key %s has an allowed_cidrs entry that does not parse: refused everywhere until it is fixed",
                        keyId);
                return List.of(Cidr.UNREADABLE);
            }
            parsed.add(cidr.get());
        }
        return List.copyOf(parsed);
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
