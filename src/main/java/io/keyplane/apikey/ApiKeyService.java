package io.keyplane.apikey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import io.keyplane.apikey.ApiKeyDtos.ApiKeyResponse;
import io.keyplane.apikey.ApiKeyDtos.CreateApiKeyRequest;
import io.keyplane.apikey.ApiKeyDtos.Credits;
import io.keyplane.apikey.ApiKeyDtos.RateLimit;
import io.keyplane.apikey.ApiKeyDtos.UpdateApiKeyRequest;
import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.auth.Caller;
import io.keyplane.changes.ChangeFeed;
import io.keyplane.common.JsonBodies.Patch;
import io.keyplane.common.JsonBodies;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.key.KeyFactsCache;
import io.keyplane.key.KeyKind;
import io.keyplane.key.Permissions;
import io.keyplane.scope.ScopeService;
import io.keyplane.serviceaccount.ServiceAccountDtos.ServiceAccountResponse;
import io.keyplane.serviceaccount.ServiceAccountService;
import io.keyplane.usage.UsageDtos.KeyUsageResponse;
import io.keyplane.usage.UsageHistory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The key lifecycle. A change commits with its audit event; then, before the response is sent, the verification
 * caches learn of it ({@link ChangeFeed}), which is why the changing methods open their transaction themselves.
 */
@ApplicationScoped
public class ApiKeyService {

    private final ApiKeyRepository keys;
    private final UsageHistory uses;
    private final KeyIssuer issuer;
    private final Idempotency idempotency;
    private final ScopeService scopes;
    private final ServiceAccountService accounts;
    private final ChangeFeed keyChanges;
    private final AuditLog audit;
    private final JsonBodies json;
    private final WorkspaceKeyRules workspaceRules;
    private final Clock clock;

    @Inject
    ApiKeyService(ApiKeyRepository keys, UsageHistory uses, KeyIssuer issuer, Idempotency idempotency,
            ScopeService scopes, ServiceAccountService accounts, ChangeFeed changes, AuditLog audit, JsonBodies json,
            WorkspaceKeyRules workspaceRules, Clock clock) {
        this.keys = keys;
        this.uses = uses;
        this.issuer = issuer;
        this.idempotency = idempotency;
        this.scopes = scopes;
        this.accounts = accounts;
        this.keyChanges = changes;
        this.audit = audit;
        this.json = json;
        this.workspaceRules = workspaceRules;
        this.clock = clock;
    }

    /** The response carries the plain {@code key}, once (or again to the same Idempotency-Key within 24 h). */
    @WithTransaction
    public Uni<ApiKeyResponse> create(UUID workspaceId, CreateApiKeyRequest body, Caller caller, String idempotencyKey) {
        var callerId = caller.isOperator() ? Caller.OPERATOR_ID : caller.keyId().toString();
        Uni<IssuedKey> created = idempotencyKey == null ? issue(workspaceId, body, caller)
                : idempotency.claim(workspaceId, callerId, idempotencyKey, json.write(body)).chain(replay -> replay != null
                        ? keys.findInWorkspace(workspaceId, replay.keyId(), LockModeType.NONE)
                                .invoke(k -> requireMayIssue(k, caller)) // what the caller may do can have changed
                                .map(k -> new IssuedKey(k, replay.plainKey()))
                        : issue(workspaceId, body, caller)
                                .call(issued -> idempotency.complete(workspaceId, callerId, idempotencyKey, issued)));
        return created.map(issued -> ApiKeyResponse.issued(issued, clock.instant()));
    }

    /** The first ServiceKey of a new workspace, on its owner account, in the workspace's own transaction. */
    @WithTransaction
    public Uni<ApiKeyResponse> createBootstrapKey(UUID workspaceId, UUID ownerAccountId) {
        var issued = issuer.issue(new KeyIssuer.Spec(workspaceId, ownerAccountId, "bootstrap", KeyKind.SERVICE,
                List.of(Permissions.WORKSPACE_ADMIN), null, null, null, List.of(), "{}", null, Caller.OPERATOR_ID));
        return keys.persist(issued.entity())
                .call(k -> audit.success(workspaceId, "api_key.create", "api_key", k.id,
                        Changes.none().created("name", k.name).created("kind", k.kind.wireName())))
                .map(k -> ApiKeyResponse.issued(issued, clock.instant()));
    }

