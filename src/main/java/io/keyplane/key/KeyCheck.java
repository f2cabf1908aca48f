package io.keyplane.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.DatabaseOutage;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.smallrye.mutiny.Uni;

/**
 * The one credential pipeline. Authentication of a bearer token and {@code POST /api/v1/keys/verify} both run
 * {@link #check}: format and checksum (no hashing for a malformed key), hash, facts (cache, then database),
 * denial, workspace binding, CIDR, scopes, rate limit, credits, and the use recorded. Cheapest first; the rate limit
 * is counted only for a use that would otherwise be valid, and credits are spent only after it passes.
 * <p>
 * Facts come from the cache while this replica listens for changes ({@link KeyChanges}); while it does not, they
 * are read through. When the database cannot be reached, cached facts still answer (they are at most the cache
 * TTL old, and no revocation can commit meanwhile); anything else is 503, never NOT_FOUND.
 */
@Singleton
public class KeyCheck {

    /** The longest a key's facts or a credit spend may wait for the database: after it, the call is 503. */
    static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(2);
    /** With cached facts to fall back on (while not listening), a slow database is given less. */
    static final Duration DATABASE_TIMEOUT_WITH_CACHED = Duration.ofMillis(500);

    /** The verify codes of API.md sections 5 and 9, in the order the checks run. */
    public enum Code {
        VALID, NOT_FOUND, KIND_NOT_ALLOWED, REVOKED, EXPIRED, PAUSED, DISABLED, IP_NOT_ALLOWED, INSUFFICIENT_SCOPE,
        RATE_LIMITED, USAGE_EXCEEDED
    }

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
        static Requirements authentication(String clientAddress, LookupGate lookups) {
            return new Requirements(null, null, List.of(), clientAddress, null, null, lookups);
        }

