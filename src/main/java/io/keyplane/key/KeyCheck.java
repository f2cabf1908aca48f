package io.keyplane.key;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.changes.FollowedCache;
import io.keyplane.common.DatabaseOutage;
import io.keyplane.ratelimit.RateLimiter;
import io.keyplane.usage.Origin;
import io.keyplane.usage.UsageRecorder;
import io.smallrye.mutiny.Uni;

/**
 * The one credential pipeline. Authentication of a bearer token and {@code POST /api/v1/keys/verify} both run
 * {@link #check}: format and checksum (no hashing for a malformed key), hash, facts (cache, then database),
 * denial, workspace binding, CIDR, scopes, rate limit, credits, and the use recorded. Cheapest first; the rate limit
 * is counted only for a use that would otherwise be valid, and credits are spent only after it passes.
 * <p>
 * Facts come from {@link KeyFactsCache} (a {@link FollowedCache}: from memory while this replica listens for changes,
 * else read through, the cached facts answering during a database outage and nothing else: 503, never NOT_FOUND).
 */
@Singleton
public class KeyCheck {

    /** The longest a credit spend may wait for the database: after it, the call is 503. */
    static final Duration DATABASE_TIMEOUT = FollowedCache.DATABASE_TIMEOUT;

    /**
     * What a use must satisfy. {@code workspaceId} null: any workspace (another workspace's key is NOT_FOUND).
     * {@code kinds} null: any kind. {@code sourceIp} is checked against the key's CIDRs (every use is bound by them).
     * {@code recordAs} null: the caller records the use itself, once it knows the outcome (authentication records
     * it from the response). {@code cost} null: credits are not involved (authentication). {@code lookups} null:
     * a key this replica has not cached is looked up; else only when the gate lets it (a throttled address).
     */
    public record Requirements(UUID workspaceId, Set<KeyKind> kinds, List<String> scopes, String sourceIp,
            Origin recordAs, Long cost, LookupGate lookups) {

        /** A bearer token, used from {@code clientAddress}: any kind, any workspace, within the key's CIDRs. */
        public static Requirements authentication(String clientAddress, LookupGate lookups) {
            return new Requirements(null, null, List.of(), clientAddress, null, null, lookups);
        }

        public static Requirements verification(UUID workspaceId, Set<KeyKind> kinds, List<String> scopes,
                String sourceIp, Origin origin, long cost) {
            return new Requirements(workspaceId, kinds, scopes, sourceIp, origin, cost, null);
        }
    }

    /** Whether a key this replica has not cached may be looked up now; a refusal fails the check ({@link LookupDeferred}). */
    @FunctionalInterface
    public interface LookupGate {
        /** 0 when the lookup may go ahead; else the seconds to answer in Retry-After. */
        long waitBeforeLookup();
    }

    /**
     * The outcome of one check. {@code key} is null for NOT_FOUND; {@code rate} null for an unlimited key;
     * {@code creditsRemaining} null unless credits were checked.
     */
    public record Verdict(VerifyCode code, KeyFacts key, KeyFacts.Denial denial, RateLimiter.Decision rate,
            Long creditsRemaining) {

        static final Verdict NOT_FOUND = new Verdict(VerifyCode.NOT_FOUND, null, null, null, null);

        public boolean valid() {
            return code == VerifyCode.VALID;
        }
    }

    private final KeyFormat format;
    private final KeyHasher hasher;
    private final KeyFactsCache facts;
    private final KeyFactsRepository repository;
    private final RateLimiter rateLimiter;
    private final UsageRecorder usage;
    private final Clock clock;

    @Inject
    KeyCheck(KeyFormat format, KeyHasher hasher, KeyFactsCache facts, KeyFactsRepository repository,
            RateLimiter rateLimiter, UsageRecorder usage, Clock clock) {
        this.format = format;
        this.hasher = hasher;
        this.facts = facts;
        this.repository = repository;
        this.rateLimiter = rateLimiter;
        this.usage = usage;
        this.clock = clock;
    }

    /** A key not cached here that its {@link LookupGate} did not let be looked up now: retry after the seconds given. */
    public static final class LookupDeferred extends RuntimeException {
        private final long retryAfterSeconds;