    private Uni<IssuedKey> issue(UUID workspaceId, CreateApiKeyRequest body, Caller caller) {
        var now = clock.instant();
        var kind = body.kind() == null ? KeyKind.API : body.kind();
        var expiresAt = ApiKeyInputs.expiry(body.expiresAt(), body.expiresInDays(), now);
        var rateLimit = ApiKeyInputs.rateLimit(body.rateLimit(), body.tier());
        var cidrs = ApiKeyInputs.cidrs(body.allowedCidrs());
        var meta = ApiKeyInputs.meta(body.meta(), json::write);
        var accountId = body.serviceAccountId() != null ? body.serviceAccountId() : caller.serviceAccountId();
        if (accountId == null) {
            return Uni.createFrom().failure(KeyplaneException.validation("service_account_id",
                    "is required when the operator creates a key"));
        }
        requireMayIssueOn(accountId, caller);
        return workspaceRules.maxKeyLifetimeDays(workspaceId)
                .invoke(max -> ApiKeyInputs.requireLifetime(expiresAt, now, max))
                .chain(() -> account(workspaceId, accountId))
                .chain(account -> grants(workspaceId, body.scopes(), account, kind, caller)
                        .map(granted -> issuer.issue(new KeyIssuer.Spec(workspaceId, account.id(), body.name().trim(),
                                kind, granted, expiresAt, rateLimit == null ? null : rateLimit.limit(),
                                rateLimit == null ? null : rateLimit.windowSeconds(), cidrs, meta, null,
                                caller.actorId()))))
                .invoke(issued -> Credits.apply(body.credits(), issued.entity(), now))
                .call(issued -> keys.persist(issued.entity()))
                .call(issued -> audit.success(workspaceId, "api_key.create", "api_key", issued.entity().id,
                        creationChanges(issued.entity()).created("credits", Credits.of(issued.entity(), now))));
    }

    @WithSession
    public Uni<Page<ApiKeyResponse>> list(UUID workspaceId, ApiKeyRepository.Filter filter, PageRequest page) {
        var now = clock.instant();
        return keys.list(workspaceId, filter, page, now)
                .map(rows -> Page.of(rows, page.limit(), k -> k.createdAt, k -> k.id).map(k -> ApiKeyResponse.from(k, now)));
    }

    @WithSession
    public Uni<ApiKeyResponse> get(UUID workspaceId, UUID keyId) {
        return keys.findInWorkspace(workspaceId, keyId, LockModeType.NONE).map(k -> ApiKeyResponse.from(k, clock.instant()));
    }

    /** Row-locked, so a revocation racing with this update is either seen (409) or waits: never undone. */
    public Uni<ApiKeyResponse> update(UUID workspaceId, UUID keyId, Patch<UpdateApiKeyRequest> patch, Caller caller) {
        return changing(() -> updateKey(workspaceId, keyId, patch, caller));
    }