        public static Requirements verification(UUID workspaceId, Set<KeyKind> kinds, List<String> scopes,
                String sourceIp, Origin origin, long cost) {
            return new Requirements(workspaceId, kinds, scopes, sourceIp, origin, cost, null);
        }
    }

    /** Whether a key this replica has not cached may be looked up now; a refusal fails the check with 429. */
    @FunctionalInterface
    interface LookupGate {
        /** 0 when the lookup may go ahead; else the seconds to answer in Retry-After. */
        long waitBeforeLookup();
    }

    /**
     * The outcome of one check. {@code key} is null for NOT_FOUND; {@code rate} null for an unlimited key;
     * {@code creditsRemaining} null unless credits were checked.
     */
    public record Verdict(Code code, KeyFacts key, KeyFacts.Denial denial, RateLimiter.Decision rate,
            Long creditsRemaining) {

        static final Verdict NOT_FOUND = new Verdict(Code.NOT_FOUND, null, null, null, null);

        public boolean valid() {
            return code == Code.VALID;
        }
    }

    private final KeyFormat format;
    private final KeyHasher hasher;
    private final KeyFactsCache facts;
    private final KeyFactsRepository repository;
    private final KeyChanges changes;
    private final RateLimiter rateLimiter;
    private final UsageRecorder usage;
    private final Clock clock;
    private final byte[] operatorToken;

    @Inject
    KeyCheck(KeyFormat format, KeyHasher hasher, KeyFactsCache facts, KeyFactsRepository repository,
            KeyChanges changes, RateLimiter rateLimiter, UsageRecorder usage, Clock clock, KeyplaneConfig config) {
        this.format = format;
        this.hasher = hasher;
        this.facts = facts;
        this.repository = repository;
        this.changes = changes;
        this.rateLimiter = rateLimiter;
        this.usage = usage;
        this.clock = clock;
        this.operatorToken = config.operatorToken().map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    public Uni<Verdict> check(String token, Requirements requirements) {
        if (format.parse(token).isEmpty()) {
            return Uni.createFrom().item(Verdict.NOT_FOUND); // no hashing, no cache entry, no database access
        }
        var hash = hasher.hash(token);
        var id = KeyFactsCache.idOf(hash);
        var listening = changes.listening();
        // while not listening, every check reads the database anyway: no refresh ahead of that
        var cached = listening
                ? facts.cached(id, () -> lookup(token, hash).ifNoItem().after(DATABASE_TIMEOUT).fail())
                : facts.cached(id);
        if (listening && (cached != null || facts.knownUnknown(id))) {
            return conclude(cached, requirements);
        }
        long wait = requirements.lookups() == null ? 0 : requirements.lookups().waitBeforeLookup();
        if (wait > 0) {
            return Uni.createFrom().failure(new CredentialRefused(KeyplaneException.rateLimited(wait), null));
        }
        var timeout = cached != null ? DATABASE_TIMEOUT_WITH_CACHED : DATABASE_TIMEOUT;
        return facts.load(id, lookup(token, hash).ifNoItem().after(timeout).fail())
                .onFailure().recoverWithUni(failure -> cachedDuringOutage(failure, cached))
                .chain(key -> conclude(key, requirements));
    }

    /** The database failed: cached facts answer (at most the cache TTL old); without them, 503. */
    private static Uni<KeyFacts> cachedDuringOutage(Throwable failure, KeyFacts cached) {
        if (!DatabaseOutage.is(failure)) {
            return Uni.createFrom().failure(failure);
        }
        return cached != null ? Uni.createFrom().item(cached) : Uni.createFrom().failure(DatabaseOutage.answer(failure));
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
    private Uni<Verdict> conclude(KeyFacts key, Requirements requirements) {
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
            return Uni.createFrom().item(recorded(new Verdict(Code.RATE_LIMITED, key, null, rate, null), requirements, now));
        }
        if (requirements.cost() == null || !key.hasCredits()) {
            return Uni.createFrom().item(recorded(new Verdict(Code.VALID, key, null, rate, null), requirements, now));
        }
        return repository.spendCredits(key.keyId(), requirements.cost())
                .ifNoItem().after(DATABASE_TIMEOUT).fail()
                .onFailure(DatabaseOutage::is).transform(DatabaseOutage::answer)
                .map(spent -> recorded(new Verdict(spent.spent() ? Code.VALID : Code.USAGE_EXCEEDED, key, null, rate,
                        spent.remaining()), requirements, now));
    }

    private Verdict recorded(Verdict verdict, Requirements requirements, Instant now) {
        if (requirements.recordAs() != null && verdict.key() != null) {
            usage.record(verdict.key(), verdict.valid(), verdict.code().name(), requirements.recordAs(), now);
        }
        return verdict;
    }

    /**
     * The caller behind a bearer token used from {@code clientAddress}: the operator, or a usable key whose use
     * counts against its rate limit ({@code rateCounted} hears how it was counted, allowed or not). Fails with
     * {@link CredentialRefused}: 401 with the contract's code, 403 {@code ip_not_allowed} outside the key's CIDRs,
     * or 429.
     */
    public Uni<Caller> authenticate(String token, String clientAddress, Consumer<RateLimiter.Decision> rateCounted) {
        return authenticate(token, clientAddress, rateCounted, null);
    }

    /** As above; a key not cached here is looked up only when {@code lookups} lets it (null: always). */
    Uni<Caller> authenticate(String token, String clientAddress, Consumer<RateLimiter.Decision> rateCounted,
            LookupGate lookups) {
        if (isOperatorToken(token)) {
            return Uni.createFrom().item(Caller.operator());
        }
        return check(token, Requirements.authentication(clientAddress, lookups)).map(verdict -> {
            if (verdict.rate() != null) {
                rateCounted.accept(verdict.rate());
            }
            return callerOf(verdict);
        });
    }

    /** The first check that refuses the use, up to its scopes; null when every one passes. */
    private static Verdict screen(KeyFacts key, Requirements requirements, Instant now) {
        if (key == null || (requirements.workspaceId() != null && !key.workspaceId().equals(requirements.workspaceId()))) {
            return Verdict.NOT_FOUND;
        }
        if (requirements.kinds() != null && !requirements.kinds().contains(key.kind())) {
            return new Verdict(Code.KIND_NOT_ALLOWED, key, null, null, null);
        }
        var denial = key.denial(now);
        if (denial != null) {
            return new Verdict(denial.verifyCode, key, denial, null, null);
        }
        if (!key.allowsAddress(requirements.sourceIp())) {
            return new Verdict(Code.IP_NOT_ALLOWED, key, null, null, null);
        }
        if (!Permissions.missing(key.effectiveScopes(), requirements.scopes()).isEmpty()) {
            return new Verdict(Code.INSUFFICIENT_SCOPE, key, null, null, null);
        }
        return null;
    }

    private Caller callerOf(Verdict verdict) {
        return switch (verdict.code()) {
            case VALID -> Caller.of(verdict.key());
            case NOT_FOUND -> throw new CredentialRefused(KeyplaneException.unauthenticated("invalid_token",
                    "The bearer token is not a valid Keyplane credential"), null);
            case IP_NOT_ALLOWED -> throw new CredentialRefused(KeyplaneException.forbidden("ip_not_allowed",
                    "The key may not be used from this address"), verdict.key());
            case RATE_LIMITED -> throw new CredentialRefused(KeyplaneException.rateLimited(
                    verdict.rate().retryAfterSeconds(clock.instant())), verdict.key());
            case USAGE_EXCEEDED, KIND_NOT_ALLOWED, INSUFFICIENT_SCOPE -> throw new IllegalStateException(
                    "authentication asks for no credits, kinds or scopes");
            default -> throw new CredentialRefused(KeyplaneException.unauthenticated(verdict.denial().authCode,
                    detailOf(verdict.denial())), verdict.key());
        };
    }

    private boolean isOperatorToken(String token) {
        // constant-time: equals() would leak how much of the token matched
        return operatorToken != null && MessageDigest.isEqual(operatorToken, token.getBytes(StandardCharsets.UTF_8));
    }

    private static String detailOf(KeyFacts.Denial denial) {
        return switch (denial) {
            case REVOKED, WORKSPACE_DELETED -> "The key has been revoked";
            case EXPIRED -> "The key has expired";
            case PAUSED -> "The key is paused";
            case ACCOUNT_DISABLED -> "The key's service account is disabled";
        };
    }
}
