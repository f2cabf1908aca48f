package io.keyplane.apikey;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.keyplane.common.KeyplaneException;
import io.keyplane.common.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Every query names the workspace: an id from another workspace is simply not found. */
@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID> {

    public record Filter(String status, KeyKind kind, UUID serviceAccountId) {
    }

    public Uni<ApiKey> findInWorkspace(UUID workspaceId, UUID id, LockModeType lock) {
        return find("id = ?1 and workspaceId = ?2", id, workspaceId).withLock(lock).firstResult()
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("API key"));
    }

    /** Newest first; {@code status} is the computed one, so expiry is evaluated against {@code now}. */
    public Uni<List<ApiKey>> list(UUID workspaceId, Filter filter, PageRequest page, Instant now) {
        var where = new StringBuilder("workspaceId = :ws");
        var params = new HashMap<String, Object>();
        params.put("ws", workspaceId);
        if (filter.status() != null) {
            where.append(switch (filter.status()) {
                case ApiKey.REVOKED -> " and status = 'revoked'";
                case ApiKey.EXPIRED -> " and status <> 'revoked' and expiresAt <= :now";
                default -> " and status = :status and (expiresAt is null or expiresAt > :now)";
            });
            if (!ApiKey.REVOKED.equals(filter.status())) {
                params.put("now", now);
            }
            if (ApiKey.ACTIVE.equals(filter.status()) || ApiKey.PAUSED.equals(filter.status())) {
                params.put("status", filter.status());
            }
        }
        if (filter.kind() != null) {
            where.append(" and kind = :kind");
            params.put("kind", filter.kind());
        }
        if (filter.serviceAccountId() != null) {
            where.append(" and serviceAccountId = :sa");
            params.put("sa", filter.serviceAccountId());
        }
        if (page.hasCursor()) {
            where.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.put("at", page.afterAt());
            params.put("id", page.afterUuid());
        }
        return find(where + " order by createdAt desc, id desc", params).range(0, page.limit()).list();
    }
}