    private Uni<ApiKey> updateKey(UUID workspaceId, UUID keyId, Patch<UpdateApiKeyRequest> patch, Caller caller) {
        var body = patch.value();
        var now = clock.instant();
        for (var field : List.of("name", "scopes", "allowed_cidrs", "meta")) {
            if (patch.has(field) && valueOf(body, field) == null) {
                return Uni.createFrom().failure(KeyplaneException.validation(field, "must not be null"));
            }
        }
        if (patch.has("expires_at")) {
            ApiKeyInputs.requireFuture(body.expiresAt(), now);
        }
        var cidrs = patch.has("allowed_cidrs") ? ApiKeyInputs.cidrs(body.allowedCidrs()) : null;
        var meta = patch.has("meta") ? ApiKeyInputs.meta(body.meta(), json::write) : null;
        return keys.findInWorkspace(workspaceId, keyId, LockModeType.PESSIMISTIC_WRITE)
                .invoke(ApiKeyService::requireNotRevoked)
                .invoke(k -> requireManageable(k, caller))
                .call(k -> !patch.has("expires_at") ? Uni.createFrom().voidItem()
                        : workspaceRules.maxKeyLifetimeDays(workspaceId)
                                .invoke(max -> ApiKeyInputs.requireLifetimeOrSooner(body.expiresAt(), k.expiresAt, k.createdAt, max)))
                .call(k -> !patch.has("scopes") ? Uni.createFrom().voidItem()
                        : account(workspaceId, k.serviceAccountId)
                                .chain(account -> grants(workspaceId, body.scopes(), account, k.kind, caller))
                                .invoke(granted -> k.scopes = granted.toArray(String[]::new)).replaceWithVoid())
                .call(k -> {
                    var changes = Changes.none();
                    if (body.name() != null) {
                        changes.field("name", k.name, body.name().trim());
                        k.name = body.name().trim();
                    }
                    if (patch.has("expires_at")) {
                        changes.field("expires_at", k.expiresAt, body.expiresAt());
                        k.expiresAt = body.expiresAt();
                    }
                    if (patch.has("rate_limit")) {
                        changes.field("rate_limit", RateLimit.of(k.rateLimit, k.rateWindowSeconds), body.rateLimit());
                        k.rateLimit = body.rateLimit() == null ? null : body.rateLimit().limit();
                        k.rateWindowSeconds = body.rateLimit() == null ? null : body.rateLimit().windowSeconds();
                    }
                    if (cidrs != null) {
                        changes.field("allowed_cidrs", List.of(k.allowedCidrs), cidrs);
                        k.allowedCidrs = cidrs.toArray(String[]::new);
                    }
                    if (meta != null) {
                        changes.field("meta", k.meta, meta);
                        k.meta = meta;
                    }
                    if (patch.has("credits")) {
                        changes.field("credits", Credits.of(k, now), body.credits());
                        Credits.apply(body.credits(), k, now);
                    }
                    return audit.success(workspaceId, "api_key.update", "api_key", k.id, changes);
                })
                .invoke(k -> k.updatedAt = now);
    }

    public Uni<ApiKeyResponse> pause(UUID workspaceId, UUID keyId, Caller caller) {
        return changing(() -> setPaused(workspaceId, keyId, true, caller));
    }

    public Uni<ApiKeyResponse> resume(UUID workspaceId, UUID keyId, Caller caller) {
        return changing(() -> setPaused(workspaceId, keyId, false, caller));
    }

    private Uni<ApiKey> setPaused(UUID workspaceId, UUID keyId, boolean paused, Caller caller) {
        var target = paused ? ApiKey.PAUSED : ApiKey.ACTIVE;
        return keys.findInWorkspace(workspaceId, keyId, LockModeType.PESSIMISTIC_WRITE)
                .invoke(ApiKeyService::requireNotRevoked)
                .invoke(k -> requireManageable(k, caller))
                .call(k -> {
                    if (target.equals(k.status)) {
                        return Uni.createFrom().voidItem(); // already so: nothing changed, nothing to audit
                    }
                    var changes = Changes.none().field("status", k.status, target);
                    k.status = target;
                    k.updatedAt = clock.instant();
                    return audit.success(workspaceId, paused ? "api_key.pause" : "api_key.resume", "api_key", k.id,
                            changes).replaceWithVoid();
                });
    }

    /**
     * Runs a change of one key in its own transaction, which also tells the other replicas (on commit); after the
     * commit, and before the response, this replica's cache forgets the key's facts.
     */
    private Uni<ApiKeyResponse> changing(Supplier<Uni<ApiKey>> change) {
        return Panache.withTransaction(() -> change.get().call(k -> keyChanges.announce(KeyFactsCache.changeOfKey(k.keyHash))))
                .invoke(k -> keyChanges.evictHere(KeyFactsCache.changeOfKey(k.keyHash)))
                .map(k -> ApiKeyResponse.from(k, clock.instant()));
    }

