package io.keyplane.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.smallrye.mutiny.Uni;

/**
 * The one credential pipeline. Authentication of a bearer token and {@code POST /api/v1/keys/verify} both run
 * {@link #check}: format and checksum (no hashing for a malformed key), hash, facts (cache, then database),
 * denial, workspace binding, CIDR, scopes, rate limit, and the use recorded. Cheapest first; the rate limit is
 * counted only for a use that would otherwise be valid.
 */
@Singleton
public class KeyCheck {

    /** The verify codes of API.md sections 5 and 9, in the order the checks run. */
    public enum Code {
        VALID, NOT_FOUND, KIND_NOT_ALLOWED, REVOKED, EXPIRED, PAUSED, DISABLED, IP_NOT_ALLOWED, INSUFFICIENT_SCOPE,
        RATE_LIMITED
    }

    /**
     * What a use must satisfy. {@code workspaceId} null: any workspace (another workspace's key is NOT_FOUND).
     * {@code kinds} null: any kind. {@code sourceIp} is checked against the key's CIDRs (every use is bound by them).
     * {@code recordAs} null: the caller records the use itself, once it knows the outcome (authentication records
     * it from the response).
     */
    public record Requirements(UUID workspaceId, Set<KeyKind> kinds, List<String> scopes, String sourceIp,
            Origin recordAs) {

        /** A bearer token, used from {@code clientAddress}: any kind, any workspace, within the key's CIDRs. */
        static Requirements authentication(String clientAddress) {
            return new Requirements(null, null, List.of(), clientAddress, null);
        }

        public static Requirements verification(UUID workspaceId, Set<KeyKind> kinds, List<String> scopes,
                String sourceIp, Origin origin) {
            return new Requirements(workspaceId, kinds, scopes, sourceIp, origin);
        }
    }

    /** The outcome of one check. {@code key} is null for NOT_FOUND; {@code rate} null for an unlimited key. */
    public record Verdict(Code code, KeyFacts key, KeyFacts.Denial denial, RateLimiter.Decision rate) {

        static final Verdict NOT_FOUND = new Verdict(Code.NOT_FOUND, null, null, null);

        public boolean valid() {
            return code == Code.VALID;
        }
    }

    private final KeyFormat format;
    private final KeyHasher hasher;
    private final KeyFactsCache facts;
    private final KeyFactsRepository repository;
    private final RateLimiter rateLimiter;
    private final UsageRecorder usage;
    private final Clock clock;
    private final byte[] operatorToken;

    @Inject
    KeyCheck(KeyFormat format, KeyHasher hasher, KeyFactsCache facts, KeyFactsRepository repository,
            RateLimiter rateLimiter, UsageRecorder usage, Clock clock, KeyplaneConfig config) {
        this.format = format;
        this.hasher = hasher;
        this.facts = facts;
        this.repository = repository;
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
        var cached = facts.cached(id);
        if (cached != null || facts.knownUnknown(id)) {
            return Uni.createFrom().item(conclude(cached, requirements)); // answered in memory: no more stages
        }
        return facts.load(id, lookup(token, hash)).map(key -> conclude(key, requirements));
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

    private Verdict conclude(KeyFacts key, Requirements requirements) {
        var now = clock.instant();
        var verdict = decide(key, requirements, now);
        if (requirements.recordAs() != null && verdict.key() != null) {
            usage.record(verdict.key(), verdict.valid(), verdict.code().name(), requirements.recordAs(), now);
        }
        return verdict;
    }

    /**
     * The caller behind a bearer token used from {@code clientAddress}: the operator, or a usable key whose use
     * counts against its rate limit. Fails with {@link CredentialRefused}: 401 with the contract's code, 403
     * {@code ip_not_allowed} outside the key's CIDRs, or 429.
     */
    public Uni<Caller> authenticate(String token, String clientAddress) {
        if (isOperatorToken(token)) {
            return Uni.createFrom().item(Caller.operator());
        }
        return check(token, Requirements.authentication(clientAddress)).map(this::callerOf);
    }

    private Verdict decide(KeyFacts key, Requirements requirements, Instant now) {
        if (key == null || (requirements.workspaceId() != null && !key.workspaceId().equals(requirements.workspaceId()))) {
            return Verdict.NOT_FOUND;
        }
        if (requirements.kinds() != null && !requirements.kinds().contains(key.kind())) {
            return new Verdict(Code.KIND_NOT_ALLOWED, key, null, null);
        }
        var denial = key.denial(now);
        if (denial != null) {
            return new Verdict(denial.verifyCode, key, denial, null);
        }
        if (!key.allowsAddress(requirements.sourceIp())) {
            return new Verdict(Code.IP_NOT_ALLOWED, key, null, null);
        }
        if (!Permissions.missing(key.effectiveScopes(), requirements.scopes()).isEmpty()) {
            return new Verdict(Code.INSUFFICIENT_SCOPE, key, null, null);
        }
        var rate = rateLimiter.consume(key.keyId(), key.rateLimit(), key.rateWindowSeconds(), now);
        return new Verdict(rate != null && !rate.allowed() ? Code.RATE_LIMITED : Code.VALID, key, null, rate);
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