        LookupDeferred(long retryAfterSeconds) {
            super(null, null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    public Uni<Verdict> check(String token, Requirements requirements) {
        if (format.parse(token).isEmpty()) {
            return Uni.createFrom().item(Verdict.NOT_FOUND); // no hashing, no cache entry, no database access
        }
        var hash = hasher.hash(token);
        var id = KeyFactsCache.idOf(hash);
        var peek = facts.peek(id, () -> lookup(token, hash));
        if (peek.answered()) {
            return conclude(peek.value(), requirements);
        }
        long wait = requirements.lookups() == null ? 0 : requirements.lookups().waitBeforeLookup();
        if (wait > 0) {
            return Uni.createFrom().failure(new LookupDeferred(wait));
        }
        return facts.read(id, () -> lookup(token, hash), peek.value()).chain(key -> conclude(key, requirements));
    }

    /**
     * The database's facts for the token: by its current hash, else (only while a pepper rotation is under way)
     * by each previous pepper's hash. A key found that way is moved to the current pepper at once.
     */
    private Uni<KeyFacts> lookup(String token, byte[] hash) {
        var found = repository.findByHash(hash);
        for (var pepper : hasher.previous()) {
            found = found.chain(key -> key != null ? Uni.createFrom().item(key) : byPrevious(token, pepper, hash));
        }
        return found;
    }

    private Uni<KeyFacts> byPrevious(String token, KeyHasher.Peppered pepper, byte[] currentHash) {
        var oldHash = pepper.hash(token);
        return repository.findByHash(oldHash).call(key -> key == null ? Uni.createFrom().voidItem()
                : repository.rehash(key.keyId(), oldHash, currentHash, hasher.pepperVersion()));
    }

    /**
     * The verdict on {@code key}. Answered in memory (one ready item, no further stages) unless the key's rate limit
     * is counted in Redis or the use spends credits.
     */
    Uni<Verdict> conclude(KeyFacts key, Requirements requirements) {
        var now = clock.instant();
        var refused = screen(key, requirements, now);
        if (refused != null) {
            return Uni.createFrom().item(recorded(refused, requirements, now));
        }
        if (key.rateLimit() == null || rateLimiter.countsHere()) {
            var rate = rateLimiter.consumeHere(key.keyId(), key.rateLimit(), key.rateWindowSeconds(), now);
            return spend(key, rate, requirements, now);
        }
        return rateLimiter.consume(key.keyId(), key.rateLimit(), key.rateWindowSeconds(), now)
                .chain(rate -> spend(key, rate, requirements, now));
    }

    /** After the rate limit passed: a use that costs credits spends them in the database, exactly. */
    private Uni<Verdict> spend(KeyFacts key, RateLimiter.Decision rate, Requirements requirements, Instant now) {
        if (rate != null && !rate.allowed()) {
            return Uni.createFrom().item(recorded(new Verdict(VerifyCode.RATE_LIMITED, key, null, rate, null), requirements, now));
        }
        if (requirements.cost() == null || !key.hasCredits()) {
            return Uni.createFrom().item(recorded(new Verdict(VerifyCode.VALID, key, null, rate, null), requirements, now));
        }
        return repository.spendCredits(key.keyId(), requirements.cost())
                .ifNoItem().after(DATABASE_TIMEOUT).fail()
                .onFailure(DatabaseOutage::is).transform(DatabaseOutage::answer)
                .map(spent -> recorded(new Verdict(spent.spent() ? VerifyCode.VALID : VerifyCode.USAGE_EXCEEDED, key, null, rate,
                        spent.remaining()), requirements, now));
    }

    private Verdict recorded(Verdict verdict, Requirements requirements, Instant now) {
        if (requirements.recordAs() != null && verdict.key() != null) {
            usage.record(verdict.key().keyId(), verdict.key().workspaceId(), verdict.valid(), verdict.code().name(),
                    requirements.recordAs(), now);
        }
        return verdict;
    }

    /** The first check that refuses the use, up to its scopes; null when every one passes. */
    static Verdict screen(KeyFacts key, Requirements requirements, Instant now) {
        if (key == null || (requirements.workspaceId() != null && !key.workspaceId().equals(requirements.workspaceId()))) {
            return Verdict.NOT_FOUND;
        }
        if (requirements.kinds() != null && !requirements.kinds().contains(key.kind())) {
            return new Verdict(VerifyCode.KIND_NOT_ALLOWED, key, null, null, null);
        }
        var denial = key.denial(now);
        if (denial != null) {
            return new Verdict(denial.verifyCode, key, denial, null, null);
        }
        if (!key.allowsAddress(requirements.sourceIp())) {
            return new Verdict(VerifyCode.IP_NOT_ALLOWED, key, null, null, null);
        }
        if (!Permissions.missing(key.effectiveScopes(), requirements.scopes()).isEmpty()) {
            return new Verdict(VerifyCode.INSUFFICIENT_SCOPE, key, null, null, null);
        }
        return null;
    }
}
