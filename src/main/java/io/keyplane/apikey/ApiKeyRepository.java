package io.keyplane.apikey;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.keyplane.common.PageRequest;
import io.keyplane.common.Where;
import io.keyplane.common.WorkspaceOwned;
import io.keyplane.key.KeyKind;
import io.keyplane.scope.ScopeHolders;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Every query names the workspace: an id from another workspace is simply not found. */
@ApplicationScoped
public class ApiKeyRepository implements WorkspaceOwned<ApiKey>, ScopeHolders {

    /**
     * Exact filters; {@code status} is the computed one (API.md 4.1). {@code expiringWithin}: unrevoked keys that
     * have not expired but will within it; {@code unusedFor}: unrevoked keys with no valid use for that long (a key
     * never used counts from its creation). Nulls do not filter.
     */
    public record Filter(String status, KeyKind kind, UUID serviceAccountId, Duration expiringWithin,
            Duration unusedFor) {
    }

    @Override
    public String noun() {
        return "API key";
    }

    /** 404 unless the key is one of the workspace's; for reads outside a service's own session. */
    @WithSession
    Uni<ApiKey> findInWorkspaceWithSession(UUID workspaceId, UUID id) {
        return findInWorkspace(workspaceId, id, LockModeType.NONE);
    }

    /** Newest first; {@code status} is the computed one, so expiry is evaluated against {@code now}. */
    Uni<List<ApiKey>> list(UUID workspaceId, Filter filter, PageRequest page, Instant now) {
        var where = Where.of("workspaceId = :ws", "ws", workspaceId)
                .andIfPresent("kind = :kind", "kind", filter.kind())
                .andIfPresent("serviceAccountId = :sa", "sa", filter.serviceAccountId());
        if (filter.expiringWithin() != null) {
            where.and("status <> 'revoked' and expiresAt > :now and expiresAt <= :expiringBy", "now", now)
                    .param("expiringBy", now.plus(filter.expiringWithin()));
        }
        if (filter.unusedFor() != null) {
            where.and("status <> 'revoked' and coalesce(lastUsedAt, createdAt) <= :unusedSince", "unusedSince",
                    now.minus(filter.unusedFor()));
        }
        if (filter.status() != null) {
            switch (filter.status()) {
                case ApiKey.REVOKED -> where.and("status = 'revoked'");
                case ApiKey.EXPIRED -> where.and("status <> 'revoked' and expiresAt <= :now", "now", now);
                default -> where.and("status = :status and (expiresAt is null or expiresAt > :now)", "now", now)
                        .param("status", filter.status());
            }
        }
        return where.newestFirst(this, page, "createdAt", "id", PageRequest::afterUuid);
    }

    /** The account's keys that still work or could: row-locked, for revoking them all. */
    Uni<List<ApiKey>> liveOfAccount(UUID serviceAccountId) {
        return find("serviceAccountId = ?1 and status <> 'revoked'", serviceAccountId)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /**
     * The keys before {@code keyId} in its rotation chain (its predecessor, that one's, and so on) that still work or
     * could: not revoked and not expired, so inside a rotation's grace period. Newest first, row-locked, for revoking
     * them with it.
     */
    Uni<List<ApiKey>> inGraceBefore(UUID workspaceId, UUID keyId, Instant now) {
        // union, not union all: a cycle (impossible by construction) would end rather than loop
        return getSession().chain(session -> session.createNativeQuery("""
                with recursive chain(id, rotated_from) as (
                    select id, rotated_from from api_key where id = ?1 and workspace_id = ?2
                    union
                    select a.id, a.rotated_from from api_key a join chain c on a.id = c.rotated_from
                    where a.workspace_id = ?2)
                select id from chain where id <> ?1""", UUID.class)
                .setParameter(1, keyId).setParameter(2, workspaceId).getResultList())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<ApiKey>of())
                        : find("workspaceId = ?1 and id in ?2 and status <> 'revoked' and (expiresAt is null or expiresAt > ?3) order by createdAt desc",
                                workspaceId, ids, now).withLock(LockModeType.PESSIMISTIC_WRITE).list());
    }

    /** In SQL: {@code = any(text[])} has no HQL form. */
    @Override
    public Uni<Long> countGranting(UUID workspaceId, String scope) {
        return getSession().chain(session -> session.createNativeQuery(
                "select count(*) from api_key where workspace_id = ?1 and status <> 'revoked' and ?2 = any(scopes)", Long.class)
                .setParameter(1, workspaceId).setParameter(2, scope).getSingleResult());
    }
}