    /**
     * Permanent, for the key and for every key before it in its rotation chain still inside its grace period (each
     * with an event of its own): revoking the newest key of a rotation stops the application's access at once, not
     * when the grace period ends. Revoking a revoked key succeeds again without a second event.
     */
    public Uni<ApiKeyResponse> revoke(UUID workspaceId, UUID keyId, Caller caller) {
        var now = clock.instant();
        return Panache.withTransaction(() -> keys.findInWorkspace(workspaceId, keyId, LockModeType.PESSIMISTIC_WRITE)
                .invoke(k -> requireManageable(k, caller))
                .chain(k -> keys.inGraceBefore(workspaceId, k.id, now).chain(predecessors -> {
                    var revoked = new java.util.ArrayList<ApiKey>(predecessors.size() + 1);
                    revoked.add(k);
                    revoked.addAll(predecessors);
                    Uni<Void> done = revokeOne(k, Changes.none(), now);
                    for (var old : predecessors) {
                        done = done.chain(() -> revokeOne(old, Changes.none().created("revoked_with", k.id), now));
                    }
                    return done.call(() -> announce(revoked)).replaceWith(revoked);
                })))
                .invoke(revoked -> revoked.forEach(k -> keyChanges.evictHere(KeyFactsCache.changeOfKey(k.keyHash))))
                .map(revoked -> ApiKeyResponse.from(revoked.get(0), clock.instant()));
    }

    private Uni<Void> revokeOne(ApiKey k, Changes changes, Instant now) {
        if (k.isRevoked()) {
            return Uni.createFrom().voidItem();
        }
        changes.field("status", k.status, ApiKey.REVOKED);
        k.revoke(now);
        return audit.success(k.workspaceId, "api_key.revoke", "api_key", k.id, changes).replaceWithVoid();
    }

    private Uni<Void> announce(List<ApiKey> changed) {
        Uni<Void> done = Uni.createFrom().voidItem();
        for (var k : changed) {
            done = done.call(() -> keyChanges.announce(KeyFactsCache.changeOfKey(k.keyHash)));
        }
        return done;
    }

    /**
     * A successor with the same account, kind, scopes, limits, CIDRs and meta (and the same lifetime, if the old
     * key had one). The old key points at it and works for the grace period; the row lock makes a concurrent
     * second rotation see {@code replaced_by} and fail with 409.
     */
    /** A successor lives as long as its predecessor was made to (none: never expires). */
    private static Instant successorExpiry(ApiKey old, Instant now) {
        return old.expiresAt == null ? null : now.plus(Duration.between(old.createdAt, old.expiresAt));
    }

    public Uni<ApiKeyResponse> rotate(UUID workspaceId, UUID keyId, int graceSeconds, Caller caller) {
        var now = clock.instant();
        return Panache.withTransaction(() -> keys.findInWorkspace(workspaceId, keyId, LockModeType.PESSIMISTIC_WRITE)
                .invoke(old -> {
                    requireNotRevoked(old);
                    if (old.replacedBy != null) {
                        throw KeyplaneException.conflict("already_rotated", "This key was already rotated; rotate its "
                                + "successor " + old.replacedBy + " instead");
                    }
                    requireManageable(old, caller); // else rotating hands over a stronger key
                })
                .call(old -> workspaceRules.maxKeyLifetimeDays(workspaceId).invoke(max -> ApiKeyInputs.requireLifetime(
                        successorExpiry(old, now), now, max)))
                .chain(old -> {
                    var next = issuer.issue(new KeyIssuer.Spec(workspaceId, old.serviceAccountId, old.name, old.kind,
                            old.scopeList(), successorExpiry(old, now), old.rateLimit,
                            old.rateWindowSeconds, List.of(old.allowedCidrs), old.meta, old.id, caller.actorId()));
                    var changes = Changes.none().field("replaced_by", null, next.entity().id);
                    // the balance and its refill go with the key: rotating never resets a quota
                    Credits.apply(Credits.of(old, now), next.entity(), now);
                    old.replacedBy = next.entity().id;
                    old.updatedAt = now;
                    if (graceSeconds == 0) {
                        changes.field("status", old.status, ApiKey.REVOKED);
                        old.revoke(now);
                    } else {
                        var graceEnd = now.plusSeconds(graceSeconds);
                        var newExpiry = old.expiresAt != null && old.expiresAt.isBefore(graceEnd) ? old.expiresAt : graceEnd;
                        changes.field("expires_at", old.expiresAt, newExpiry);
                        old.expiresAt = newExpiry;
                    }
                    return keys.persist(next.entity())
                            .call(() -> audit.success(workspaceId, "api_key.rotate", "api_key", old.id, changes))
                            .call(() -> audit.success(workspaceId, "api_key.create", "api_key", next.entity().id,
                                    creationChanges(next.entity()).created("rotated_from", old.id)))
                            .call(() -> keyChanges.announce(KeyFactsCache.changeOfKey(old.keyHash)))
                            .replaceWith(new Rotation(old.keyHash, next));
                }))
                .invoke(rotation -> keyChanges.evictHere(KeyFactsCache.changeOfKey(rotation.oldKeyHash())))
                .map(rotation -> ApiKeyResponse.issued(rotation.successor(), clock.instant()));
    }

    private record Rotation(byte[] oldKeyHash, IssuedKey successor) {
    }

    /** Ingest keys only; every reveal is audited. */
    @WithTransaction
    public Uni<String> reveal(UUID workspaceId, UUID keyId) {
        return keys.findInWorkspace(workspaceId, keyId, LockModeType.NONE)
                .invoke(k -> {
                    if (k.kind != KeyKind.INGEST || k.keyCiphertext == null) {
                        throw KeyplaneException.conflict("not_revealable", "Only ingest keys can be revealed");
                    }
                    requireNotRevoked(k);
                })
                .call(k -> audit.success(workspaceId, "api_key.reveal", "api_key", k.id, Changes.none()))
                .map(issuer::reveal);
    }

    @WithSession
    public Uni<Page<KeyUsageResponse>> usage(UUID workspaceId, UUID keyId, PageRequest page) {
        return keys.findInWorkspace(workspaceId, keyId, LockModeType.NONE).chain(k -> uses.ofKey(k.id, page));
    }

    /** 404 unless the key is one of the workspace's. */
    @WithSession
    public Uni<Void> requireKey(UUID workspaceId, UUID keyId) {
        return keys.findInWorkspace(workspaceId, keyId, LockModeType.NONE).replaceWithVoid();
    }

    private Uni<ServiceAccountResponse> account(UUID workspaceId, UUID accountId) {
        return accounts.get(workspaceId, accountId)
                .onFailure(KeyplaneException.class).transform(e -> KeyplaneException.unprocessable("unprocessable",
                        "service_account_id", "No such service account in this workspace"));
    }

    /** Requested grants (default: the account's), valid, within the account, and not an escalation for ServiceKeys. */
    private Uni<List<String>> grants(UUID workspaceId, List<String> requested, ServiceAccountResponse account,
            KeyKind kind, Caller caller) {
        var wanted = requested == null ? account.scopes() : requested;
        return scopes.validateGrants(workspaceId, wanted, "scopes").invoke(granted -> {
            ApiKeyInputs.requireWithinAccount(granted, account.scopes());
            if (kind == KeyKind.SERVICE) {
                caller.requireMayGrant(granted);
            }
        });
    }

    /** A key on another account acts as that account: only who may manage accounts may issue one. */
    private static void requireMayIssueOn(UUID accountId, Caller caller) {
        if (!accountId.equals(caller.serviceAccountId())) {
            caller.requireScope(Permissions.SERVICE_ACCOUNTS_WRITE);
        }
    }

    /** Everything issuing {@code k} needed, asked again (an idempotent replay hands over its plain key). */
    private static void requireMayIssue(ApiKey k, Caller caller) {
        requireMayIssueOn(k.serviceAccountId, caller);
        requireManageable(k, caller);
    }

    /** A ServiceKey with management permissions can only be changed by a caller holding them too. */
    private static void requireManageable(ApiKey k, Caller caller) {
        if (k.kind == KeyKind.SERVICE) {
            caller.requireMayGrant(k.scopeList());
        }
    }

    private static Object valueOf(UpdateApiKeyRequest body, String field) {
        return switch (field) {
            case "name" -> body.name();
            case "scopes" -> body.scopes();
            case "allowed_cidrs" -> body.allowedCidrs();
            default -> body.meta();
        };
    }

    private static void requireNotRevoked(ApiKey k) {
        if (k.isRevoked()) {
            throw KeyplaneException.conflict("key_revoked", "The key is revoked");
        }
    }

    private static Changes creationChanges(ApiKey k) {
        return Changes.none().created("name", k.name).created("kind", k.kind.wireName())
                .created("service_account_id", k.serviceAccountId).created("scopes", k.scopeList())
                .created("expires_at", k.expiresAt);
    }
}
